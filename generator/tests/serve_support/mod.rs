//! Helpers shared by the `docgen serve` tests: a writable copy of the fixture site.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Copy `generator/tests/fixtures/NAME` into a fresh temp dir; returns the dir (keep it alive) and the root.
pub fn copy_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join(name);
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.expect("fixture is readable");
        let target = root.join(entry.path().strip_prefix(&from).expect("under fixture"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create dir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
    (dir, root)
}

/// Replace the first `from` in the file at `root/relative` with `to`; panics when `from` is absent.
pub fn edit(root: &Path, relative: &str, from: &str, to: &str) {
    let path = root.join(relative);
    let text = std::fs::read_to_string(&path).expect("read page");
    assert!(text.contains(from), "{relative} holds {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write page");
}
