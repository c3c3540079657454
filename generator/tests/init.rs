//! `docgen init` end to end through the binary: a new site is created, builds with no diagnostics,
//! its tutorial passes `docgen test` (console block and perf claim), and `docgen serve` answers `/`;
//! a non-empty folder is refused unless `--force`.

mod serve_support;

use assert_cmd::cargo::CommandCargoExt;
use std::path::Path;
use std::process::{Command, Output};

fn docgen(args: &[&str], root: &Path) -> Output {
    Command::cargo_bin("docgen")
        .expect("docgen binary")
        .args(args)
        .arg(root)
        .output()
        .expect("run docgen")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn init_then_build_test_and_serve() {
    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("widget-docs");
    let init = docgen(&["init"], &site);
    assert!(init.status.success(), "{}", stderr(&init));
    for file in [
        "docgen.toml",
        "content/_index.md",
        "content/guide.md",
        "tutorials/first-steps.md",
        "netlify.toml",
        ".gitignore",
    ] {
        assert!(site.join(file).is_file(), "{file} is created");
    }
    let config = std::fs::read_to_string(site.join("docgen.toml")).expect("config");
    assert!(config.contains("title = \"Widget docs\""), "{config}");
    // A new Rust CLI's docs test what `cargo build` just built.
    assert!(config.contains("\npath = [\"target/debug\"]\n"), "{config}");

    let build = docgen(&["build", "--root"], &site);
    assert!(build.status.success(), "{}", stderr(&build));
    assert!(
        !stderr(&build).contains("warning"),
        "a new site builds without warnings: {}",
        stderr(&build)
    );
    assert!(site.join("public/index.html").is_file());
    assert!(
        site.join("public/tutorials/first-steps/index.html")
            .is_file()
    );

    // As a new user runs it: docgen installed alone (no `ax` beside it), no `--ax`, no `DOCGEN_AX`,
    // nothing of this repository on PATH; the site's docgen.toml says where the tutorials' commands
    // come from.
    let installed = dir.path().join("installed/docgen");
    std::fs::create_dir_all(dir.path().join("installed")).expect("install folder");
    std::fs::copy(assert_cmd::cargo::cargo_bin("docgen"), &installed).expect("copy docgen");
    let test = Command::new(&installed)
        .args(["test", "--root"])
        .arg(&site)
        .env_remove("DOCGEN_AX")
        .env("PATH", "/usr/bin:/bin")
        .output()
        .expect("run docgen test");
    let report = String::from_utf8_lossy(&test.stdout).into_owned();
    assert!(test.status.success(), "{report}{}", stderr(&test));
    assert!(report.contains("0 failed"), "{report}");
    assert!(
        std::fs::read_to_string(site.join(".docgen/last-test.json"))
            .expect("results saved")
            .contains("\"perf\""),
        "the perf claim was measured"
    );

    let server = serve_support::start_server(&site);
    let (status, _, body) = serve_support::get(&server.addr, "/");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("Widget docs"));
}

#[test]
fn init_refuses_a_non_empty_folder_unless_forced() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("notes.txt"), "mine").expect("write");
    let refused = docgen(&["init"], dir.path());
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("not empty"),
        "{}",
        stderr(&refused)
    );
    assert!(!dir.path().join("docgen.toml").exists());
    let forced = docgen(&["init", "--force"], dir.path());
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(dir.path().join("docgen.toml").is_file());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).expect("kept"),
        "mine"
    );
}
