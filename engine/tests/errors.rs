//! Error paths: every kind of bad input gives a clear message (with a path, and a line where one
//! exists) and never a panic.

mod common;

use assert_cmd::Command;
use ax::{Engine, Error, FindOptions};
use predicates::prelude::*;
use predicates::str::contains;

fn ax(root: &std::path::Path) -> Command {
    let mut command = Command::cargo_bin("ax").expect("the ax binary is built");
    command.current_dir(root).env("NO_COLOR", "1");
    command
}

#[test]
fn no_index_yet_says_run_ax_index_first() {
    let project = common::project(&[("a.rs", "fn a() {}\n")]);
    let engine = Engine::open(project.path()).expect("open needs no index");
    let error = engine
        .find("a", &FindOptions::default())
        .expect_err("no index");
    assert!(matches!(error, Error::NoIndex { .. }), "{error:?}");
    ax(project.path())
        .args(["find", "a"])
        .assert()
        .code(1)
        .stderr(contains("run `ax index` first"));
    let json = ax(project.path())
        .args(["def", "a", "--json"])
        .assert()
        .code(1);
    let body: serde_json::Value =
        serde_json::from_slice(&json.get_output().stdout).expect("json error");
    assert_eq!(body["error"]["kind"], "no_index");
}

#[test]
fn old_format_version_asks_for_a_reindex_and_index_rebuilds() {
    // Format 3 kept the file table as JSON; format 4 writes it binary (decision 0108). An index of
    // any other version is refused with the fix, then rebuilt.
    let project = common::project(&[("a.rs", "fn alpha() {}\n")]);
    let root = project.path();
    ax(root).arg("index").assert().success();
    let manifest_path = root.join(".ax/manifest.json");
    let manifest = std::fs::read_to_string(&manifest_path).expect("manifest");
    let old = manifest.replace("\"format_version\": 4", "\"format_version\": 3");
    assert_ne!(old, manifest, "the index is written in format 4");
    std::fs::write(&manifest_path, old).expect("write manifest");
    ax(root)
        .args(["find", "alpha"])
        .assert()
        .code(1)
        .stderr(contains("format version 3").and(contains("run `ax index` to rebuild it")));
    rebuilds_from_scratch_and_finds_alpha(root);
}

/// The next `ax index` rebuilds the whole index and `alpha` in `a.rs` is found again.
fn rebuilds_from_scratch_and_finds_alpha(root: &std::path::Path) {
    ax(root)
        .arg("index")
        .assert()
        .success()
        .stderr(contains("rebuilt the index from scratch"));
    ax(root)
        .args(["def", "alpha"])
        .assert()
        .success()
        .stdout(contains("a.rs:1:4"));
}

#[test]
fn a_damaged_or_missing_file_table_is_reported_then_rebuilt() {
    let project = common::project(&[("a.rs", "fn alpha() {}\n")]);
    let root = project.path();
    ax(root).arg("index").assert().success();
    let table = root.join(".ax/files-1.bin");
    let bytes = std::fs::read(&table).expect("the generation's file table");
    std::fs::write(&table, &bytes[..bytes.len() / 2]).expect("cut the table short");
    ax(root).arg("stats").assert().code(1).stderr(
        contains("files-1.bin")
            .and(contains("unreadable file table: checksum mismatch"))
            .and(contains("run `ax index` to rebuild it")),
    );
    rebuilds_from_scratch_and_finds_alpha(root);

    // Generation 1 again after the rebuild; without its table every file would look new.
    std::fs::remove_file(&table).expect("remove the table");
    ax(root)
        .arg("stats")
        .assert()
        .code(1)
        .stderr(contains("the file table of generation 1 is missing"));
    rebuilds_from_scratch_and_finds_alpha(root);
}

#[test]
fn corrupt_index_is_reported_with_a_reindex_hint() {
    let project = common::project(&[("a.py", "def alpha():\n    pass\n")]);
    let root = project.path();
    ax(root).arg("index").assert().success();
    std::fs::write(root.join(".ax/index/meta.json"), "{ not json").expect("damage meta.json");
    ax(root)
        .args(["find", "alpha"])
        .assert()
        .code(1)
        .stderr(contains("is damaged").and(contains("run `ax index` to rebuild it")));

    std::fs::write(root.join(".ax/manifest.json"), "garbage").expect("damage manifest");
    ax(root)
        .args(["stats"])
        .assert()
        .code(1)
        .stderr(contains("unreadable manifest"));
    ax(root).arg("index").assert().success();
    ax(root)
        .args(["def", "alpha"])
        .assert()
        .success()
        .stdout(contains("a.py:1:5"));
}

#[test]
fn unreadable_and_unparseable_files_are_skipped_counted_and_listed_with_verbose() {
    let project = common::project(&[
        ("good.rs", "fn good() {}\n"),
        ("broken.py", "def ok():\n    pass\n\ndef (:\n"),
    ]);
    let root = project.path();
    std::fs::write(
        root.join("latin1.go"),
        b"package x\n// caf\xe9\nfunc X() {}\n",
    )
    .expect("write");
    std::fs::write(root.join("blob.js"), b"\x00\x01\x02binary").expect("write");
    common::write(root, "ax.toml", "[index]\nmax_file_size_bytes = 200\n");
    common::write(root, "huge.ts", &"export const x = 1;\n".repeat(50));

    ax(root).arg("index").assert().success().stdout(
        contains("skipped 3 files (--verbose lists them)")
            .and(contains("1 files have syntax errors")),
    );
    let verbose = ax(root).args(["index", "--verbose"]).assert().success();
    let stdout = String::from_utf8_lossy(&verbose.get_output().stdout).into_owned();
    assert!(stdout.contains("blob.js: binary file"), "{stdout}");
    assert!(
        stdout.contains("latin1.go: not valid UTF-8 (at byte 16)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("huge.ts: larger than max_file_size_bytes (1000 > 200)"),
        "{stdout}"
    );
    assert!(stdout.contains("  broken.py\n"), "{stdout}");
    ax(root)
        .args(["def", "ok"])
        .assert()
        .success()
        .stdout(contains("broken.py:1:5"));
}

#[cfg(unix)]
#[test]
fn a_file_without_read_permission_is_skipped() {
    use std::os::unix::fs::PermissionsExt;
    let project = common::project(&[
        ("open.rs", "fn open() {}\n"),
        ("secret.rs", "fn secret() {}\n"),
    ]);
    let secret = project.path().join("secret.rs");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&secret).is_ok() {
        eprintln!(
            "skipped: running as a user who can read mode-000 files (root), so nothing is unreadable"
        );
        return;
    }
    let report = Engine::open(project.path())
        .expect("open")
        .index()
        .expect("index");
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].path, "secret.rs");
}

#[test]
fn unknown_ax_toml_key_warns_with_its_line() {
    let project = common::project(&[
        ("a.rs", "fn a() {}\n"),
        ("ax.toml", "[ranking]\nk1 = 1.1\nkk = 3\n"),
    ]);
    ax(project.path()).arg("index").assert().success().stderr(
        contains("warning: ").and(contains("ax.toml:3: unknown key `ranking.kk` is ignored")),
    );
}

#[test]
fn invalid_ax_toml_is_an_error_with_its_line() {
    let project = common::project(&[("ax.toml", "[ranking]\nb = \"wide\"\n")]);
    ax(project.path())
        .arg("index")
        .assert()
        .code(1)
        .stderr(contains("ax.toml:2: "));
}

#[test]
fn bad_path_glob_and_bad_language_are_errors_not_panics() {
    let project = common::project(&[("a.rs", "fn a() {}\n")]);
    let root = project.path();
    ax(root).arg("index").assert().success();
    ax(root)
        .args(["find", "a", "--path", "src/[z-a]"])
        .assert()
        .code(1)
        .stderr(contains("invalid path glob"));
    ax(root)
        .args(["find", "a", "--lang", "cobol"])
        .assert()
        .code(1)
        .stderr(contains("unknown language `cobol`"));
}

#[test]
fn a_missing_root_is_an_error_naming_the_path() {
    let project = common::project::<&str, &str>(&[]);
    let missing = project.path().join("nowhere");
    ax(project.path())
        .args(["find", "x", "-C"])
        .arg(&missing)
        .assert()
        .code(1)
        .stderr(contains("nowhere").and(contains("not a directory")));
}

#[test]
fn an_empty_project_indexes_to_an_empty_index() {
    let project = common::project(&[("README.md", "# nothing to index\n")]);
    let report = Engine::open(project.path())
        .expect("open")
        .index()
        .expect("index");
    assert_eq!((report.files_seen, report.symbols), (0, 0));
    let engine = Engine::open(project.path()).expect("reopen");
    assert!(
        engine
            .find("anything", &FindOptions::default())
            .expect("find")
            .is_empty()
    );
    assert!(engine.def("anything").expect("def").is_empty());
    assert!(engine.refs("anything").expect("refs").is_empty());
}
