//! The `docgen` binary: see `cli`.

fn main() {
    std::process::exit(docgen::cli::run());
}
