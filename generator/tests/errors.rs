//! Every kind of bad input gives a clear error with the `path:line:col` that caused it, never a panic,
//! and leaves the previous output untouched.

mod common;

use common::{TempSite, errors};

/// Build once successfully, break the site with `break_it`, build again: the build must fail with
/// exactly `expected` errors and the first output must still be there, unchanged.
fn assert_fails_keeping_output(
    site: &TempSite,
    break_it: impl FnOnce(&TempSite),
    expected: &[&str],
) {
    assert!(
        site.build().success,
        "the site must build before it is broken"
    );
    let before =
        std::fs::read(site.out().join("index.html")).expect("first build wrote index.html");
    break_it(site);
    let report = site.build();
    assert!(!report.success);
    assert_eq!(errors(&report), expected);
    assert_eq!(
        std::fs::read(site.out().join("index.html")).unwrap(),
        before,
        "public/ must stay untouched"
    );
    let stray: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("staging"))
        .collect();
    assert!(stray.is_empty(), "no staging folder may be left behind");
}

#[test]
fn bad_toml_front_matter_names_the_line() {
    let site = TempSite::new();
    assert_fails_keeping_output(
        &site,
        |s| {
            s.file(
                "content/a.md",
                "+++\ntitle = \"A\"\nweight = \"heavy\n+++\nbody\n",
            );
        },
        &[
            "content/a.md:3:16: error: invalid TOML front matter: invalid basic string, expected `\"`",
        ],
    );
}

#[test]
fn bad_yaml_front_matter_names_the_line() {
    let site = TempSite::new();
    site.file("content/a.md", "---\ntitle: A\nweight: [1, 2\n---\nbody\n");
    let report = site.build();
    let errors = errors(&report);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("content/a.md:") && errors[0].contains("invalid YAML front matter"),
        "{errors:?}"
    );
    assert!(
        report.diagnostics[0].source_line.is_some(),
        "the snippet shows the source line"
    );
}

#[test]
fn unclosed_front_matter_is_an_error() {
    let site = TempSite::new();
    site.file("content/a.md", "+++\ntitle = \"A\"\n");
    assert_eq!(
        errors(&site.build()),
        ["content/a.md:1:1: error: front matter opened with `+++` is never closed"]
    );
}

#[test]
fn invalid_date_names_the_line() {
    let site = TempSite::new();
    site.file("content/a.md", "+++\ntitle = \"A\"\ndate = \"soon\"\n+++\n");
    assert_eq!(
        errors(&site.build()),
        ["content/a.md:3:1: error: `date` is not a date: `soon`"]
    );
}

#[test]
fn unknown_template_variable_names_the_template_line() {
    let site = TempSite::new();
    assert_fails_keeping_output(
        &site,
        |s| {
            s.file("theme/templates/index.html", "{% extends \"base.html\" %}\n{% block content %}\n<p>{{ page.subtitle }}</p>\n{% endblock content %}\n");
        },
        &[
            "theme/templates/index.html:3:7: error: template error: Variable `page.subtitle` not found in context while rendering 'index.html'",
        ],
    );
}

#[test]
fn template_syntax_error_names_the_template_line() {
    let site = TempSite::new();
    site.file("theme/templates/page.html", "<p>\n{% if %}\n");
    let report = site.build();
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.is_error())
        .expect("an error");
    assert_eq!(
        (d.path.to_str().unwrap(), d.line),
        ("theme/templates/page.html", 2),
        "{d}"
    );
}

#[test]
fn missing_template_names_the_front_matter_line() {
    let site = TempSite::new();
    site.file(
        "content/a.md",
        "+++\ntitle = \"A\"\ntemplate = \"landing.html\"\n+++\n",
    );
    let report = site.build();
    assert_eq!(
        errors(&report),
        ["content/a.md:3:1: error: template `landing.html` does not exist"]
    );
}

#[test]
fn file_that_is_not_utf8_is_reported_not_a_panic() {
    let site = TempSite::new();
    site.bytes(
        "content/bad.md",
        b"+++\ntitle = \"x\"\n+++\nok\n\xff\xfe bad\n",
    );
    assert_eq!(
        errors(&site.build()),
        ["content/bad.md:5:1: error: file is not valid UTF-8"]
    );
}

#[test]
fn dangling_symlink_is_skipped_not_a_panic() {
    let site = TempSite::new();
    // Emacs' lock files (`.#x.md`) are dangling symlinks; so are pages whose target moved away.
    std::os::unix::fs::symlink(
        site.root().join("nowhere.md"),
        site.root().join("content/gone.md"),
    )
    .unwrap();
    let report = site.build();
    assert!(report.success, "{:?}", errors(&report));
    assert!(!site.out().join("gone/index.html").exists());
}

#[test]
fn broken_link_names_line_and_column() {
    let site = TempSite::new();
    assert_fails_keeping_output(
        &site,
        |s| {
            s.file(
                "content/a.md",
                "+++\ntitle = \"A\"\n+++\n\nIntro.\n\nSee [the guide](guide.md) now.\n",
            );
        },
        &[
            "content/a.md:7:5: error: broken link `guide.md`: content/guide.md is not a page of the site",
        ],
    );
}

#[test]
fn broken_anchor_names_line_and_column() {
    let site = TempSite::new();
    site.file(
        "content/a.md",
        "# A\n\n## Usage\n\n[ok](#usage) and [bad](b.md#nope)\n",
    );
    site.file("content/b.md", "# B\n\n## Real\n");
    assert_eq!(
        errors(&site.build()),
        [
            "content/a.md:5:18: error: broken anchor `#nope` in link `b.md#nope`: content/b.md has no such heading"
        ]
    );
}

#[test]
fn warn_links_downgrades_broken_links_to_warnings() {
    let site = TempSite::new();
    site.file("content/a.md", "[x](missing.md) [y](#nowhere)\n");
    let report = site.build_with(|o| o.warn_links = true);
    assert!(report.success);
    assert_eq!(report.diagnostics.len(), 2, "{:?}", report.diagnostics);
    assert!(report.diagnostics.iter().all(|d| !d.is_error()));
}

#[test]
fn bad_docgen_toml_names_the_line() {
    let site = TempSite::new();
    site.file("docgen.toml", "title = \"x\"\nbase_url = 42\n");
    let errors = errors(&site.build());
    assert_eq!(errors.len(), 1);
    assert!(errors[0].starts_with("docgen.toml:2:"), "{errors:?}");
}

#[test]
fn unknown_keys_are_warnings_with_lines() {
    let site = TempSite::new();
    site.file("docgen.toml", "title = \"x\"\ncolour = \"red\"\n");
    site.file("content/a.md", "+++\ntitle = \"A\"\nauthor = \"me\"\n+++\n");
    let report = site.build();
    assert!(report.success);
    let warnings: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        warnings,
        [
            "content/a.md:3:1: warning: unknown front matter key `author` (ignored)",
            "docgen.toml:2:1: warning: unknown key `colour` in docgen.toml (ignored)"
        ]
    );
}

#[test]
fn duplicate_urls_are_an_error() {
    let site = TempSite::new();
    site.file("content/a.md", "+++\ntitle = \"A\"\nslug = \"same\"\n+++\n");
    site.file("content/b.md", "+++\ntitle = \"B\"\nslug = \"same\"\n+++\n");
    assert_eq!(
        errors(&site.build()),
        ["content/b.md:1:1: error: URL `/same/` is also used by content/a.md"]
    );
}

#[test]
fn missing_content_folder_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let report = docgen::build::build(&docgen::build::BuildOptions::new(dir.path()));
    assert_eq!(
        errors(&report),
        ["content: error: the site has no `content/` folder"]
    );
}

#[test]
fn missing_image_names_line_and_column() {
    let site = TempSite::new();
    site.file(
        "content/guide/a.md",
        "# A\n\nSee ![the diagram](diagram.png).\n",
    );
    assert_eq!(
        errors(&site.build()),
        [
            "content/guide/a.md:3:5: error: broken link `diagram.png`: content/guide/diagram.png does not exist"
        ]
    );
}
