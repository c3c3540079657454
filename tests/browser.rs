//! Browser end-to-end tests in headless Chromium (Debian's package, driven by playwright-core under
//! node). Skipped with a printed reason when the browser is missing on a developer machine; on CI a
//! missing browser fails the test instead.

use site_tests::{
    build_site, build_site_with, repo_root, require_browser, require_browser_and_module, run_node,
};

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

/// The real site, built once per test into a temp folder (and, for file://, with relative URLs).
fn build_repo_site(relative_urls: bool) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let mut options = docgen::build::BuildOptions::new(repo_root());
    options.out = Some(out.path().join("site"));
    options.relative_urls = relative_urls;
    build_site_with(&options);
    out
}

/// Sidebar, phone drawer, On-this-page menu, scrollspy, copy buttons and file:// browsing, on the real
/// site (`tests/browser/site_e2e.mjs` says what each step checks).
#[test]
fn theme_navigation_drawer_toc_and_file_urls_work_in_chromium() {
    if !require_browser() {
        return;
    }
    let served = build_repo_site(false);
    let disk = build_repo_site(true);
    let script = repo_root().join("tests/browser/site_e2e.mjs");
    match run_node(
        &script,
        &[&served.path().join("site"), &disk.path().join("site")],
    ) {
        Ok(stdout) => assert!(stdout.contains("file://"), "{stdout}"),
        Err(e) => panic!("{e}"),
    }
}

/// axe-core finds no violation, of any impact, on any page of the real site, light and dark, desktop
/// and phone (`tests/browser/a11y.mjs`; about 150 audits, 1-3 minutes on two cores).
#[test]
fn every_page_has_zero_axe_violations() {
    if !require_browser_and_module("axe-core") {
        return;
    }
    let site = build_repo_site(false);
    let script = repo_root().join("tests/browser/a11y.mjs");
    match run_node(&script, &[&site.path().join("site")]) {
        Ok(stdout) => assert!(stdout.contains("0 violations"), "{stdout}"),
        Err(e) => panic!("{e}"),
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

/// A site whose `base_url` has a path, served under that path only: navigation, assets, search hits
/// and the 404 page all stay under `/docs/` (`tests/browser/subpath.mjs`).
#[test]
fn a_site_deployed_under_a_sub_path_works_in_chromium() {
    if !require_browser() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let mut options =
        docgen::build::BuildOptions::new(repo_root().join("generator/tests/fixtures/site"));
    options.out = Some(out.path().join("site"));
    options.base_url = Some("https://example.org/docs/".into());
    build_site_with(&options);
    match run_node(
        &repo_root().join("tests/browser/subpath.mjs"),
        &[&out.path().join("site")],
    ) {
        Ok(stdout) => assert!(stdout.contains("sub-path ok"), "{stdout}"),
        Err(e) => panic!("{e}"),
    }
}
