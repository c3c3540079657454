//! Result cache: a tutorial whose text, fixtures and `ax` binary are unchanged since a passing run is
//! not run again. Input: the tutorial and its dependencies; output: the stored result, if any.
//! Only passing results are stored, so a failure always re-runs.

use super::{Outcome, TUTORIALS_DIR, TutorialResult};
use crate::model::SourcePage;
use std::path::{Path, PathBuf};

/// Where cached results live, under the site root.
pub const CACHE_DIR: &str = ".docgen/cache";

/// blake3 of a file's bytes (empty string when unreadable, which simply never matches).
pub fn file_hash(path: &Path) -> String {
    std::fs::read(path)
        .map(|b| blake3::hash(&b).to_hex().to_string())
        .unwrap_or_default()
}

/// Hash of the executables directly in the tools' folders (names and bytes): a rebuilt binary
/// invalidates every cached result.
pub fn tools_hash(bin_dirs: &[PathBuf]) -> String {
    let mut hasher = blake3::Hasher::new();
    for dir in bin_dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| is_executable(p))
            .collect();
        files.sort();
        for file in files {
            hasher.update(file.to_string_lossy().as_bytes());
            hasher.update(file_hash(&file).as_bytes());
        }
    }
    hasher.finalize().to_hex().to_string()
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Key of everything a tutorial's result depends on: its markdown, the files it `{{#include}}`s, its
/// fixtures' files (paths and bytes), the `ax` binary and this docgen version.
pub fn tutorial_key(root: &Path, page: &SourcePage, ax_hash: &str) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(ax_hash.as_bytes());
    hasher.update(page.source_path.to_string_lossy().as_bytes());
    hasher.update(&std::fs::read(root.join(&page.source_path)).unwrap_or_default());
    for included in &page.included_files {
        hasher.update(included.to_string_lossy().as_bytes());
        hasher.update(&std::fs::read(root.join(included)).unwrap_or_default());
    }
    let fixtures = page
        .front_matter
        .fixtures
        .iter()
        .map(|f| root.join(TUTORIALS_DIR).join("fixtures").join(f));
    let plugins = page
        .front_matter
        .plugins
        .iter()
        .map(|p| root.join("plugins").join(p));
    for dir in fixtures.chain(plugins) {
        for entry in walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
        {
            hasher.update(
                entry
                    .path()
                    .strip_prefix(&dir)
                    .unwrap_or(entry.path())
                    .to_string_lossy()
                    .as_bytes(),
            );
            hasher.update(&std::fs::read(entry.path()).unwrap_or_default());
        }
    }
    hasher.finalize().to_hex().to_string()
}

fn entry_path(root: &Path, key: &str) -> PathBuf {
    root.join(CACHE_DIR).join(format!("{key}.json"))
}

/// The stored result for `key`, if a passing run stored one.
pub fn load(root: &Path, key: &str) -> Option<TutorialResult> {
    let text = std::fs::read_to_string(entry_path(root, key)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Store a fully passing result (anything else is not cached). Cache write errors are ignored: the
/// cache is an optimisation, never a reason to fail a run.
pub fn store(root: &Path, result: &TutorialResult) {
    if result.cache_key.is_empty()
        || result
            .blocks
            .iter()
            .any(|b| matches!(b.outcome, Outcome::Failed { .. }))
    {
        return;
    }
    let path = entry_path(root, &result.cache_key);
    if let (Some(dir), Ok(text)) = (path.parent(), serde_json::to_string(result)) {
        let _ = std::fs::create_dir_all(dir)
            .and_then(|()| super::atomic::write_atomic(&path, text.as_bytes()));
    }
}
