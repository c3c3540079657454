//! Helpers shared by the engine's integration tests: temporary projects from the tutorial
//! fixtures or from inline files.

#![allow(dead_code)]

pub mod console_examples;
pub mod server;
#[path = "../../../tests/support/tools.rs"]
pub mod tools;

use std::path::{Path, PathBuf};

use tempfile::TempDir;

/// The tutorial fixtures folder.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tutorials/fixtures")
}

/// Copies a tutorial fixture into a fresh temporary folder (the fixture itself never gets an `.ax/`).
pub fn copy_fixture(name: &str) -> TempDir {
    let temp = TempDir::new().expect("create a temp dir");
    copy_tree(&fixtures_dir().join(name), temp.path());
    temp
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a folder");
    for entry in std::fs::read_dir(from).expect("read a fixture folder") {
        let entry = entry.expect("read a fixture entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            if entry.file_name() != ".ax" {
                copy_tree(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), target).expect("copy a fixture file");
        }
    }
}

/// A temporary project holding `files` (relative path, contents).
pub fn project<P: AsRef<str>, C: AsRef<str>>(files: &[(P, C)]) -> TempDir {
    let temp = TempDir::new().expect("create a temp dir");
    for (path, contents) in files {
        write(temp.path(), path.as_ref(), contents.as_ref());
    }
    temp
}

/// Writes (or overwrites) one file under `root`, creating its folders.
pub fn write(root: &Path, path: &str, contents: &str) {
    let full = root.join(path);
    if let Some(parent) = full.parent() {
        std::fs::create_dir_all(parent).expect("create parent folders");
    }
    std::fs::write(full, contents).expect("write a project file");
}

/// Where `name` is defined, as `path:line`, in the order `ax def` gives.
pub fn def_paths(engine: &ax::Engine, name: &str) -> Vec<String> {
    engine
        .def(name)
        .expect("def succeeds")
        .into_iter()
        .map(|symbol| format!("{}:{}", symbol.path, symbol.line))
        .collect()
}
