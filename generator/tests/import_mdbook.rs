//! `docgen import mdbook` on a fixture book with SUMMARY nesting, parts, prefix/suffix and draft
//! chapters, includes with anchors and ranges, and `.html` links: the produced tree and config
//! (snapshot), the notes on what was not converted, a build of the result with no errors and no dead
//! links, its rust blocks run by `docgen test`, and the CLI end to end.

mod common;

use assert_cmd::cargo::CommandCargoExt;
use common::fixture;
use docgen::build::{BuildOptions, build};
use docgen::doctest::{Outcome, TestOptions, report, run_tests};
use docgen::import::{ImportOptions, import_mdbook};
use std::path::Path;
use std::process::Command;

/// Every file under `dir`, sorted, each as `== path ==` and its text.
fn tree_text(dir: &Path) -> String {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().to_path_buf())
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let relative = f.strip_prefix(dir).unwrap_or(f);
            let text = std::fs::read_to_string(f).unwrap_or_else(|_| "<binary>".to_owned());
            format!("== {} ==\n{text}", relative.display())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn fixture_book_imports_with_order_nesting_titles_and_rewritten_links() {
    let out = tempfile::tempdir().expect("temp dir");
    let site = out.path().join("site");
    // Published at example.com/widgets/, the book links to API docs beside it (`../../api/...`).
    let options = ImportOptions {
        book_url: Some("https://example.com/widgets/".to_owned()),
        ..ImportOptions::default()
    };
    let report = import_mdbook(&fixture("mdbook"), &site, &options).expect("imports");
    assert_eq!(
        (report.chapters, report.drafts, report.parts),
        (6, 1, 2),
        "{report:?}"
    );
    assert_eq!(report.includes, 7, "{report:?}");
    insta::assert_snapshot!("imported_tree", tree_text(&site));
    let notes: Vec<String> = report.notes.iter().map(|d| d.to_string()).collect();
    insta::assert_snapshot!("import_notes", notes.join("\n"));

    // The result builds with no error: every link (rewritten `.html` ones included) and every
    // include resolves.
    let built = build(&BuildOptions::new(&site));
    let problems: Vec<String> = built.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(built.success, "{problems:#?}");
    assert!(problems.is_empty(), "{problems:#?}");
    let html = std::fs::read_to_string(site.join("public/getting-started/install/index.html"))
        .expect("the install chapter is a section page");
    assert!(
        html.contains("<title>Install"),
        "the SUMMARY.md title is the page title"
    );
    // The included SUMMARY.md is part of the install chapter, not a page of its own.
    assert!(html.contains("contributors.md"), "{html}");
    assert!(!site.join("public/summary").exists());
    // The draft chapter is left out of the built site.
    assert!(
        !site
            .join("public/getting-started/install/on-macos")
            .exists()
    );
}

#[test]
fn imported_rust_blocks_run_under_docgen_test() {
    let out = tempfile::tempdir().expect("temp dir");
    let site = out.path().join("site");
    import_mdbook(&fixture("mdbook"), &site, &ImportOptions::default()).expect("imports");
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf();
    let config = std::fs::read_to_string(site.join("docgen.toml")).expect("docgen.toml");
    assert!(
        config.contains("[test.rust.dependencies.widget-support]\npath = \"support\"\n"),
        "the listings' dependency, pointing at the copied crate: {config}"
    );
    let mut options = TestOptions::new(&site);
    options.paths = vec![site.join("content")];
    // No `ax_binary` and no `ax_crate`: the imported docgen.toml's [test] says what the book needs.
    options.use_cache = false;
    options.rust_crate_dir = Some(workspace.join("target/docgen-rust-blocks-import"));
    options.rust_target_dir = Some(workspace.join("target/docgen-rust-blocks/target"));
    let run = run_tests(&options);
    let text = report::human(&run, false);
    assert!(run.success(), "{text}");
    let rust: Vec<(String, bool)> = run
        .tutorials
        .iter()
        .flat_map(|t| &t.blocks)
        .filter(|b| b.kind == "rust")
        .map(|b| {
            (
                format!("{}:{}", b.path.display(), b.line),
                matches!(b.outcome, Outcome::Passed),
            )
        })
        .collect();
    // The region, the whole program (rustdoc include, calling the support crate) and the playground
    // all compiled and ran.
    assert_eq!(rust.len(), 3, "{text}");
    assert!(rust.iter().all(|(_, passed)| *passed), "{text}");
}

#[test]
fn cli_imports_and_refuses_a_non_empty_folder() {
    let out = tempfile::tempdir().expect("temp dir");
    let site = out.path().join("site");
    let run = |extra: &[&str]| {
        Command::cargo_bin("docgen")
            .expect("docgen binary")
            .args(["import", "mdbook"])
            .arg(fixture("mdbook"))
            .arg("--out")
            .arg(&site)
            .args(extra)
            .output()
            .expect("run docgen import")
    };
    let first = run(&[]);
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "{stderr}");
    assert!(
        stderr.contains("imported 6 chapters (1 drafts, 2 parts)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("src/unlisted.md:1:1"),
        "notes name path:line: {stderr}"
    );
    // Links out of the book are kept without --book-url, each noted with the way to fix it.
    assert!(
        stderr.contains("src/install/linux.md:5:1")
            && stderr.contains("src/reference/config.md:11:1")
            && stderr.matches("pass --book-url").count() == 2,
        "{stderr}"
    );
    let again = run(&[]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
    assert!(run(&["--force"]).status.success());

    let bad = run(&["--force", "--book-url", "example.com/widgets/"]);
    assert_eq!(bad.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("error: --book-url: `example.com/widgets/` is not an absolute URL"),
        "{stderr}"
    );

    // With the address the book was published at, the import builds without --warn-links.
    let published = run(&["--force", "--book-url", "https://example.com/widgets"]);
    let stderr = String::from_utf8_lossy(&published.stderr);
    assert!(published.status.success(), "{stderr}");
    assert!(!stderr.contains("--book-url"), "{stderr}");
    let linux = std::fs::read_to_string(site.join("content/getting-started/install/linux.md"))
        .expect("the Linux chapter");
    assert!(
        linux.contains("(https://example.com/api/widget/struct.Widget.html#method.new)"),
        "{linux}"
    );
    let build = Command::cargo_bin("docgen")
        .expect("docgen binary")
        .args(["build", "--root"])
        .arg(&site)
        .output()
        .expect("run docgen build");
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
}

#[test]
fn a_book_without_summary_is_an_error_naming_the_file() {
    let book = tempfile::tempdir().expect("temp dir");
    std::fs::write(book.path().join("book.toml"), "[book]\ntitle = \"x\"\n").expect("write");
    let err = import_mdbook(
        book.path(),
        &book.path().join("out"),
        &ImportOptions::default(),
    )
    .expect_err("no summary");
    assert!(
        err.to_string()
            .starts_with("src/SUMMARY.md: error: cannot read"),
        "{err}"
    );
    std::fs::write(book.path().join("book.toml"), "[book\n").expect("write");
    let err = import_mdbook(
        book.path(),
        &book.path().join("out"),
        &ImportOptions::default(),
    )
    .expect_err("bad toml");
    assert!(err.to_string().starts_with("book.toml:1:"), "{err}");
}
