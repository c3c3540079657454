//! `docgen serve` end to end in headless Chromium: live reload on edit, the error overlay on a broken
//! page, the overlay gone once fixed, saves by rename and rapid edits (`tests/browser/serve_e2e.mjs`).
//! Skipped with a printed reason when the browser is missing on a developer machine.

use docgen::serve::{ServeEvent, ServeOptions, run};
use site_tests::{repo_root, require_browser, run_node};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("fixture entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

#[test]
fn edit_reloads_broken_front_matter_shows_overlay_fix_removes_it() {
    if !require_browser() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    copy_dir(&repo_root().join("generator/tests/fixtures/site"), &root);

    let mut options = ServeOptions::new(&root);
    options.port = 0;
    // The tutorial steps need `ax`; without it they are left out, and the reason is printed.
    let ax = docgen::doctest::find_ax_binary(None);
    if let Err(e) = &ax {
        eprintln!("SKIPPED the --test-tutorials steps: {e} (run `cargo build -p ax`)");
    }
    options.test_tutorials = ax.is_ok();
    options.ax_binary = ax.as_ref().ok().cloned();
    let (address_sender, address) = mpsc::channel();
    // The server runs until the test process exits; it holds nothing the test needs back.
    std::thread::spawn(move || {
        run(options, move |event| {
            if let ServeEvent::Listening(addr) = event {
                let _ = address_sender.send(addr);
            }
        })
    });
    let addr = address
        .recv_timeout(Duration::from_secs(60))
        .expect("docgen serve starts listening");

    let shots = repo_root().join("target/browser-screenshots/serve");
    let script = repo_root().join("tests/browser/serve_e2e.mjs");
    let url = format!("http://{addr}");
    let mut args = vec![root.as_path(), Path::new(&url), shots.as_path()];
    if ax.is_ok() {
        args.push(Path::new("tutorials"));
    }
    match run_node(&script, &args) {
        Ok(stdout) => {
            if ax.is_ok() {
                assert!(
                    stdout.contains("tutorial: failure shows tutorials/hello.md:8")
                        && stdout.contains("tutorial: fixed tutorial passes"),
                    "{stdout}"
                );
            }
            for step in [
                "edit: page reloaded",
                "broken: overlay names content/guide/intro.md:4:10",
                "fixed: overlay gone",
                "rename: page reloaded",
                "rapid: page shows the last of 5 edits",
            ] {
                assert!(stdout.contains(step), "missing step {step:?} in:\n{stdout}");
            }
        }
        Err(e) => panic!("{e}"),
    }
}
