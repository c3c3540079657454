//! Browser end-to-end tests in headless Chromium (Debian's package, driven by playwright-core under
//! node). Skipped with a printed reason when the browser is missing on a developer machine; on CI a
//! missing browser fails the test instead.

use site_tests::{build_site, repo_root, require_browser, run_node};

#[test]
fn theme_renders_light_and_dark_on_desktop_and_phone() {
    if !require_browser() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    build_site(&repo_root().join("generator/tests/fixtures/site"), &site);
    // Screenshots stay in target/ for a human to look at after the run.
    let shots = repo_root().join("target/browser-screenshots/theme");
    let script = repo_root().join("tests/browser/theme.mjs");
    match run_node(&script, &[&site, &shots]) {
        Ok(stdout) => assert!(stdout.contains("desktop-dark"), "{stdout}"),
        Err(e) => panic!("{e}"),
    }
    for name in ["desktop-light", "desktop-dark", "phone-light", "phone-dark"] {
        assert!(
            shots.join(format!("{name}.png")).is_file(),
            "{name}.png written"
        );
    }
}

#[test]
fn catalog_filter_by_hook_and_permission() {
    if !require_browser() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    build_site(
        &repo_root().join("generator/tests/fixtures/catalog_site"),
        &site,
    );
    match run_node(&repo_root().join("tests/browser/catalog.mjs"), &[&site]) {
        Ok(stdout) => assert!(stdout.contains("catalog filter ok"), "{stdout}"),
        Err(e) => panic!("{e}"),
    }
}
