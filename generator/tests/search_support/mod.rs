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
    #[serde(default)]
    description: String,
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
            description: d.description,
        })
        .collect()
}

/// `count` synthetic sections with long bodies (past tantivy's exact fieldnorm range of 40 tokens), code
/// identifiers and a small vocabulary, so scores tie and field lengths are quantized: the hard cases for
/// ranking parity. Deterministic (a fixed linear congruential generator).
pub fn synthetic_documents(count: usize) -> Vec<SearchDocument> {
    const WORDS: &[&str] = &[
        "index",
        "query",
        "plugin",
        "engine",
        "symbol",
        "search",
        "token",
        "ranking",
        "cache",
        "runtime",
        "reload",
        "latency",
        "parser",
        "module",
        "function",
        "struct",
        "trait",
        "config",
        "manifest",
        "pipeline",
        "render",
        "template",
        "theme",
        "page",
        "section",
        "tutorial",
        "shard",
        "segment",
        "posting",
        "document",
        "score",
        "boost",
        "filter",
        "highlight",
        "snippet",
        "anchor",
        "heading",
        "indexing",
        "queries",
        "plugins",
        "rendering",
        "shards",
        "generously",
        "connection",
        "relational",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) as usize) % n
    };
    let words = |n: usize, next: &mut dyn FnMut(usize) -> usize| {
        (0..n)
            .map(|_| WORDS[next(WORDS.len())])
            .collect::<Vec<_>>()
            .join(" ")
    };
    (0..count)
        .map(|i| {
            let page = i / 4;
            let body_len = 5 + next(400);
            let code = if next(3) == 0 {
                let (a, b) = (WORDS[next(WORDS.len())], WORDS[next(WORDS.len())]);
                format!("let {a}_{i} = {b}::new({i});\n{a}Handle.{b}Value()")
            } else {
                String::new()
            };
            SearchDocument {
                page_url: format!("/p{page}/"),
                anchor: if i % 4 == 0 {
                    String::new()
                } else {
                    format!("s{i}")
                },
                page_title: format!("Page {page} {}", words(2, &mut next)),
                section_title: words(1 + next(3), &mut next),
                body: words(body_len, &mut next),
                code,
                description: if i % 4 == 0 {
                    words(next(12), &mut next)
                } else {
                    String::new()
                },
            }
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
        if file.path.starts_with("search/manifest.") && file.path.ends_with(".json") {
            manifest = Some(path);
        }
    }
    manifest.expect("a bundle has a manifest")
}

/// `node --version` works; otherwise prints why the calling test is skipped, or fails it on CI (`CI`
/// set), where node is always installed by `.ci/run`.
pub fn node_available(test: &str) -> bool {
    match Command::new("node").arg("--version").output() {
        Ok(output) if output.status.success() => true,
        _ if std::env::var_os("CI").is_some() => {
            panic!("{test} cannot run on CI: `node` is not on PATH")
        }
        _ => {
            eprintln!(
                "SKIPPED {test}: `node` is not on PATH (install Node.js 20+ to run the JS client tests)"
            );
            false
        }
    }
}

/// Run `tests/browser/search_node.mjs` with `args`, expecting it to fail; returns its stderr.
pub fn run_node_failing(args: &[&std::ffi::OsStr]) -> String {
    let script = repo_root().join("tests/browser/search_node.mjs");
    let output = Command::new("node")
        .arg(script)
        .args(args)
        .output()
        .expect("node ran before");
    assert!(
        !output.status.success(),
        "node should have failed: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
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
