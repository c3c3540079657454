//! Command line: parse arguments, call the library, print diagnostics, return the exit code. No logic.

/// Run the command line and return the process exit code.
pub fn run() -> i32 {
    0
}
