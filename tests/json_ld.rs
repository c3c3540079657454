//! Every page of the real site carries JSON-LD that parses as JSON, with the `@type`s its kind of page
//! needs and their required properties: `TechArticle` (or `ItemList` for the plugin catalog, or
//! `SoftwareApplication` for a plugin) plus a `BreadcrumbList` that ends at the page itself.

use docgen::build::{BuildOptions, build_in_memory};
use serde_json::Value;
use site_tests::repo_root;

const OPEN: &str = "<script type=\"application/ld+json\">";

/// The JSON-LD of a page, with the `<\/` escape (which keeps `</script>` out of the element) undone.
fn json_ld(path: &str, html: &str) -> Value {
    let start = html
        .find(OPEN)
        .unwrap_or_else(|| panic!("{path} has no JSON-LD"))
        + OPEN.len();
    let end = start + html[start..].find("</script>").expect("script closed");
    serde_json::from_str(&html[start..end].replace("<\\/", "</"))
        .unwrap_or_else(|e| panic!("{path}: JSON-LD is not JSON: {e}"))
}

fn require(path: &str, node: &Value, keys: &[&str]) {
    for key in keys {
        let value = &node[key];
        assert!(
            !(value.is_null() || value.as_str() == Some("")),
            "{path}: {} has no `{key}`: {node}",
            node["@type"]
        );
    }
}

#[test]
fn every_page_has_valid_json_ld_with_the_expected_types() {
    let (site, diagnostics) = build_in_memory(&BuildOptions::new(repo_root()));
    let site = site.unwrap_or_else(|| panic!("the site builds: {diagnostics:#?}"));
    let base = &site.config.base_url;
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for file in site.files.iter().filter(|f| f.path.ends_with("index.html")) {
        let html = String::from_utf8_lossy(&file.bytes);
        if html.contains("http-equiv=\"refresh\"") {
            continue; // an alias redirect, not a page
        }
        let path = file.path.as_str();
        let ld = json_ld(path, &html);
        assert_eq!(ld["@context"], "https://schema.org", "{path}");
        let graph = ld["@graph"]
            .as_array()
            .unwrap_or_else(|| panic!("{path}: no @graph"));
        let main = &graph[0];
        let kind = main["@type"].as_str().unwrap_or_default().to_owned();
        match kind.as_str() {
            "TechArticle" => require(
                path,
                main,
                &["headline", "description", "url", "inLanguage"],
            ),
            "SoftwareApplication" => {
                require(
                    path,
                    main,
                    &[
                        "name",
                        "description",
                        "url",
                        "softwareVersion",
                        "applicationCategory",
                        "operatingSystem",
                    ],
                );
                assert_eq!(main["offers"]["@type"], "Offer", "{path}");
                assert!(
                    path.starts_with("plugins/"),
                    "{path}: only plugin pages are applications"
                );
            }
            "ItemList" => {
                let items = main["itemListElement"].as_array().expect("items");
                assert!(items.len() >= 10, "{path}: the catalog lists every plugin");
                for item in items {
                    require(path, item, &["position", "name", "url"]);
                }
            }
            other => panic!("{path}: unexpected main @type {other:?}"),
        }
        assert!(
            main["url"]
                .as_str()
                .is_some_and(|u| u.starts_with(base.as_str())),
            "{path}: canonical URL under {base}: {main}"
        );
        let crumbs = graph
            .iter()
            .find(|node| node["@type"] == "BreadcrumbList")
            .unwrap_or_else(|| panic!("{path}: no BreadcrumbList"));
        let items = crumbs["itemListElement"].as_array().expect("crumbs");
        assert!(!items.is_empty(), "{path}: empty BreadcrumbList");
        for (i, item) in items.iter().enumerate() {
            assert_eq!(item["@type"], "ListItem", "{path}");
            assert_eq!(item["position"], i + 1, "{path}");
            require(path, item, &["name", "item"]);
        }
        *counts.entry(kind).or_default() += 1;
    }
    assert!(
        counts.get("SoftwareApplication").copied().unwrap_or(0) >= 10,
        "{counts:?}"
    );
    assert_eq!(counts.get("ItemList"), Some(&1), "{counts:?}");
    assert!(
        counts.get("TechArticle").copied().unwrap_or(0) >= 40,
        "{counts:?}"
    );
}
