//! Snapshots of the fixture site's rendered output: a page, a section, the home page, the sitemap, the
//! feed and robots.txt. Fingerprint hashes are redacted so a CSS change does not churn every snapshot.

mod common;

use common::output_text;
use docgen::build::{BuildOptions, build_in_memory};
use docgen::model::OutputFile;

fn built_files() -> Vec<OutputFile> {
    let (site, diagnostics) = build_in_memory(&BuildOptions::new(common::fixture("site")));
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    site.expect("fixture site builds").files
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({filters => vec![(r"\.[0-9a-f]{10,16}\.(css|js|json|svg)", ".[hash].$1")]}, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn page_html() {
    snapshot(
        "page_intro",
        &output_text(&built_files(), "guide/intro/index.html"),
    );
}

#[test]
fn yaml_page_html() {
    snapshot(
        "page_setup",
        &output_text(&built_files(), "guide/setup/index.html"),
    );
}

#[test]
fn section_html() {
    snapshot(
        "section_guide",
        &output_text(&built_files(), "guide/index.html"),
    );
}

#[test]
fn index_html() {
    snapshot("index", &output_text(&built_files(), "index.html"));
}

#[test]
fn not_found_html() {
    snapshot("not_found", &output_text(&built_files(), "404.html"));
}

/// The `<nav id="sidebar">` element of a built page.
fn sidebar(html: &str) -> String {
    let start = html
        .find("<nav id=\"sidebar\"")
        .expect("page has a sidebar");
    let end = start + html[start..].find("</nav>").expect("sidebar closes") + "</nav>".len();
    html[start..end].to_string()
}

/// The `data-nav-id`s of a piece of sidebar HTML, in document order.
fn nav_ids(html: &str) -> Vec<String> {
    html.split("data-nav-id=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').expect("attribute closes")].to_string())
        .collect()
}

/// One stable tree for every page: rendered once into `nav.js`, which every page loads; a page itself
/// carries only the way to itself (those sections open, its entry current; a section page its own
/// entries too), the home page the top level, each entry in the same order as in the whole tree.
#[test]
fn sidebar_html_per_section() {
    let files = built_files();
    let scripts: Vec<&OutputFile> = files
        .iter()
        .filter(|f| f.path.starts_with("static/nav.") && f.path.ends_with(".js"))
        .collect();
    assert_eq!(scripts.len(), 1, "one nav.js for the whole site");
    let script = String::from_utf8(scripts[0].bytes.clone()).expect("utf-8 nav.js");
    let literal = script
        .strip_prefix("window.DOCGEN_NAV = ")
        .and_then(|rest| rest.trim_end().strip_suffix(';'))
        .expect("nav.js assigns one string to window.DOCGEN_NAV");
    let whole_tree: String = serde_json::from_str(literal).expect("a JSON string literal");
    snapshot("sidebar_whole_tree", &whole_tree);
    let whole_ids = nav_ids(&whole_tree);
    for (name, path) in [
        ("sidebar_home", "index.html"),
        ("sidebar_guide_section", "guide/index.html"),
        ("sidebar_guide_page", "guide/setup/index.html"),
        ("sidebar_tutorial_page", "tutorials/second/index.html"),
    ] {
        let page = output_text(&files, path);
        snapshot(name, &sidebar(&page));
        assert!(
            page.contains(&format!("src=\"/{}\"", scripts[0].path)),
            "{path} loads the whole tree"
        );
        if path == "guide/setup/index.html" {
            assert_eq!(
                nav_ids(&sidebar(&page)),
                ["nav-guide", "nav-guide-setup"],
                "a page carries its way, not its siblings or other sections"
            );
        }
        let mut rest = whole_ids.iter();
        for id in nav_ids(&sidebar(&page)) {
            assert!(
                rest.any(|whole| *whole == id),
                "{path}: `{id}` is not in the whole tree, or not in its order"
            );
        }
    }
}

#[test]
fn sitemap_xml() {
    snapshot("sitemap", &output_text(&built_files(), "sitemap.xml"));
}

#[test]
fn atom_feed() {
    snapshot("atom", &output_text(&built_files(), "atom.xml"));
}

#[test]
fn robots_txt() {
    snapshot("robots", &output_text(&built_files(), "robots.txt"));
}

#[test]
fn alias_redirects() {
    let files = built_files();
    assert_eq!(
        output_text(&files, "_redirects"),
        "/old-intro/ /guide/intro/ 301\n"
    );
    assert!(
        output_text(&files, "old-intro/index.html")
            .contains("url=https://docs.example.org/guide/intro/")
    );
}

#[test]
fn drafts_and_fixtures_are_not_pages() {
    let paths: Vec<String> = built_files().into_iter().map(|f| f.path).collect();
    assert!(
        !paths
            .iter()
            .any(|p| p.contains("draft") || p.contains("fixtures")),
        "{paths:?}"
    );
    let mut options = BuildOptions::new(common::fixture("site"));
    options.include_drafts = true;
    let (site, _) = build_in_memory(&options);
    assert!(
        site.unwrap()
            .files
            .iter()
            .any(|f| f.path == "draft/index.html")
    );
}

#[test]
fn assets_are_fingerprinted_by_content() {
    let files = built_files();
    let css: Vec<&OutputFile> = files
        .iter()
        .filter(|f| f.path.starts_with("static/style.") && f.path.ends_with(".css"))
        .collect();
    assert_eq!(css.len(), 1);
    let hash = &css[0].path["static/style.".len()..css[0].path.len() - ".css".len()];
    assert_eq!(hash, &blake3::hash(&css[0].bytes).to_hex()[..10]);
    assert!(output_text(&files, "index.html").contains(&format!("href=\"/{}\"", css[0].path)));
}

#[test]
fn rebuild_is_byte_identical() {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    for out in [first.path(), second.path()] {
        let mut options = BuildOptions::new(common::fixture("site"));
        options.out = Some(out.join("public"));
        assert!(docgen::build::build(&options).success);
    }
    let listing = |root: &std::path::Path| -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<_> = walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().strip_prefix(root).unwrap().display().to_string(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let a = listing(&first.path().join("public"));
    assert!(a.len() > 10);
    assert_eq!(a, listing(&second.path().join("public")));
}

#[test]
fn images_next_to_pages_are_published_and_linked_by_url() {
    let site = common::TempSite::new();
    site.file(
        "content/guide/a.md",
        "# A\n\n![diagram](img/flow.svg) and [the PDF](../spec.pdf).\n",
    );
    site.bytes(
        "content/guide/img/flow.svg",
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.bytes("content/spec.pdf", b"%PDF-1.4");
    let report = site.build();
    assert!(report.success, "{:?}", report.diagnostics);
    assert_eq!(
        std::fs::read(site.out().join("guide/img/flow.svg")).unwrap(),
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"
    );
    assert_eq!(
        std::fs::read(site.out().join("spec.pdf")).unwrap(),
        b"%PDF-1.4"
    );
    let html = std::fs::read_to_string(site.out().join("guide/a/index.html")).unwrap();
    assert!(
        html.contains("<img src=\"/guide/img/flow.svg\" alt=\"diagram\""),
        "{html}"
    );
    assert!(html.contains("<a href=\"/spec.pdf\">the PDF</a>"), "{html}");
}

/// The whole tree's links in `nav.js` follow the site's URL mode like every page's: under a sub-path
/// they carry it; under `relative_urls` they are relative to the site root and each page says its way
/// up (`data-nav-root`), except 404.html, served at any path, whose way is the sub-path itself.
#[test]
fn nav_script_links_follow_sub_path_and_relative_urls() {
    for relative in [false, true] {
        let site = common::TempSite::new();
        site.file(
            "docgen.toml",
            &format!("base_url = \"https://example.org/docs/\"\nrelative_urls = {relative}\n"),
        );
        site.file("content/guide/_index.md", "# Guide\n");
        site.file("content/guide/a.md", "# A\n");
        let report = site.build();
        assert!(report.success, "{:?}", common::errors(&report));
        let read = |path: &str| {
            std::fs::read_to_string(site.out().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
        };
        let script = std::fs::read_dir(site.out().join("static"))
            .expect("static/")
            .map(|entry| entry.expect("entry").path())
            .find(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                name.starts_with("nav.") && name.ends_with(".js")
            })
            .expect("static/nav.*.js");
        let script = std::fs::read_to_string(script).expect("nav.js");
        let page = read("guide/a/index.html");
        let not_found = read("404.html");
        if relative {
            assert!(
                script.contains(r#"href=\"guide/a/index.html\""#),
                "{script}"
            );
            assert!(page.contains("data-nav-root=\"../../\""), "{page}");
            assert!(
                not_found.contains("data-nav-root=\"/docs/\""),
                "{not_found}"
            );
        } else {
            assert!(script.contains(r#"href=\"/docs/guide/a/\""#), "{script}");
            assert!(!page.contains("data-nav-root"), "{page}");
            assert!(!not_found.contains("data-nav-root"), "{not_found}");
        }
        assert!(page.contains("data-nav-current=\"nav-guide-a\""), "{page}");
        assert!(!not_found.contains("data-nav-current"), "{not_found}");
    }
}
