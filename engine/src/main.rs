//! The `ax` binary: a thin command line over the `ax` library.

fn main() {
    println!("ax {}", ax::VERSION);
}
