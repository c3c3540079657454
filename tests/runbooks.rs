//! Every alert's `runbook_url` in `ops/prometheus/ax-serve.rules.yml` resolves to a heading of a page
//! the site builds: the URL is under `base_url`, the page is in the output, the anchor is a heading id.

use site_tests::{build_site, repo_root};

#[test]
fn every_alert_runbook_url_is_a_heading_of_a_built_page() {
    let root = repo_root();
    let config: toml::Value =
        toml::from_str(&std::fs::read_to_string(root.join("docgen.toml")).expect("docgen.toml"))
            .expect("docgen.toml parses");
    let base_url = config["base_url"].as_str().expect("base_url");
    let rules = std::fs::read_to_string(root.join("ops/prometheus/ax-serve.rules.yml"))
        .expect("read the alert rules");
    let urls: Vec<&str> = rules
        .lines()
        .filter_map(|line| line.trim().strip_prefix("runbook_url: "))
        .map(|url| url.trim_matches('"'))
        .collect();
    assert!(urls.len() >= 8, "{urls:?}");

    let out = tempfile::tempdir().expect("temp dir");
    build_site(&root, out.path());
    for url in urls {
        let relative = url
            .strip_prefix(base_url)
            .unwrap_or_else(|| panic!("{url} is not under base_url {base_url}"));
        let (page, anchor) = relative
            .split_once('#')
            .unwrap_or_else(|| panic!("{url} names no heading (#anchor)"));
        let file = out.path().join(page).join("index.html");
        let html = std::fs::read_to_string(&file)
            .unwrap_or_else(|_| panic!("{url}: the site has no page {}", file.display()));
        let heading = ["h1", "h2", "h3", "h4"]
            .iter()
            .any(|tag| html.contains(&format!("<{tag} id=\"{anchor}\"")));
        assert!(heading, "{url}: no heading with id `{anchor}` on the page");
    }
}
