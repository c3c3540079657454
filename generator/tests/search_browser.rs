//! Search in a real browser: build the fixture site with `docgen build`, open it in headless Chromium
//! (`tests/browser/search_e2e.mjs`, playwright-core driving Debian's chromium), type, and land on a heading.

mod search_support;

use search_support::{node_available, repo_root};
use std::path::{Path, PathBuf};
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().flatten() {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Why the browser test cannot run here, if it cannot.
fn missing_browser_tools() -> Option<String> {
    let chromium = std::env::var_os("CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if !chromium.exists() {
        return Some(format!(
            "{} is missing (apt-get install chromium)",
            chromium.display()
        ));
    }
    if !repo_root().join("node_modules/playwright-core").is_dir() {
        return Some(
            "node_modules/playwright-core is missing (run `npm ci` in the repo root)".into(),
        );
    }
    None
}

/// Whether the browser tests can run; a missing tool skips with a printed reason, and fails on CI (`CI`
/// set), where `.ci/run` installs chromium and playwright-core.
fn browser_ready(name: &str) -> bool {
    if !node_available(name) {
        return false;
    }
    match missing_browser_tools() {
        None => true,
        Some(reason) if std::env::var_os("CI").is_some() => {
            panic!("{name} cannot run on CI: {reason}")
        }
        Some(reason) => {
            eprintln!("SKIPPED {name}: {reason}");
            false
        }
    }
}

/// Build the fixture site with the real binary; the site's theme gets the client from `theme/static/`.
fn build_fixture_site(root: &Path, out: &Path) {
    build_fixture_site_with(root, out, "");
}

/// [`build_fixture_site`] with `config` prepended to the fixture's `docgen.toml`.
fn build_fixture_site_with(root: &Path, out: &Path, config: &str) {
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/search_site"),
        root,
    );
    let toml = root.join("docgen.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("{config}{text}")).unwrap();
    let theme_static = root.join("theme/static");
    std::fs::create_dir_all(&theme_static).unwrap();
    for asset in [
        "search.js",
        "search-core.js",
        "snowball-base-stemmer.js",
        "snowball-english-stemmer.js",
        "search.css",
    ] {
        std::fs::copy(
            repo_root().join("theme/static").join(asset),
            theme_static.join(asset),
        )
        .unwrap();
    }
    let output = Command::new(env!("CARGO_BIN_EXE_docgen"))
        .args(["build", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "docgen build failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn typing_a_query_and_pressing_enter_lands_on_the_heading() {
    let name = "typing_a_query_and_pressing_enter_lands_on_the_heading";
    if !browser_ready(name) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("site"), dir.path().join("public"));
    build_fixture_site(&root, &out);

    let output = Command::new("node")
        .arg(repo_root().join("tests/browser/search_e2e.mjs"))
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "search_e2e.mjs failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        report.get("error").is_none(),
        "browser run failed: {}",
        report["error"]
    );
    assert_eq!(report["consoleErrors"], serde_json::json!([]));

    assert_eq!(
        report["requestsBeforeFocus"], 0,
        "neither the search core nor the index loads with the page"
    );
    assert_eq!(
        report["focusedAfterSlash"], "search-input",
        "`/` focuses the search box"
    );
    let first = &report["typedHits"][0];
    assert_eq!(first["title"], "Writing a plugin");
    assert_eq!(first["section"], "Hot reload");
    assert_eq!(first["selected"], "true");
    assert!(
        first["marks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == "reload"),
        "excerpt highlights the query: {first}"
    );
    let requests = report["requestsForFirstQuery"].as_array().unwrap();
    assert!(
        requests[0][0]
            .as_str()
            .unwrap()
            .starts_with("/search/manifest."),
        "manifest first: {requests:?}"
    );

    assert_eq!(report["landedOn"], "/plugins/writing/#hot-reload");
    assert_eq!(
        report["anchorTargetExists"], true,
        "the anchor names a heading on the page"
    );

    assert_eq!(
        report["selectedAfterArrow"], 1,
        "ArrowDown selects the second hit"
    );
    assert_eq!(report["landedAfterArrow"], report["pluginHits"][1]["href"]);

    assert!(
        report["offlineHits"].as_u64().unwrap() > 0,
        "search works offline once fetched"
    );
    let message = report["missingBundleMessage"].as_str().unwrap();
    assert!(message.starts_with("Search is unavailable"), "{message}");
}

/// Opened from disk, a site built with `relative_urls = true` still searches: the client loads the bundle
/// through the `.js` twins of its files (script tags work on `file://`, `fetch` does not), and result
/// links point at the pages' `index.html` files on disk.
#[test]
fn search_works_from_file_urls() {
    let name = "search_works_from_file_urls";
    if !browser_ready(name) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("site"), dir.path().join("public"));
    build_fixture_site_with(&root, &out, "relative_urls = true\n");
    let home = out.join("plugins/writing/index.html");

    let output = Command::new("node")
        .arg(repo_root().join("tests/browser/search_file.mjs"))
        .arg(&home)
        .arg("pluign")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "search_file.mjs failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(report.get("error").is_none(), "{}", report["error"]);
    assert_eq!(report["protocol"], "file:");
    assert_eq!(report["consoleErrors"], serde_json::json!([]));
    assert_eq!(
        report["coreLoadedBeforeFocus"], false,
        "the search core loads on demand"
    );
    assert_eq!(report["message"], "", "no error message: {report}");
    let hits = report["hits"].as_array().unwrap();
    let titles: Vec<&str> = hits.iter().filter_map(|h| h["title"].as_str()).collect();
    assert_eq!(
        titles[..2],
        ["Plugins", "Writing a plugin"],
        "the misspelt query finds the plugin pages: {report}"
    );
    assert!(
        hits[0]["marks"].as_array().unwrap().iter().any(|m| m
            .as_str()
            .is_some_and(|m| m.to_lowercase().starts_with("plugin"))),
        "the corrected word is highlighted: {report}"
    );
    let link = hits[1]["href"].as_str().unwrap();
    assert!(
        link.starts_with("file://") && link.contains("/plugins/writing/index.html#"),
        "results link the page files: {link}"
    );
    let requests = report["requests"].as_array().unwrap();
    assert!(
        requests
            .iter()
            .all(|url| url.as_str().is_some_and(|u| u.starts_with("file://"))),
        "nothing leaves the disk: {requests:?}"
    );
}
