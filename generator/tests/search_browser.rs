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

/// Build the fixture site with the real binary; the site's theme gets the client from `theme/static/`.
fn build_fixture_site(root: &Path, out: &Path) {
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/search_site"),
        root,
    );
    let theme_static = root.join("theme/static");
    std::fs::create_dir_all(&theme_static).unwrap();
    for asset in ["search.js", "search.css"] {
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
    if !node_available(name) {
        return;
    }
    if let Some(reason) = missing_browser_tools() {
        eprintln!("SKIPPED {name}: {reason}");
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
