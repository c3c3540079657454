//! The `ax` binary: the command line (`cli/`) over the `ax` library. The library is the engine and
//! the plugin runtime; everything about arguments, printing and exit codes lives here.

mod cli;
mod serve;

use clap::Parser;

fn main() -> std::process::ExitCode {
    cli::run(cli::Cli::parse())
}
