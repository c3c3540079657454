//! `docgen serve --test-tutorials`: a saved tutorial is re-run with `docgen test`'s harness, and the
//! result (passed, or the failure with `path:line` and the diff) is what the overlay shows.
//! Needs the `ax` binary (`cargo build -p ax`); skipped with a printed reason when it is missing.

#[path = "../../tests/support/tools.rs"]
#[allow(dead_code)]
mod tools;

use docgen::serve::tutorials::{run_tutorial, spawn_runner};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn ax_binary() -> Option<PathBuf> {
    match docgen::doctest::find_ax_binary(None) {
        Ok(ax) => Some(ax),
        Err(e) => {
            tools::skip_or_fail_on_ci(
                "tutorial re-run test",
                &format!("{e} (run `cargo build -p ax`)"),
            );
            None
        }
    }
}

fn site_with_tutorial(expected_version_line: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("content")).expect("content dir");
    std::fs::create_dir_all(root.join("tutorials")).expect("tutorials dir");
    std::fs::write(
        root.join("content/_index.md"),
        "+++\ntitle = \"Home\"\n+++\n\nHi.\n",
    )
    .expect("home");
    std::fs::write(
        root.join("tutorials/hello.md"),
        format!(
            "+++\ntitle = \"Hello\"\n+++\n\nCheck the version:\n\n```console\n$ ax --version\n{expected_version_line}\n```\n"
        ),
    )
    .expect("tutorial");
    dir
}

#[test]
fn passing_tutorial_reports_passed() {
    let Some(ax) = ax_binary() else { return };
    let site = site_with_tutorial("ax [..]");
    let result = run_tutorial(site.path(), Path::new("tutorials/hello.md"), Some(&ax));
    assert!(result.passed, "{}", result.report);
    assert_eq!(result.path, "tutorials/hello.md");
}

#[test]
fn failing_tutorial_reports_path_line_and_diff() {
    let Some(ax) = ax_binary() else { return };
    let site = site_with_tutorial("ax 9.9.9-not-this-version");
    let result = run_tutorial(site.path(), Path::new("tutorials/hello.md"), Some(&ax));
    assert!(!result.passed);
    assert!(
        result.report.contains("tutorials/hello.md:8"),
        "the failing command's line: {}",
        result.report
    );
    assert!(
        result.report.contains("9.9.9-not-this-version"),
        "{}",
        result.report
    );
}

#[test]
fn runner_reports_each_saved_tutorial_in_the_background() {
    let Some(ax) = ax_binary() else { return };
    let site = site_with_tutorial("ax [..]");
    let (sender, results) = std::sync::mpsc::channel();
    let runner = spawn_runner(site.path().to_path_buf(), Some(ax), move |result| {
        let _ = sender.send(result);
    });
    runner
        .send(vec![PathBuf::from("tutorials/hello.md")])
        .expect("runner is running");
    let result = results
        .recv_timeout(Duration::from_secs(60))
        .expect("a result");
    assert_eq!(result.path, "tutorials/hello.md");
    assert!(result.passed, "{}", result.report);
}
