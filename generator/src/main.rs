//! The `docgen` binary: see `cli`.
//!
//! The allocator is mimalloc: a build allocates and frees millions of small strings on every core
//! (rendered pages, highlighted spans, analysed terms), and glibc's malloc spent about 15% of a
//! 1,000-page build's CPU in its own bookkeeping (`docs/performance.md`). With the crate's `override`
//! feature it also serves C's `malloc`/`free` in this binary, so the regex engine under syntax
//! highlighting (oniguruma, which allocates on every search) uses it as well.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(docgen::cli::run());
}
