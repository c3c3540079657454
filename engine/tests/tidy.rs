//! Cheap structural checks in the style of rust-analyzer's tidy: every engine source file opens with
//! a `//!` module doc, stays under the size limit, and the stages keep their import direction.

use std::path::{Path, PathBuf};

const MAX_CODE_LINES: usize = 600;

fn source_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            source_files(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            found.push(path);
        }
    }
}

fn engine_sources() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let relative = path
                .strip_prefix(&src)
                .expect("under src")
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&path).expect("read source");
            (relative, text)
        })
        .collect()
}

#[test]
fn every_module_opens_with_a_module_doc() {
    let missing: Vec<String> = engine_sources()
        .into_iter()
        .filter(|(_, text)| !text.trim_start().starts_with("//!"))
        .map(|(path, _)| path)
        .collect();
    assert!(
        missing.is_empty(),
        "files without a leading `//!`: {missing:?}"
    );
}

#[test]
fn no_module_exceeds_the_size_limit() {
    let too_long: Vec<String> = engine_sources()
        .into_iter()
        .filter_map(|(path, text)| {
            // Tests do not count towards the limit.
            let code = text.split("#[cfg(test)]").next().unwrap_or(&text);
            let lines = code.lines().filter(|line| !line.trim().is_empty()).count();
            (lines > MAX_CODE_LINES).then(|| format!("{path}: {lines} lines"))
        })
        .collect();
    assert!(
        too_long.is_empty(),
        "modules over {MAX_CODE_LINES} code lines: {too_long:?}"
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
