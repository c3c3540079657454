//! `{{#include}}` and `{{#rustdoc_include}}` in pages: every form's expansion (snapshot), every bad
//! directive as an error at its `path:line:col`, diagnostics after and inside included text still
//! naming the page's own lines, and `docgen serve` re-rendering a page when a file it includes changes.

mod common;
mod serve_support;

use common::{TempSite, errors};
use docgen::build::{BuildOptions, build_in_memory};
use docgen::serve::rebuild::{RebuildKind, Rebuilder};
use docgen::serve::watch::ChangeSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const CODE: &str = "\
// ANCHOR: all
use std::io;
// ANCHOR: main
fn main() {
    println!(\"hi\");
}
// ANCHOR_END: main

fn helper() {}
// ANCHOR_END: all
";

/// The body of `content/page.md` after `load`, for a body holding `directives`.
fn expanded(directives: &str) -> (String, Vec<String>) {
    let site = TempSite::new();
    site.file("content/code/main.rs", CODE);
    site.file(
        "content/page.md",
        &format!("+++\ntitle = \"P\"\n+++\n\n{directives}"),
    );
    let (site_built, diagnostics) = build_in_memory(&BuildOptions::new(site.root()));
    let problems = diagnostics.iter().map(|d| d.to_string()).collect();
    let body = site_built
        .map(|s| {
            s.sources
                .tree
                .pages
                .iter()
                .find(|p| p.source_path.as_path() == std::path::Path::new("content/page.md"))
                .expect("page loaded")
                .body
                .clone()
        })
        .unwrap_or_default();
    (body, problems)
}

#[test]
fn every_include_form_expands_like_mdbook() {
    let (body, problems) = expanded(
        "whole:\n\n```rust\n{{#include code/main.rs}}\n```\n\n\
         anchor:\n\n```rust\n{{#include code/main.rs:main}}\n```\n\n\
         outer region, inner markers dropped:\n\n```rust\n{{#include code/main.rs:all}}\n```\n\n\
         lines 4 to 6:\n\n```rust\n{{#include code/main.rs:4:6}}\n```\n\n\
         from 9:\n\n```rust\n{{#include code/main.rs:9:}}\n```\n\n\
         up to 2:\n\n```rust\n{{#include ./code/main.rs::2}}\n```\n\n\
         line 5:\n\n```rust\n{{#include code/main.rs:5}}\n```\n\n\
         rustdoc:\n\n```rust\n{{#rustdoc_include code/main.rs:main}}\n```\n\n\
         escaped: \\{{#include code/main.rs}} and a template's {{#each items}} stay text\n",
    );
    assert!(problems.is_empty(), "{problems:?}");
    insta::assert_snapshot!(body);
}

/// The errors of a build of a page with `body`, as `path:line:col: error: message`.
fn build_errors(body: &str) -> Vec<String> {
    let site = TempSite::new();
    site.file("content/code/main.rs", CODE);
    site.file("secret.txt", "outside content, inside the root\n");
    site.file(
        "content/page.md",
        &format!("+++\ntitle = \"P\"\n+++\n\n{body}"),
    );
    errors(&site.build())
}

#[test]
fn missing_file_is_an_error_at_the_directive() {
    assert_eq!(
        build_errors("Intro.\n\n  {{#include code/nope.rs}}\n"),
        ["content/page.md:7:3: error: included file `content/code/nope.rs` does not exist"]
    );
}

#[test]
fn missing_anchor_is_an_error_at_the_directive() {
    assert_eq!(
        build_errors("x {{#include code/main.rs:hooks}}\n"),
        ["content/page.md:5:3: error: content/code/main.rs: no `ANCHOR: hooks` in the file"]
    );
}

#[test]
fn unterminated_region_is_an_error() {
    let site = TempSite::new();
    site.file("content/code/open.rs", "// ANCHOR: open\nfn f() {}\n");
    site.file("content/page.md", "{{#include code/open.rs:open}}\n");
    assert_eq!(
        errors(&site.build()),
        [
            "content/page.md:1:1: error: content/code/open.rs: region `open` opened at line 1 has no `ANCHOR_END: open`"
        ]
    );
}

#[test]
fn bad_ranges_are_errors() {
    assert_eq!(
        build_errors(
            "{{#include code/main.rs:6:2}}\n\n{{#include code/main.rs:40:}}\n\n{{#include code/main.rs:0:3}}\n\n{{#include code/main.rs:2:x}}\n"
        ),
        [
            "content/page.md:5:1: error: line range 6:2 ends before it starts",
            "content/page.md:7:1: error: content/code/main.rs: line range 40: is past the end of the file (10 lines)",
            "content/page.md:9:1: error: line numbers start at 1",
            "content/page.md:11:1: error: `x` is not a line number",
        ]
    );
}

#[test]
fn paths_escaping_the_site_root_are_errors() {
    let problems =
        build_errors("{{#include ../../../../etc/passwd}}\n\n{{#include /etc/passwd}}\n");
    assert_eq!(
        problems,
        [
            "content/page.md:5:1: error: `../../../../etc/passwd` is outside the site root",
            "content/page.md:7:1: error: `/etc/passwd` is outside the site root",
        ]
    );
    // Leaving content/ but not the root is fine: books keep listings next to src/.
    assert!(build_errors("{{#include ../secret.txt}}\n").is_empty());
}

#[test]
fn diagnostics_after_and_inside_included_text_name_the_pages_own_lines() {
    let site = TempSite::new();
    site.file(
        "snippets/notes.md",
        "one\ntwo [broken](missing.md)\nthree\n",
    );
    site.file(
        "content/page.md",
        "+++\ntitle = \"P\"\n+++\n\nIntro.\n\n   {{#include ../snippets/notes.md}}\n\nAfter [gone](gone.md).\n",
    );
    let report = site.build();
    let located: Vec<(String, Option<String>)> = report
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.location(), d.source_line.clone()))
        .collect();
    assert_eq!(
        located,
        [
            // The link inside included text is reported at its directive, with the directive shown.
            (
                "content/page.md:7:4".to_owned(),
                Some("   {{#include ../snippets/notes.md}}".to_owned())
            ),
            // Lines after the include keep their numbers although the body grew by two lines.
            (
                "content/page.md:9:7".to_owned(),
                Some("After [gone](gone.md).".to_owned())
            ),
        ]
    );
}

#[test]
fn nested_includes_expand_and_a_cycle_is_an_error() {
    let (body, problems) = {
        let site = TempSite::new();
        site.file("snippets/a.md", "A {{#include b.md}}");
        site.file("snippets/b.md", "B");
        site.file("snippets/loop.md", "{{#include loop.md}}");
        site.file("content/page.md", "{{#include ../snippets/a.md}}\n");
        let (built, _) = build_in_memory(&BuildOptions::new(site.root()));
        let body = built.expect("builds").sources.tree.pages[1].body.clone();
        site.file("content/page.md", "{{#include ../snippets/loop.md}}\n");
        (body, errors(&site.build()))
    };
    assert_eq!(body, "A B\n");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("content/page.md:1:1: error: ")
            && problems[0].contains("nest deeper than 10"),
        "{problems:?}"
    );
}

#[test]
fn serve_rebuild_rerenders_the_page_when_its_included_file_changes() {
    let site = TempSite::new();
    site.file("content/code/main.rs", "fn first_version() {}\n");
    site.file(
        "content/page.md",
        "+++\ntitle = \"P\"\n+++\n\n```rust\n{{#include code/main.rs}}\n```\n",
    );
    let mut rebuilder = Rebuilder::new(BuildOptions::new(site.root()));
    assert!(rebuilder.rebuild(&ChangeSet::everything()).succeeded());
    assert_eq!(
        rebuilder.included_files(),
        [PathBuf::from("content/code/main.rs")]
    );
    site.file("content/code/main.rs", "fn second_version() {}\n");
    let outcome = rebuilder.rebuild(&ChangeSet {
        paths: vec![PathBuf::from("content/code/main.rs")],
        full_rebuild: false,
    });
    assert!(outcome.succeeded(), "{:?}", outcome.diagnostics);
    assert_eq!(outcome.kind, RebuildKind::Incremental);
    assert!(
        outcome
            .rendered_pages
            .contains(&PathBuf::from("content/page.md"))
    );
    let files = outcome.files.expect("a good build");
    let html = String::from_utf8_lossy(&files["page/index.html"]).into_owned();
    assert!(
        html.contains("second_version") && !html.contains("first_version"),
        "{html}"
    );
}

/// The real watcher: an included file outside every watched folder (`listings/`, as in an imported
/// book) is watched once a page includes it, and saving it changes the served page.
#[test]
fn docgen_serve_reloads_a_page_when_its_included_file_is_saved() {
    let site = TempSite::new();
    site.file("listings/main.rs", "fn first_version() {}\n");
    site.file(
        "content/page.md",
        "+++\ntitle = \"P\"\n+++\n\n```rust\n{{#include ../listings/main.rs}}\n```\n",
    );
    let server = serve_support::start_server(site.root());
    let (status, _, body) = serve_support::get(&server.addr, "/page/");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("first_version"));
    // The watch on listings/ is added after the first build, which is done before the server
    // answers; give the watcher a moment, then save.
    std::thread::sleep(Duration::from_millis(300));
    site.file("listings/main.rs", "fn second_version() {}\n");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, _, body) = serve_support::get(&server.addr, "/page/");
        if String::from_utf8_lossy(&body).contains("second_version") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the page never showed the saved included file"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Books moved from mdBook keep old anchors as raw HTML (`<a id="old-name"></a>` before a renamed
/// heading); a link to one is not broken.
#[test]
fn anchors_set_by_raw_html_ids_are_link_targets() {
    let site = TempSite::new();
    site.file(
        "content/a.md",
        "<a id=\"old-name\"></a>\n\n## New name\n\n[old](#old-name), [gone](#nowhere)\n",
    );
    assert_eq!(
        errors(&site.build()),
        [
            "content/a.md:5:19: error: broken anchor `#nowhere` in link `#nowhere`: content/a.md has no such heading"
        ]
    );
}
