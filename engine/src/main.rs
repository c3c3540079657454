//! The `ax` binary: a thin command line over the `ax` library (see `cli.rs`).

mod cli;

use clap::Parser;

fn main() -> std::process::ExitCode {
    cli::run(cli::Cli::parse())
}
