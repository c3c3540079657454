//! Cheap structural checks in the style of rust-analyzer's tidy: every engine source file opens with
//! a `//!` module doc, stays under the size limit, and the stages keep their import direction.

#[path = "../../tests/support/tidy.rs"]
mod shared;

use std::path::Path;

fn engine_sources() -> Vec<(String, String)> {
    shared::rust_sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

#[test]
fn every_module_opens_with_a_module_doc() {
    let missing = shared::without_module_doc(&engine_sources());
    assert!(
        missing.is_empty(),
        "files without a leading `//!`: {missing:?}"
    );
}

#[test]
fn no_module_exceeds_the_size_limit() {
    let too_long = shared::over_size_limit(&engine_sources());
    assert!(
        too_long.is_empty(),
        "modules over {} code lines: {too_long:?}",
        shared::MAX_CODE_LINES
    );
}

#[test]
fn stages_import_only_what_their_invariants_allow() {
    for (path, text) in engine_sources() {
        // scan/ never writes the index and query/ never parses sources.
        if path.starts_with("scan") {
            assert!(!text.contains("crate::store"), "{path} imports the store");
            assert!(!text.contains("crate::query"), "{path} imports query");
        }
        if path.starts_with("query") {
            assert!(!text.contains("crate::scan"), "{path} imports scan");
        }
        if path.starts_with("store") {
            assert!(
                !text.contains("crate::scan") && !text.contains("crate::query"),
                "{path} imports a later stage"
            );
        }
        // Only the command line knows the --json shape.
        if !is_binary_module(&path) {
            assert!(
                !text.contains("serde_json::json!"),
                "{path} builds JSON output"
            );
        }
    }
}

/// Files of the `ax` binary (declared from `main.rs`); everything else is the library.
fn is_binary_module(path: &str) -> bool {
    path == "main.rs" || path.starts_with("cli/") || path.starts_with("serve/")
}

#[test]
fn the_library_is_engine_and_plugin_runtime_and_the_binary_is_glue() {
    for (path, text) in engine_sources() {
        if is_binary_module(&path) {
            continue;
        }
        // Arguments, printing and exit codes belong to the binary (ripgrep's `crates/core` split).
        // Doc comments may show a caller printing.
        let code: String = text
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for forbidden in ["clap::", "ExitCode", "println!", "eprintln!"] {
            assert!(
                !code.contains(forbidden),
                "library file {path} uses `{forbidden}`: move it into the binary (cli/)"
            );
        }
        // The plugin runtime sees records and an `IndexReader`, never the engine that hosts it.
        if path.starts_with("plugin") {
            for forbidden in [
                "crate::Engine",
                "crate::{Engine",
                "Engine,",
                "crate::attach",
            ] {
                assert!(
                    !text.contains(forbidden),
                    "{path} imports the engine (`{forbidden}`)"
                );
            }
        }
    }
}
