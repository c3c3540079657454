//! The checks both crates' `tests/tidy.rs` make the same way: read every source file under `src/`,
//! find the ones without a leading `//!` module doc and the ones over the size limit. Each crate's
//! tidy test includes this file with `#[path]` and keeps its own import rules.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Code lines (blank lines, and everything from `#[cfg(test)]` on, not counted) a module may have.
pub const MAX_CODE_LINES: usize = 600;

/// `(path relative to src, text)` of every `.rs` file under `src`, sorted, `/`-separated.
pub fn rust_sources(src: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    collect(src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let relative = path
                .strip_prefix(src)
                .expect("under src")
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&path).expect("read source");
            (relative, text)
        })
        .collect()
}

fn collect(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            collect(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            found.push(path);
        }
    }
}

/// Files that do not open with a `//!` module doc.
pub fn without_module_doc(sources: &[(String, String)]) -> Vec<String> {
    sources
        .iter()
        .filter(|(_, text)| !text.trim_start().starts_with("//!"))
        .map(|(path, _)| path.clone())
        .collect()
}

/// `path: N lines` for every file over `MAX_CODE_LINES` code lines (tests do not count).
pub fn over_size_limit(sources: &[(String, String)]) -> Vec<String> {
    sources
        .iter()
        .filter_map(|(path, text)| {
            let code = text.split("#[cfg(test)]").next().unwrap_or(text);
            let lines = code.lines().filter(|line| !line.trim().is_empty()).count();
            (lines > MAX_CODE_LINES).then(|| format!("{path}: {lines} lines"))
        })
        .collect()
}
