//! Shared helpers of the `search_*` tests: load the fixture sections, write a bundle to disk, run node.
//! Input: `tests/fixtures/search*/`; output: `SearchDocument`s, bundle folders and node's JSON answers.
#![allow(dead_code)] // each test binary uses a different subset

use docgen::model::{OutputFile, SearchDocument};
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(serde::Deserialize)]
struct FixtureFile {
    document: Vec<FixtureDocument>,
}

#[derive(serde::Deserialize)]
struct FixtureDocument {
    page_url: String,
    anchor: String,
    page_title: String,
    section_title: String,
    body: String,
    code: String,
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("generator/ sits in the workspace root")
        .to_path_buf()
}

/// The sections of `tests/fixtures/search/documents.toml`, in file order.
pub fn fixture_documents() -> Vec<SearchDocument> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/search/documents.toml");
    let text = std::fs::read_to_string(&path).expect("fixture is committed");
    let file: FixtureFile = toml::from_str(&text).expect("fixture is valid TOML");
    file.document
        .into_iter()
        .map(|d| SearchDocument {
            page_url: d.page_url,
            anchor: d.anchor,
            page_title: d.page_title,
            section_title: d.section_title,
            body: d.body,
            code: d.code,
        })
        .collect()
}

/// Write `files` under `dir` and return the manifest's path.
pub fn write_bundle(dir: &Path, files: &[OutputFile]) -> PathBuf {
    let mut manifest = None;
    for file in files {
        let path = dir.join(&file.path);
        std::fs::create_dir_all(path.parent().expect("bundle files live in search/"))
            .expect("temp dir is writable");
        std::fs::write(&path, &file.bytes).expect("temp dir is writable");
        if file.path.starts_with("search/manifest.") {
            manifest = Some(path);
        }
    }
    manifest.expect("a bundle has a manifest")
}

/// `node --version` works; otherwise prints why the calling test is skipped.
pub fn node_available(test: &str) -> bool {
    match Command::new("node").arg("--version").output() {
        Ok(output) if output.status.success() => true,
        _ => {
            eprintln!(
                "SKIPPED {test}: `node` is not on PATH (install Node.js 20+ to run the JS client tests)"
            );
            false
        }
    }
}

/// Run `tests/browser/search_node.mjs` with `args` and parse its JSON output.
pub fn run_node(args: &[&std::ffi::OsStr]) -> serde_json::Value {
    let script = repo_root().join("tests/browser/search_node.mjs");
    let output = Command::new("node")
        .arg(script)
        .args(args)
        .output()
        .expect("node ran before");
    assert!(
        output.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("search_node.mjs prints JSON")
}
