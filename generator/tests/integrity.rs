//! docgen on documentation written elsewhere: nothing lost, nothing garbled, no panic. Each test is a
//! small fixture site reproducing one problem found by building real Zola, Hugo, mdBook and Starlight
//! trees (issue 12).

mod common;

use common::{TempSite, errors};

fn read(site: &TempSite, path: &str) -> String {
    std::fs::read_to_string(site.out().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn warnings(report: &docgen::build::BuildReport) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .filter(|d| !d.is_error())
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn diagnostics_on_wide_and_combining_text_count_characters_and_underline_the_whole_link() {
    let site = TempSite::new();
    site.file(
        "content/a.md",
        "# A\n\n日本語 e\u{301} 👍🏽 [リンク テキスト](nope.md) after\n",
    );
    let report = site.build();
    assert_eq!(
        errors(&report),
        [
            "content/a.md:3:11: error: broken link `nope.md`: content/nope.md is not a page of the site"
        ]
    );
    let rendered = report.diagnostics[0].render(false);
    let carets = rendered
        .lines()
        .find(|l| l.contains('^'))
        .expect("a caret line");
    // Display width of `[リンク テキスト](nope.md)`: 7 wide characters count twice.
    assert_eq!(carets.matches('^').count(), 26, "{rendered}");
}

#[test]
fn front_matter_after_a_bom_and_blank_lines_is_front_matter() {
    let site = TempSite::new();
    site.file(
        "content/a.md",
        "\u{feff}\n\n+++\ntitle = \"Bommed\"\n+++\nBody text.\n",
    );
    site.file("content/b.md", "\n---\ntitle: Blank first\n---\nBody.\n");
    let report = site.build();
    assert!(report.success, "{:?}", errors(&report));
    let a = read(&site, "a/index.html");
    assert!(a.contains("<title>Bommed"), "{a}");
    assert!(!a.contains("+++") && !a.contains("title ="), "{a}");
    assert!(read(&site, "b/index.html").contains("<title>Blank first"));
}

#[test]
fn front_matter_errors_after_blank_lines_name_the_files_line_and_column() {
    let site = TempSite::new();
    site.file(
        "content/a.md",
        "\n\n+++\ntitle = \"A\"\nweight = \"x\n+++\n",
    );
    site.file("content/b.md", "\u{feff}\n---\ntitle: B\nweight: [1\n---\n");
    let errors = errors(&site.build());
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].starts_with("content/a.md:5:12: error: invalid TOML"),
        "{errors:?}"
    );
    // The file's line, not the parser's line within the front matter.
    assert_eq!(
        errors[1],
        "content/b.md:4:9: error: invalid YAML front matter: expected string scalar"
    );
}

#[test]
fn folders_without_index_get_a_section_page_and_the_site_a_home_page() {
    let site = TempSite::new();
    std::fs::remove_file(site.root().join("content/_index.md")).unwrap();
    site.file("content/user-guide/first.md", "# First page\n\nText.\n");
    site.file("content/user-guide/deeper/second.md", "# Second page\n");
    let report = site.build();
    assert!(report.success, "{:?}", errors(&report));
    let home = read(&site, "index.html");
    assert!(home.contains("href=\"/user-guide/\""), "{home}");
    let section = read(&site, "user-guide/index.html");
    assert!(section.contains("User guide"), "{section}");
    assert!(section.contains("href=\"/user-guide/first/\""), "{section}");
    assert!(
        section.contains("href=\"/user-guide/deeper/\""),
        "{section}"
    );
    assert!(site.out().join("user-guide/deeper/index.html").exists());
}

#[test]
fn folder_index_md_is_the_folders_page() {
    let site = TempSite::new();
    site.file(
        "content/bundle/index.md",
        "+++\ntitle = \"Bundle\"\n+++\nHere.\n",
    );
    let report = site.build();
    assert!(report.success, "{:?}", errors(&report));
    assert!(read(&site, "bundle/index.html").contains("Here."));
    assert!(!site.out().join("bundle/index/index.html").exists());
    // Beside an `_index.md`, `index.md` is a page named "index" (the repo's own `ax index` reference).
    site.file("content/cmd/_index.md", "# Commands\n");
    site.file("content/cmd/index.md", "# The index command\n");
    let report = site.build();
    assert!(report.success, "{:?}", errors(&report));
    assert!(read(&site, "cmd/index/index.html").contains("The index command"));
}

#[test]
fn unknown_files_are_listed_in_one_warning_and_verbose_names_each() {
    let site = TempSite::new();
    site.file("content/a.mdx", "# MDX\n");
    site.file("content/b.mdx", "# MDX\n");
    site.file("content/notes.txt", "text\n");
    let report = site.build();
    let warnings = warnings(&report);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("3 files") && warnings[0].contains("2 .mdx, 1 .txt"),
        "{warnings:?}"
    );
    let verbose = site.build_with(|o| o.verbose = true);
    let named: Vec<String> = self::warnings(&verbose);
    assert_eq!(named.len(), 3, "{named:?}");
    assert!(named[0].starts_with("content/a.mdx: warning:"), "{named:?}");
}

#[test]
fn editor_leftovers_are_skipped_silently() {
    let site = TempSite::new();
    site.file("content/x.md~", "+++\ntitle = \"Backup\"\n+++\n");
    site.file("content/.x.md.swp", "binary");
    site.file("content/#x.md#", "autosave");
    std::os::unix::fs::symlink("user@host.123", site.root().join("content/.#x.md")).unwrap();
    let report = site.build();
    assert!(report.success, "{:?}", errors(&report));
    assert_eq!(warnings(&report), Vec::<String>::new());
}

#[test]
fn excluded_folders_are_not_published() {
    let site = TempSite::new();
    site.file("docgen.toml", "exclude = [\"content/snippets\"]\n");
    site.file("content/snippets/part.md", "A snippet.\n");
    let report = site.build();
    assert!(report.success, "{:?}", errors(&report));
    assert!(!site.out().join("snippets").exists());
}

#[test]
fn base_url_must_be_an_absolute_http_url() {
    let site = TempSite::new();
    site.file("docgen.toml", "title = \"x\"\nbase_url = \"/docs/\"\n");
    let errors = errors(&site.build());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("docgen.toml:2:1: error: invalid base_url"),
        "{errors:?}"
    );
}

#[test]
fn two_pages_claiming_one_alias_is_an_error_naming_both() {
    let site = TempSite::new();
    site.file(
        "content/a.md",
        "+++\ntitle = \"A\"\naliases = [\"old/\"]\n+++\n",
    );
    site.file(
        "content/b.md",
        "+++\ntitle = \"B\"\naliases = [\"/new/\", \"/old\"]\n+++\n",
    );
    let report = site.build();
    assert_eq!(
        errors(&report),
        ["content/b.md:3:21: error: alias `/old` is also claimed by content/a.md:3:12"],
        "at the alias in the front matter of both pages"
    );
    let rendered = report.diagnostics[0].render(false);
    assert!(
        rendered.contains("3 | aliases = [\"/new/\", \"/old\"]")
            && rendered.contains(&format!("{}^^^^^^\n", " ".repeat(20))),
        "the snippet underlines the quoted alias:\n{rendered}"
    );
}

#[test]
fn an_alias_naming_another_pages_url_is_ignored_with_a_warning() {
    let site = TempSite::new();
    site.file(
        "content/a.md",
        "+++\ntitle = \"A\"\naliases = [\"/b/\", \"/a/\"]\n+++\nPage A.\n",
    );
    site.file("content/b.md", "+++\ntitle = \"B\"\n+++\nPage B.\n");
    let report = site.build();
    assert!(report.success, "{:?}", errors(&report));
    assert_eq!(
        warnings(&report),
        ["content/a.md:3:12: warning: alias `/b/` is the URL of content/b.md (ignored)"]
    );
    assert!(
        read(&site, "b/index.html").contains("Page B."),
        "the page wins over the redirect"
    );
}

#[test]
fn an_output_path_escaping_the_output_folder_names_the_markdown() {
    let site = TempSite::new();
    site.file(
        "content/a.md",
        "---\ntitle: A\naliases:\n  - /fine/\n  - ../../etc/x\n---\n",
    );
    site.file("content/b.md", "+++\ntitle = \"B\"\nslug = \"..\"\n+++\n");
    let errors = errors(&site.build());
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0]
            .starts_with("content/a.md:5:5: error: alias `../../etc/x` would be written outside"),
        "{errors:?}"
    );
    assert!(
        errors[1].starts_with("content/b.md: error: URL `/../` would be written outside"),
        "{errors:?}"
    );
}

#[test]
fn definition_lists_render_as_dl() {
    let site = TempSite::new();
    site.file("content/a.md", "# A\n\nTerm\n: The definition.\n");
    assert!(site.build().success);
    let html = read(&site, "a/index.html");
    assert!(
        html.contains("<dl>\n<dt>Term</dt>\n<dd>The definition.</dd>"),
        "{html}"
    );
}

#[test]
fn every_link_in_the_output_is_checked_and_reported_at_its_markdown_line() {
    let site = TempSite::new();
    site.file("docgen.toml", "base_url = \"https://docs.example.org/\"\n");
    site.file(
        "content/a.md",
        "# A\n\n[abs](/nope/) [html](nope.html) [dir](nope/)\n\n\
         [perma](https://docs.example.org/gone/) [ok](/) [ok2](https://docs.example.org/a/#a)\n\n\
         <a href=\"/raw-missing/\">raw</a> [ext](https://example.com/x) [mail](mailto:a@b.c)\n",
    );
    let report = site.build();
    assert_eq!(
        errors(&report),
        [
            "content/a.md:3:1: error: broken link `/nope/` in the output: no file `nope/` in the output",
            "content/a.md:3:15: error: broken link `nope.html` in the output: no file `a/nope.html` in the output",
            "content/a.md:3:33: error: broken link `nope/` in the output: no file `a/nope/` in the output",
            "content/a.md:5:1: error: broken link `https://docs.example.org/gone/` in the output: no file `gone/` in the output",
            "content/a.md:7:10: error: broken link `/raw-missing/` in the output: no file `raw-missing/` in the output",
        ]
    );
    // --warn-links still downgrades them all.
    let report = site.build_with(|o| o.warn_links = true);
    assert!(report.success);
    assert_eq!(warnings(&report).len(), 5);
}

#[test]
fn anchors_defined_by_raw_html_and_definition_terms_are_found() {
    let site = TempSite::new();
    site.file(
        "content/a.md",
        "# A\n\n<a id=\"raw\"></a>\n\n<dl><dt id=\"term\">Term</dt><dd>D</dd></dl>\n\n\
         [r](#raw) [t](b.md#term2) [missing](#nowhere)\n",
    );
    site.file("content/b.md", "# B\n\n<dt id=\"term2\">x</dt>\n");
    let errors = errors(&site.build());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("content/a.md:7:"), "{errors:?}");
    assert!(errors[0].contains("#nowhere"), "{errors:?}");
}

#[test]
fn a_broken_link_from_a_template_names_the_template_and_the_pages() {
    let site = TempSite::new();
    site.file(
        "content/a.md",
        "+++\ntemplate = \"custom.html\"\n+++\n# A\n",
    );
    site.file(
        "content/b.md",
        "+++\ntemplate = \"custom.html\"\n+++\n# B\n",
    );
    site.file(
        "theme/templates/custom.html",
        "<html><body>{{ page.content | safe }}<a href=\"/missing-from-template/\">x</a></body></html>",
    );
    let errors = errors(&site.build());
    assert_eq!(
        errors,
        [
            "theme/templates/custom.html: error: broken link `/missing-from-template/` in the output of template `custom.html` for content/a.md and 1 more: no file `missing-from-template/` in the output"
        ]
    );
}

#[test]
fn a_site_under_a_sub_path_links_inside_it() {
    let site = TempSite::new();
    site.file("docgen.toml", "base_url = \"https://example.org/docs/\"\n");
    site.file("content/guide/_index.md", "# Guide\n");
    site.file("content/guide/a.md", "# A\n\n[b](b.md) ![img](pic.png)\n");
    site.file("content/guide/b.md", "# B\n\n[home](../_index.md)\n");
    site.bytes("content/guide/pic.png", b"png");
    let report = site.build();
    // The output check resolves every absolute link against `/docs/`: none may fall outside it.
    assert!(report.success, "{:?}", errors(&report));
    let a = read(&site, "guide/a/index.html");
    assert!(a.contains("href=\"/docs/guide/b/\""), "{a}");
    assert!(a.contains("src=\"/docs/guide/pic.png\""), "{a}");
    assert!(!a.contains("href=\"/guide/"), "{a}");
    assert!(read(&site, "404.html").contains("href=\"/docs/guide/\""));
}
