//! The `docgen` binary end to end: exit codes, the summary line, rendered diagnostics, `--help`.

mod common;

use assert_cmd::Command;
use predicates::prelude::*;

fn docgen() -> Command {
    Command::cargo_bin("docgen").expect("docgen binary")
}

#[test]
fn build_prints_a_summary_and_writes_the_site() {
    let out = tempfile::tempdir().unwrap();
    docgen()
        .args(["build", "--root"])
        .arg(common::fixture("site"))
        .arg("--out")
        .arg(out.path().join("site"))
        .assert()
        .success()
        .stderr(
            predicate::str::is_match(r"^built 7 pages \(\d+ files\) in \d+\.\d\d s\n$").unwrap(),
        );
    assert!(out.path().join("site/guide/intro/index.html").is_file());
}

#[test]
fn base_url_flag_overrides_the_config() {
    let out = tempfile::tempdir().unwrap();
    docgen()
        .args([
            "build",
            "--base-url",
            "https://preview.example.net",
            "--root",
        ])
        .arg(common::fixture("site"))
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    let html = std::fs::read_to_string(out.path().join("guide/intro/index.html")).unwrap();
    assert!(
        html.contains("<link rel=\"canonical\" href=\"https://preview.example.net/guide/intro/\">")
    );
}

#[test]
fn failed_build_exits_1_with_a_snippet_and_caret() {
    let site = common::TempSite::new();
    site.file(
        "content/a.md",
        "+++\ntitle = \"A\"\n+++\n\nRead [this](nope.md).\n",
    );
    docgen()
        .args(["build", "--root"])
        .arg(site.root())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: broken link `nope.md`: content/nope.md is not a page of the site",
        ))
        .stderr(predicate::str::contains("--> content/a.md:5:6"))
        .stderr(predicate::str::contains("5 | Read [this](nope.md)."))
        .stderr(predicate::str::contains("^"))
        .stderr(predicate::str::contains("build failed with 1 error;"));
    assert!(!site.out().exists(), "no output on failure");
}

#[test]
fn help_explains_every_build_flag() {
    docgen()
        .args(["build", "--help"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("--root")
                .and(predicate::str::contains("--out"))
                .and(predicate::str::contains("--drafts")),
        )
        .stdout(
            predicate::str::contains("--base-url").and(predicate::str::contains("--warn-links")),
        );
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    docgen()
        .arg("bild")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unrecognized subcommand"));
}

#[test]
fn test_command_exits_1_with_github_annotations_on_failure() {
    let site = common::TempSite::new();
    site.file(
        "tutorials/t.md",
        "+++\ntitle = \"T\"\n+++\n\n```console\n$ echo one\ntwo\n```\n",
    );
    docgen()
        .args([
            "test",
            "--format",
            "github",
            "--no-cache",
            "--ax",
            "/bin/sh",
            "--root",
        ])
        .arg(site.root())
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "::error file=tutorials/t.md,line=6::`echo one`: output differs",
        ))
        .stdout(predicate::str::ends_with("0 passed, 1 failed, 0 skipped\n"));
}

#[test]
fn test_command_passes_and_blesses() {
    let site = common::TempSite::new();
    site.file(
        "tutorials/t.md",
        "+++\ntitle = \"T\"\n+++\n\n```console\n$ echo fixed\nstale\n```\n",
    );
    docgen()
        .args(["test", "--bless", "--ax", "/bin/sh", "--root"])
        .arg(site.root())
        .assert()
        .code(1);
    let text = std::fs::read_to_string(site.root().join("tutorials/t.md")).unwrap();
    assert!(text.contains("$ echo fixed\nfixed\n"), "{text}");
    docgen()
        .args(["test", "--ax", "/bin/sh", "--root"])
        .arg(site.root())
        .assert()
        .success()
        .stdout(predicate::str::contains("tutorials/t.md ... ok"))
        .stdout(predicate::str::ends_with("1 passed, 0 failed, 0 skipped\n"));
}

#[test]
fn test_command_without_ax_says_how_to_get_it() {
    let site = common::TempSite::new();
    docgen()
        .args(["test", "--ax", "/nonexistent/ax", "--root"])
        .arg(site.root())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("no `ax` binary here"));
}

/// `docgen test --partition K/N` over a site of five tutorials: the shares are disjoint and cover
/// all; `--merge-reports` of their JSON gives one JUnit report with every tutorial and the failure.
#[test]
fn partitions_cover_every_tutorial_once_and_reports_merge() {
    let site = common::TempSite::new();
    for i in 0..5 {
        let expected = if i == 3 { "wrong" } else { "ok" };
        site.file(
            &format!("tutorials/t{i}.md"),
            &format!("+++\ntitle = \"T{i}\"\n+++\n\n```console\n$ echo ok\n{expected}\n```\n"),
        );
    }
    let mut reports = Vec::new();
    let mut seen = Vec::new();
    for k in 1..=2 {
        let output = docgen()
            .args(["test", "--ax", "/bin/sh", "--no-cache", "--format", "json"])
            .args(["--partition", &format!("{k}/2"), "--root"])
            .arg(site.root())
            .output()
            .unwrap();
        let text = String::from_utf8(output.stdout).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        for t in json["tutorials"].as_array().unwrap() {
            seen.push(t["path"].as_str().unwrap().to_owned());
        }
        let path = site.root().join(format!("part-{k}.json"));
        std::fs::write(&path, text).unwrap();
        reports.push(path);
    }
    seen.sort();
    assert_eq!(
        seen,
        (0..5)
            .map(|i| format!("tutorials/t{i}.md"))
            .collect::<Vec<_>>()
    );
    let merged = docgen()
        .args(["test", "--format", "junit", "--merge-reports"])
        .args(&reports)
        .assert()
        .code(1);
    let junit = String::from_utf8(merged.get_output().stdout.clone()).unwrap();
    assert!(junit.contains("tests=\"5\" failures=\"1\""), "{junit}");
    assert!(
        junit.contains("tutorials/t3.md:6 console echo ok"),
        "{junit}"
    );
    docgen()
        .args(["test", "--partition", "3/2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected K/N"));
}
