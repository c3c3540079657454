//! Hostile input in a site's own files: text that tries to break out of meta tags, JSON-LD and
//! heading attributes is escaped in the built HTML; a page or asset symlinked from outside the site
//! is an error, not a published copy of someone else's file.

mod common;

use common::{TempSite, errors};

const HOSTILE: &str = "</script><!--<script> \\\" ' & > \u{2028} end";

/// The contents of every `<script type="application/ld+json">` element of a page.
fn json_ld_blocks(html: &str) -> Vec<&str> {
    html.split("<script type=\"application/ld+json\">")
        .skip(1)
        .map(|rest| rest.split("</script>").next().unwrap_or(""))
        .collect()
}

#[test]
fn hostile_titles_and_descriptions_are_escaped_in_meta_tags_and_json_ld() {
    let site = TempSite::new();
    let title = HOSTILE.replace('\\', "\\\\").replace('"', "\\\"");
    site.file(
        "content/evil.md",
        &format!("+++\ntitle = \"{title}\"\ndescription = \"{title}\"\n+++\n\nBody.\n"),
    );
    let report = site.build();
    assert!(report.success, "{:?}", errors(&report));
    let html = std::fs::read_to_string(site.out().join("evil/index.html")).expect("page written");
    let blocks = json_ld_blocks(&html);
    assert_eq!(
        blocks.len(),
        1,
        "one JSON-LD element that the title did not end early"
    );
    let json = blocks[0];
    for bad in ["<", ">", "&", "\u{2028}"] {
        assert!(!json.contains(bad), "{bad:?} unescaped in JSON-LD: {json}");
    }
    let value: serde_json::Value = serde_json::from_str(json).expect("JSON-LD is JSON");
    assert_eq!(value["@graph"][0]["headline"], HOSTILE);
    let meta = html
        .lines()
        .find(|l| l.starts_with("<meta name=\"description\""))
        .expect("meta description");
    assert!(
        meta.contains("&lt;&#x2F;script&gt;") || meta.contains("&lt;/script&gt;"),
        "{meta}"
    );
    assert!(meta.contains("&quot;"), "quotes are escaped: {meta}");
    assert_eq!(
        meta.matches('"').count(),
        4,
        "only the attribute quotes remain: {meta}"
    );
}

#[test]
fn heading_attributes_cannot_inject_html() {
    let site = TempSite::new();
    site.file(
        "content/h.md",
        "+++\ntitle = \"H\"\n+++\n\n## Title {#x\"onmouseover=\"alert(1) .c\"onclick=\"y}\n",
    );
    let report = site.build();
    assert!(report.success, "{:?}", errors(&report));
    let html = std::fs::read_to_string(site.out().join("h/index.html")).expect("page written");
    assert!(
        !html.contains("\"onmouseover"),
        "attribute injected: {html}"
    );
    assert!(!html.contains("\"onclick"), "attribute injected: {html}");
}

#[test]
fn a_page_symlinked_from_outside_the_site_is_an_error() {
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        outside.path().join("private.md"),
        "# Private\n\nSECRET-4411\n",
    )
    .expect("write");
    let site = TempSite::new();
    std::os::unix::fs::symlink(
        outside.path().join("private.md"),
        site.root().join("content/private.md"),
    )
    .expect("symlink");
    // A symlink inside the site (a shared page) is fine.
    site.file(
        "shared/notes.md",
        "+++\ntitle = \"Notes\"\n+++\n\nShared.\n",
    );
    std::os::unix::fs::symlink(
        site.root().join("shared/notes.md"),
        site.root().join("content/notes.md"),
    )
    .expect("symlink");
    std::fs::write(outside.path().join("key.png"), "SECRET-PNG").expect("write");
    std::os::unix::fs::symlink(
        outside.path().join("key.png"),
        site.root().join("content/key.png"),
    )
    .expect("symlink");
    let report = site.build();
    assert_eq!(
        errors(&report),
        [
            "content/key.png: error: this file is a symlink to a file outside the site",
            "content/private.md: error: this file is a symlink to a file outside the site",
        ]
    );
    let report = {
        std::fs::remove_file(site.root().join("content/private.md")).expect("remove");
        std::fs::remove_file(site.root().join("content/key.png")).expect("remove");
        site.build()
    };
    assert!(report.success, "{:?}", errors(&report));
    assert!(site.out().join("notes/index.html").is_file());
}
