//! The plugin catalog's pages: a plugin page and the catalog index (snapshots), a plugin whose
//! tutorial failed shown as failing, plugin pages in the sitemap and in search, tutorials' difficulty
//! in the listing, and each kind of bad catalog input reported at its `path:line`.

mod common;

use common::output_text;
use docgen::build::{BuildOptions, build_in_memory};
use docgen::diagnostics::Diagnostic;
use docgen::model::OutputFile;
use std::path::Path;

fn built(root: &Path) -> (Vec<OutputFile>, Vec<Diagnostic>) {
    let (site, diagnostics) = build_in_memory(&BuildOptions::new(root));
    (site.map(|s| s.files).unwrap_or_default(), diagnostics)
}

fn fixture_files() -> Vec<OutputFile> {
    let (files, diagnostics) = built(&common::fixture("catalog_site"));
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    files
}

/// The page's `<main>`: what the catalog adds (the theme's frame has its own snapshots).
fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("a <main>");
    let end = html.find("</main>").expect("a </main>");
    &html[start..end]
}

fn json_ld_of(html: &str) -> serde_json::Value {
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("JSON-LD")
        + 35;
    let end = start + html[start..].find("</script>").expect("closed");
    serde_json::from_str(&html[start..end].replace("<\\/", "</")).expect("JSON-LD is JSON")
}

#[test]
fn plugin_page_html() {
    let files = fixture_files();
    let html = output_text(&files, "plugins/alpha/index.html");
    insta::assert_snapshot!("plugin_alpha_main", main_of(&html));
}

#[test]
fn catalog_index_html() {
    let files = fixture_files();
    let html = output_text(&files, "plugins/index.html");
    insta::with_settings!({filters => vec![(r"\.[0-9a-f]{10}\.(css|js)", ".[hash].$1")]}, {
        insta::assert_snapshot!("catalog_index_main", main_of(&html));
    });
    assert!(
        html.contains("<script src=\"/static/catalog."),
        "the filter script is an external file (the CSP forbids inline scripts)"
    );
}

#[test]
fn plugin_json_ld_is_a_software_application_with_breadcrumbs() {
    let files = fixture_files();
    let ld = json_ld_of(&output_text(&files, "plugins/beta/index.html"));
    let graph = ld["@graph"].as_array().expect("@graph");
    assert_eq!(graph[0]["@type"], "SoftwareApplication");
    assert_eq!(graph[0]["name"], "beta");
    assert_eq!(graph[0]["softwareVersion"], "1.0.0");
    assert_eq!(graph[0]["url"], "https://plugins.example.org/plugins/beta/");
    assert_eq!(graph[0]["softwareRequirements"], "ax >=0.1, <0.3");
    assert_eq!(graph[1]["@type"], "BreadcrumbList");
    let names: Vec<&str> = graph[1]["itemListElement"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, ["Home", "Plugin catalog", "beta"]);
}

#[test]
fn a_plugin_whose_tutorial_failed_is_shown_as_failing() {
    let files = fixture_files();
    let beta = output_text(&files, "plugins/beta/index.html");
    assert!(beta.contains("data-status=\"failing\""), "{beta}");
    assert!(beta.contains("failed in the last test run (last passed on 2026-11-10)"));
    assert!(!beta.contains("Tested: its tutorial passed"));
    let alpha = output_text(&files, "plugins/alpha/index.html");
    assert!(alpha.contains("Tested: its tutorial passed on 2026-11-24."));
    let index = output_text(&files, "plugins/index.html");
    assert!(index.contains("data-plugin=\"beta\" data-hooks=\"lint commands\" data-permissions=\"index.read\" data-status=\"failing\""));
}

#[test]
fn without_test_results_plugins_are_untested_not_passing() {
    let site = tempfile::tempdir().expect("temp dir");
    common::copy_dir(&common::fixture("catalog_site"), site.path());
    std::fs::remove_dir_all(site.path().join(".docgen")).expect("remove results");
    let (files, diagnostics) = built(site.path());
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let alpha = output_text(&files, "plugins/alpha/index.html");
    assert!(alpha.contains("Not tested in this build"), "{alpha}");
    assert!(!alpha.contains("status-passing"));
}

#[test]
fn plugin_pages_are_in_the_sitemap_and_the_search_bundle() {
    let files = fixture_files();
    let sitemap = output_text(&files, "sitemap.xml");
    for url in ["plugins/", "plugins/alpha/", "plugins/beta/"] {
        assert!(
            sitemap.contains(&format!("<loc>https://plugins.example.org/{url}</loc>")),
            "{sitemap}"
        );
    }
    let (site, _) = build_in_memory(&BuildOptions::new(common::fixture("catalog_site")));
    let site = site.expect("builds");
    let searchable: Vec<&str> = site
        .parsed
        .iter()
        .flat_map(|p| &p.search_sections)
        .map(|s| s.page_url.as_str())
        .collect();
    assert!(searchable.contains(&"/plugins/alpha/"), "{searchable:?}");
}

#[test]
fn tutorial_listing_shows_difficulty_and_time() {
    let files = fixture_files();
    let listing = output_text(&files, "tutorials/index.html");
    assert!(
        listing.contains("<span class=\"difficulty\">Advanced · 20 min</span>"),
        "{listing}"
    );
    let page = output_text(&files, "tutorials/01-alpha/index.html");
    assert!(
        page.contains("<span class=\"difficulty\">Beginner · 5 min</span>"),
        "{page}"
    );
}

/// Builds the fixture with one file replaced; returns the error diagnostics as `path:line: message`.
fn errors_with(path: &str, text: &str) -> Vec<String> {
    let site = tempfile::tempdir().expect("temp dir");
    common::copy_dir(&common::fixture("catalog_site"), site.path());
    std::fs::write(site.path().join(path), text).expect("write");
    let (_, diagnostics) = built(site.path());
    diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}:{}: {}", d.path.display(), d.line, d.message))
        .collect()
}

#[test]
fn unknown_manifest_key_is_an_error_at_its_line() {
    let errors = errors_with(
        "plugins/alpha/plugin.toml",
        "name = \"alpha\"\nversion = \"0.2.0\"\ndescription = \"x\"\nax = \">=0.1\"\nhook = [\"on_index\"]\n",
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]
            .starts_with("plugins/alpha/plugin.toml:5: invalid plugin.toml: unknown field `hook`"),
        "{errors:?}"
    );
}

#[test]
fn changelog_without_the_manifest_version_is_an_error_at_its_newest_entry() {
    let errors = errors_with(
        "plugins/alpha/CHANGELOG.md",
        "# Changelog\n\n## [0.1.0] - 2026-11-01\n\n- First.\n",
    );
    assert_eq!(
        errors,
        [
            "plugins/alpha/CHANGELOG.md:3: the newest changelog entry is 0.1.0, but plugin.toml says version 0.2.0"
        ]
    );
}

#[test]
fn changelog_without_entries_is_an_error() {
    let errors = errors_with("plugins/beta/CHANGELOG.md", "# Changelog\n\nNothing yet.\n");
    assert_eq!(
        errors,
        ["plugins/beta/CHANGELOG.md:1: the changelog has no `## [VERSION] - DATE` entry"]
    );
}

#[test]
fn plugin_named_unlike_its_folder_is_an_error() {
    let errors = errors_with(
        "plugins/beta/plugin.toml",
        "name = \"gamma\"\nversion = \"1.0.0\"\ndescription = \"x\"\nax = \">=0.1\"\n",
    );
    assert_eq!(
        errors,
        ["plugins/beta/plugin.toml:1: the plugin is named `gamma` but its folder is `beta`"]
    );
}

#[test]
fn bad_difficulty_is_an_error_at_its_line() {
    let errors = errors_with(
        "tutorials/01-alpha.md",
        "+++\ntitle = \"x\"\ndifficulty = \"easy\"\n+++\n\nBody.\n",
    );
    assert_eq!(
        errors,
        [
            "tutorials/01-alpha.md:3: `difficulty` is `easy`, not one of beginner, intermediate, advanced"
        ]
    );
}

/// Width and height from a PNG's IHDR chunk, after checking the signature.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let number =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (number(16), number(20))
}

#[test]
fn each_plugin_gets_a_social_card_drawn_the_same_on_every_build() {
    let first = fixture_files();
    let second = fixture_files();
    for name in ["alpha", "beta"] {
        let path = format!("plugins/{name}/card.png");
        let card = first
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("no {path}"));
        assert_eq!(png_size(&card.bytes), (1200, 630));
        assert!(
            card.bytes.len() > 10_000,
            "{path} has text drawn on it ({} bytes)",
            card.bytes.len()
        );
        let again = second
            .iter()
            .find(|f| f.path == path)
            .expect("second build");
        assert!(
            card.bytes == again.bytes,
            "{path} differs between two builds"
        );
    }
    assert!(
        first
            .iter()
            .find(|f| f.path == "plugins/alpha/card.png")
            .map(|f| &f.bytes)
            != first
                .iter()
                .find(|f| f.path == "plugins/beta/card.png")
                .map(|f| &f.bytes),
        "each plugin has its own card"
    );
    let html = output_text(&first, "plugins/alpha/index.html");
    assert!(html.contains("<meta property=\"og:image\" content=\"https://plugins.example.org/plugins/alpha/card.png\">"), "{html}");
    assert!(html.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"));
    let ld = json_ld_of(&html);
    assert_eq!(
        ld["@graph"][0]["image"],
        "https://plugins.example.org/plugins/alpha/card.png"
    );
}
