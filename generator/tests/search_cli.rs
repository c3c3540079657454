//! `docgen build` end to end for search: the bundle lands in `public/search/`, pages name its manifest,
//! a rebuild is byte-identical, and bad `[search]` values fail with `docgen.toml:line`.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn fixture_copy(dir: &Path) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/search_site");
    let root = dir.join("site");
    for entry in walkdir::WalkDir::new(&from).into_iter().flatten() {
        let target = root.join(entry.path().strip_prefix(&from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    root
}

fn build(root: &Path, out: &Path) -> assert_cmd::assert::Assert {
    Command::cargo_bin("docgen")
        .unwrap()
        .args(["build", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .assert()
}

fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn build_writes_the_bundle_and_pages_name_its_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let root = fixture_copy(dir.path());
    let out = dir.path().join("public");
    build(&root, &out).success();
    let search: Vec<String> = files_under(&out.join("search"))
        .into_iter()
        .map(|(path, _)| path)
        .collect();
    let manifest = search
        .iter()
        .find(|p| p.starts_with("manifest."))
        .expect("a manifest in public/search/");
    assert!(
        search.iter().any(|p| p.ends_with("/t0.bin"))
            && search.iter().any(|p| p.ends_with("/d0.bin"))
    );
    let page = std::fs::read_to_string(out.join("plugins/writing/index.html")).unwrap();
    let attribute = format!("data-manifest=\"&#x2F;search&#x2F;{manifest}\"");
    assert!(
        page.contains(&attribute)
            || page.contains(&format!("data-manifest=\"/search/{manifest}\"")),
        "{page}"
    );
}

/// The `.js` twins of the bundle files serve only pages opened from disk: a site built for a server
/// (the default) has none, one built with `--relative-urls` has one per bundle file.
#[test]
fn script_twins_are_written_only_for_relative_urls() {
    let dir = tempfile::tempdir().unwrap();
    let root = fixture_copy(dir.path());
    let served = dir.path().join("served");
    build(&root, &served).success();
    let served_files = files_under(&served.join("search"));
    assert!(!served_files.is_empty());
    assert!(
        served_files.iter().all(|(path, _)| !path.ends_with(".js")),
        "no twins for a served site: {:?}",
        served_files.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );

    let on_disk = dir.path().join("on-disk");
    Command::cargo_bin("docgen")
        .unwrap()
        .args(["build", "--relative-urls", "--root"])
        .arg(&root)
        .arg("--out")
        .arg(&on_disk)
        .assert()
        .success();
    let disk_files: Vec<String> = files_under(&on_disk.join("search"))
        .into_iter()
        .map(|(path, _)| path)
        .collect();
    for (path, _) in &served_files {
        assert!(
            disk_files.contains(path) && disk_files.contains(&format!("{path}.js")),
            "{path} and its twin are written for file://: {disk_files:?}"
        );
    }
    assert_eq!(disk_files.len(), 2 * served_files.len());
}

#[test]
fn rebuilding_the_site_gives_byte_identical_search_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = fixture_copy(dir.path());
    build(&root, &dir.path().join("a")).success();
    build(&root, &dir.path().join("b")).success();
    assert_eq!(
        files_under(&dir.path().join("a/search")),
        files_under(&dir.path().join("b/search"))
    );
}

#[test]
fn bad_search_value_fails_the_build_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = fixture_copy(dir.path());
    let config = std::fs::read_to_string(root.join("docgen.toml")).unwrap();
    std::fs::write(root.join("docgen.toml"), format!("{config}b = 2.0\n")).unwrap();
    let line = config.lines().count() + 1;
    let assert = build(&root, &dir.path().join("public")).failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&format!("docgen.toml:{line}:1")),
        "{stderr}"
    );
    assert!(
        stderr.contains("invalid `[search]` b: must be between 0 and 1"),
        "{stderr}"
    );
}

#[test]
fn disabled_search_writes_no_bundle_and_no_search_box() {
    let dir = tempfile::tempdir().unwrap();
    let root = fixture_copy(dir.path());
    let config = std::fs::read_to_string(root.join("docgen.toml")).unwrap();
    std::fs::write(
        root.join("docgen.toml"),
        config.replace("enable = true", "enable = false"),
    )
    .unwrap();
    let out = dir.path().join("public");
    build(&root, &out).success();
    assert!(!out.join("search").exists());
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        !page.contains("search-input"),
        "no search box without a bundle"
    );
}
