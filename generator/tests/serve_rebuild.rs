//! Incremental rebuilds of `docgen serve`: which pages an edit re-renders, what forces a full rebuild,
//! that a failed build keeps the last good site, and that the incremental result equals a full build.

mod serve_support;

use docgen::build::{BuildOptions, build_in_memory};
use docgen::serve::rebuild::{RebuildKind, Rebuilder, SiteFiles};
use docgen::serve::watch::ChangeSet;
use serve_support::{copy_fixture, edit};
use std::path::{Path, PathBuf};

fn page_edit(path: &str) -> ChangeSet {
    ChangeSet {
        paths: vec![PathBuf::from(path)],
        full_rebuild: false,
    }
}

/// A rebuilder with its first (full) build done.
fn started(root: &Path) -> Rebuilder {
    let mut rebuilder = Rebuilder::new(BuildOptions::new(root));
    let first = rebuilder.rebuild(&ChangeSet::everything());
    assert!(first.succeeded(), "{:?}", first.diagnostics);
    assert_eq!(first.kind, RebuildKind::Full);
    rebuilder
}

fn text_of(files: &SiteFiles, path: &str) -> String {
    String::from_utf8_lossy(files.get(path).unwrap_or_else(|| panic!("{path} is built")))
        .into_owned()
}

/// The text of the site's one `static/nav.HASH.js` (the whole sidebar tree).
fn nav_script(files: &SiteFiles) -> String {
    let mut scripts = files
        .keys()
        .filter(|p| p.starts_with("static/nav.") && p.ends_with(".js"));
    let path = scripts.next().expect("a nav.js is built");
    assert!(scripts.next().is_none(), "one nav.js");
    text_of(files, path)
}

fn paths(list: &[&str]) -> Vec<PathBuf> {
    list.iter().map(PathBuf::from).collect()
}

#[test]
fn body_edit_rerenders_the_page_and_its_section_listing_only() {
    let (_dir, root) = copy_fixture("site");
    let mut rebuilder = started(&root);
    edit(
        &root,
        "content/guide/setup.md",
        "Setup steps, written with YAML front matter.",
        "Setup steps, now a freshly edited sentence.",
    );
    let outcome = rebuilder.rebuild(&page_edit("content/guide/setup.md"));
    assert!(outcome.succeeded(), "{:?}", outcome.diagnostics);
    assert_eq!(outcome.kind, RebuildKind::Incremental);
    assert_eq!(
        outcome.rendered_pages,
        paths(&["content/guide/_index.md", "content/guide/setup.md"])
    );
    // The page has no description, so the section listing shows its first paragraph: both pages changed.
    assert!(
        outcome
            .changed_files
            .contains(&"guide/setup/index.html".to_owned())
    );
    assert!(
        outcome
            .changed_files
            .contains(&"guide/index.html".to_owned())
    );
    assert!(!outcome.changed_files.contains(&"index.html".to_owned()));
    let files = outcome.files.expect("a successful rebuild has files");
    assert!(text_of(&files, "guide/setup/index.html").contains("freshly edited sentence"));
    assert!(outcome.search_pending, "the search bundle is rebuilt next");
}

#[test]
fn section_index_edit_rerenders_the_parent_listing() {
    let (_dir, root) = copy_fixture("site");
    let mut rebuilder = started(&root);
    edit(
        &root,
        "content/guide/_index.md",
        "explains everything",
        "explains nearly everything",
    );
    let outcome = rebuilder.rebuild(&page_edit("content/guide/_index.md"));
    assert_eq!(outcome.kind, RebuildKind::Incremental);
    assert_eq!(
        outcome.rendered_pages,
        paths(&["content/_index.md", "content/guide/_index.md"])
    );
}

#[test]
fn title_change_rebuilds_every_page_because_navigation_shows_it() {
    let (_dir, root) = copy_fixture("site");
    let mut rebuilder = started(&root);
    edit(
        &root,
        "content/guide/intro.md",
        "title = \"Introduction\"",
        "title = \"Getting started\"",
    );
    let outcome = rebuilder.rebuild(&page_edit("content/guide/intro.md"));
    assert_eq!(outcome.kind, RebuildKind::Full);
    let files = outcome.files.expect("built");
    assert!(text_of(&files, "guide/setup/index.html").contains("Getting started"));
}

#[test]
fn template_and_config_changes_rebuild_everything() {
    let (_dir, root) = copy_fixture("site");
    let mut rebuilder = started(&root);
    let page_template = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../theme/templates/page.html"),
    )
    .expect("built-in page template");
    std::fs::create_dir_all(root.join("theme/templates")).expect("theme dir");
    std::fs::write(
        root.join("theme/templates/page.html"),
        page_template.replacen(
            "{% block content %}",
            "{% block content %}<p>EDITED TEMPLATE</p>",
            1,
        ),
    )
    .expect("write template");
    let outcome = rebuilder.rebuild(&page_edit("theme/templates/page.html"));
    assert_eq!(outcome.kind, RebuildKind::Full);
    assert!(
        text_of(
            outcome.files.as_ref().expect("built"),
            "guide/intro/index.html"
        )
        .contains("EDITED TEMPLATE")
    );

    edit(&root, "docgen.toml", "Fixture Docs", "Renamed Docs");
    let outcome = rebuilder.rebuild(&page_edit("docgen.toml"));
    assert_eq!(outcome.kind, RebuildKind::Full);
    assert!(
        text_of(outcome.files.as_ref().expect("built"), "guide/index.html")
            .contains("Renamed Docs")
    );
}

#[test]
fn broken_front_matter_keeps_the_last_good_site_and_names_file_and_line() {
    let (_dir, root) = copy_fixture("site");
    let mut rebuilder = started(&root);
    let good = rebuilder.files();
    edit(
        &root,
        "content/guide/intro.md",
        "weight = 1",
        "weight = = 1",
    );
    let outcome = rebuilder.rebuild(&page_edit("content/guide/intro.md"));
    assert!(!outcome.succeeded());
    assert!(outcome.files.is_none(), "a failed build publishes nothing");
    let error = outcome
        .diagnostics
        .iter()
        .find(|d| d.is_error())
        .expect("an error");
    assert_eq!(error.location(), "content/guide/intro.md:4:10");
    assert_eq!(error.source_line.as_deref(), Some("weight = = 1"));
    assert_eq!(rebuilder.files(), good, "the last good site is kept");

    edit(
        &root,
        "content/guide/intro.md",
        "weight = = 1",
        "weight = 1",
    );
    let fixed = rebuilder.rebuild(&page_edit("content/guide/intro.md"));
    assert!(fixed.succeeded(), "{:?}", fixed.diagnostics);
    assert_eq!(
        fixed.kind,
        RebuildKind::Unchanged,
        "back to the last good sources"
    );
}

#[test]
fn broken_link_in_an_edit_fails_with_its_line_and_keeps_the_site() {
    let (_dir, root) = copy_fixture("site");
    let mut rebuilder = started(&root);
    edit(
        &root,
        "content/guide/intro.md",
        "[setup](setup.md#install-it)",
        "[setup](missing.md)",
    );
    let outcome = rebuilder.rebuild(&page_edit("content/guide/intro.md"));
    assert!(!outcome.succeeded());
    assert_eq!(outcome.kind, RebuildKind::Incremental);
    let error = outcome
        .diagnostics
        .iter()
        .find(|d| d.is_error())
        .expect("an error");
    assert_eq!(error.path, Path::new("content/guide/intro.md"));
    assert_eq!(error.line, 12);
    assert!(text_of(&rebuilder.files(), "guide/intro/index.html").contains("install-it"));
}

#[test]
fn an_edit_is_checked_like_a_build_checks_the_output() {
    let (_dir, root) = copy_fixture("site");
    let mut rebuilder = started(&root);
    // A site-absolute link to nothing: only the output check (not parse) knows it is broken.
    edit(
        &root,
        "content/guide/intro.md",
        "# Introduction\n",
        "# Introduction\n\nSee [the map](/guide/nowhere/).\n",
    );
    let outcome = rebuilder.rebuild(&page_edit("content/guide/intro.md"));
    assert_eq!(outcome.kind, RebuildKind::Incremental);
    assert!(!outcome.succeeded(), "the dead link fails the rebuild");
    let error = outcome
        .diagnostics
        .iter()
        .find(|d| d.is_error())
        .expect("an error");
    assert_eq!(
        error.to_string(),
        "content/guide/intro.md:12:5: error: broken link `/guide/nowhere/` in the output: no file `guide/nowhere/` in the output"
    );
    assert!(error.source_line.is_some(), "the overlay shows the line");
    assert!(!text_of(&rebuilder.files(), "guide/intro/index.html").contains("nowhere"));

    // The link fixed to point at the setup page's heading, written as raw HTML (no `.md` link, so
    // parse does not see it): fine. Then the heading is renamed in *another* page: the rebuild of
    // that page finds the link it broke in this one.
    edit(
        &root,
        "content/guide/intro.md",
        "See [the map](/guide/nowhere/).",
        "See <a href=\"/guide/setup/index.html#install-it\">the map</a>.",
    );
    let outcome = rebuilder.rebuild(&page_edit("content/guide/intro.md"));
    assert!(outcome.succeeded(), "{:?}", outcome.diagnostics);
    edit(
        &root,
        "content/guide/setup.md",
        "{#install-it}",
        "{#installing}",
    );
    let outcome = rebuilder.rebuild(&page_edit("content/guide/setup.md"));
    assert_eq!(outcome.kind, RebuildKind::Incremental);
    assert!(
        !outcome
            .rendered_pages
            .contains(&PathBuf::from("content/guide/intro.md")),
        "intro is not re-rendered"
    );
    let errors: Vec<String> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("content/guide/intro.md:12:14:")
                && e.contains("`guide/setup/index.html` has no element with id `install-it`")),
        "{errors:?}"
    );
}

#[test]
fn new_and_deleted_pages_rebuild_the_navigation() {
    let (_dir, root) = copy_fixture("site");
    let mut rebuilder = started(&root);
    std::fs::write(
        root.join("content/guide/faq.md"),
        "+++\ntitle = \"FAQ\"\nweight = 5\n+++\n\nQuestions.\n",
    )
    .expect("write page");
    let added = rebuilder.rebuild(&page_edit("content/guide/faq.md"));
    assert_eq!(added.kind, RebuildKind::Full);
    let files = added.files.expect("built");
    assert!(files.contains_key("guide/faq/index.html"));
    // The whole tree (nav.js) and the section page, which lists its pages, both gain the page.
    assert!(nav_script(&files).contains("/guide/faq/"));
    assert!(text_of(&files, "guide/index.html").contains("/guide/faq/"));

    std::fs::remove_file(root.join("content/guide/faq.md")).expect("delete page");
    let removed = rebuilder.rebuild(&page_edit("content/guide/faq.md"));
    let files = removed.files.expect("built");
    assert!(!files.contains_key("guide/faq/index.html"));
    assert!(!nav_script(&files).contains("/guide/faq/"));
    assert!(
        removed
            .changed_files
            .contains(&"guide/faq/index.html".to_owned())
    );
}

#[test]
fn saving_without_changes_is_a_no_op() {
    let (_dir, root) = copy_fixture("site");
    let mut rebuilder = started(&root);
    edit(
        &root,
        "content/guide/intro.md",
        "Introduction",
        "Introduction",
    );
    let outcome = rebuilder.rebuild(&page_edit("content/guide/intro.md"));
    assert_eq!(outcome.kind, RebuildKind::Unchanged);
    assert!(outcome.changed_files.is_empty());
}

/// Manifest names differ by design (pages keep the one they were rendered with); the rest must not.
fn without_manifest_names(files: &SiteFiles) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(path, bytes)| {
            let text = String::from_utf8_lossy(bytes);
            let mut normalised = String::with_capacity(text.len());
            let mut rest = text.as_ref();
            while let Some(at) = rest.find("/search/manifest.") {
                normalised.push_str(&rest[..at]);
                normalised.push_str("/search/manifest.HASH.json");
                let after = &rest[at..];
                rest = after.find(".json").map_or("", |end| &after[end + 5..]);
            }
            normalised.push_str(rest);
            let path = if path.starts_with("search/manifest") {
                "search/manifest.HASH.json".to_owned()
            } else {
                path.clone()
            };
            (path, normalised)
        })
        .collect()
}

#[test]
fn incremental_result_equals_a_full_build_of_the_same_sources() {
    let (_dir, root) = copy_fixture("site");
    let mut rebuilder = started(&root);
    edit(
        &root,
        "content/guide/setup.md",
        "Setup steps",
        "Setup steps, edited",
    );
    edit(
        &root,
        "tutorials/first.md",
        "Do the first thing.",
        "Do the first thing, edited.",
    );
    let outcome = rebuilder.rebuild(&ChangeSet {
        paths: paths(&["content/guide/setup.md", "tutorials/first.md"]),
        full_rebuild: false,
    });
    assert_eq!(
        outcome.kind,
        RebuildKind::Incremental,
        "{:?}",
        outcome.diagnostics
    );
    let incremental = rebuilder.rebuild_search().expect("search bundle");
    let (full, diagnostics) = build_in_memory(&BuildOptions::new(&root));
    let full: SiteFiles = full
        .unwrap_or_else(|| panic!("{diagnostics:?}"))
        .files
        .into_iter()
        .map(|f| (f.path, std::sync::Arc::new(f.bytes)))
        .collect();
    assert_eq!(
        without_manifest_names(&incremental),
        without_manifest_names(&full)
    );
}

#[test]
fn edit_seen_only_as_a_folder_event_takes_the_full_reload_path_and_stays_incremental() {
    let (_dir, root) = copy_fixture("site");
    let mut rebuilder = started(&root);
    edit(
        &root,
        "content/guide/setup.md",
        "Setup steps, written",
        "Setup steps, rewritten",
    );
    // Some watchers report the folder, not the file: every page is reloaded and compared.
    let outcome = rebuilder.rebuild(&page_edit("content/guide"));
    assert_eq!(outcome.kind, RebuildKind::Incremental);
    assert_eq!(
        outcome.rendered_pages,
        paths(&["content/guide/_index.md", "content/guide/setup.md"])
    );
}

#[test]
fn a_failed_edit_leaves_the_next_edit_consistent_with_a_full_build() {
    let (_dir, root) = copy_fixture("site");
    let mut rebuilder = started(&root);
    edit(
        &root,
        "content/guide/intro.md",
        "[setup](setup.md#install-it)",
        "[setup](setup.md#no-such-anchor)",
    );
    assert!(
        !rebuilder
            .rebuild(&page_edit("content/guide/intro.md"))
            .succeeded()
    );
    edit(
        &root,
        "content/guide/intro.md",
        "[setup](setup.md#no-such-anchor)",
        "[the setup page](setup.md#install-it)",
    );
    let outcome = rebuilder.rebuild(&page_edit("content/guide/intro.md"));
    assert!(outcome.succeeded(), "{:?}", outcome.diagnostics);
    assert_eq!(outcome.kind, RebuildKind::Incremental);
    let incremental = rebuilder.rebuild_search().expect("search bundle");
    let (full, _) = build_in_memory(&BuildOptions::new(&root));
    let full: SiteFiles = full
        .expect("full build")
        .files
        .into_iter()
        .map(|f| (f.path, std::sync::Arc::new(f.bytes)))
        .collect();
    assert_eq!(
        without_manifest_names(&incremental),
        without_manifest_names(&full)
    );
}
