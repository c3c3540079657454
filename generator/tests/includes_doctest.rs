//! Included code is what runs: in a tutorial, a `file=PATH` block whose body is an `{{#include}}`
//! writes the included text into the sandbox, a rust block whose body is a `{{#rustdoc_include}}`
//! compiles the whole file, the cache key covers included files, and `--bless` never writes included
//! text back into the markdown.

mod common;

use common::TempSite;
use docgen::build::{BuildOptions, build_in_memory};
use docgen::doctest::extract::extract_steps;
use docgen::doctest::kinds::rust::RustBlock;
use docgen::doctest::{Outcome, TestOptions, TestRun, report, run_tests};
use docgen::parse::{ParseOptions, page_by_source, parse_page};
use std::path::PathBuf;

fn options(site: &TempSite) -> TestOptions {
    let mut options = TestOptions::new(site.root());
    // PATH needs an `ax` folder; these tutorials only call shell built-ins and coreutils.
    options.ax_binary = Some(PathBuf::from("/bin/sh"));
    options.timeout = std::time::Duration::from_secs(5);
    options
}

fn messages(run: &TestRun) -> Vec<String> {
    run.tutorials
        .iter()
        .flat_map(|t| &t.blocks)
        .filter_map(|b| match &b.outcome {
            Outcome::Failed { message, .. } => {
                Some(format!("{}:{}: {message}", b.path.display(), b.line))
            }
            _ => None,
        })
        .collect()
}

const PLUGIN: &str = "\
local M = {}
-- ANCHOR: hooks
function M.on_index(file)
  return {}
end
-- ANCHOR_END: hooks
return M
";

const TUTORIAL: &str = "+++\ntitle = \"T\"\n+++\n\nThe hook:\n\n```lua file=init.lua\n{{#include fixtures/demo/init.lua}}\n```\n\n```console\n$ grep -c on_index init.lua\n1\n$ wc -l < init.lua\n7\n```\n";

#[test]
fn a_file_block_whose_body_is_an_include_writes_the_included_file() {
    let site = TempSite::new();
    site.file("tutorials/fixtures/demo/init.lua", PLUGIN);
    site.file("tutorials/t.md", TUTORIAL);
    let run = run_tests(&options(&site));
    assert!(run.success(), "{}", report::human(&run, false));
    assert_eq!(run.counts(), (3, 0, 0));

    // The included file changes: the cache misses and the new text is what runs (and fails).
    site.file(
        "tutorials/fixtures/demo/init.lua",
        &PLUGIN.replace("return M\n", ""),
    );
    let run = run_tests(&options(&site));
    assert!(
        !run.tutorials[0].cached,
        "the included file is in the cache key"
    );
    assert_eq!(
        messages(&run),
        // Line 14 of the markdown: the seven included lines do not shift the numbers.
        ["tutorials/t.md:14: `wc -l < init.lua`: output differs"]
    );
}

#[test]
fn an_anchored_include_writes_only_its_region() {
    let site = TempSite::new();
    site.file("tutorials/fixtures/demo/init.lua", PLUGIN);
    site.file(
        "tutorials/t.md",
        "+++\ntitle = \"T\"\n+++\n\n```lua file=hooks.lua\n{{#include fixtures/demo/init.lua:hooks}}\n```\n\n```console\n$ cat hooks.lua\nfunction M.on_index(file)\n  return {}\nend\n```\n",
    );
    let run = run_tests(&options(&site));
    assert!(run.success(), "{}", report::human(&run, false));
}

#[test]
fn a_rust_block_whose_body_is_a_rustdoc_include_compiles_the_whole_file() {
    let site = TempSite::new();
    site.file(
        "tutorials/fixtures/demo/main.rs",
        "use std::fmt::Write;\n// ANCHOR: shown\nfn main() {\n    let mut s = String::new();\n    write!(s, \"x\").unwrap();\n}\n// ANCHOR_END: shown\n",
    );
    site.file(
        "tutorials/r.md",
        "+++\ntitle = \"R\"\n+++\n\n```rust\n{{#rustdoc_include fixtures/demo/main.rs:shown}}\n```\n",
    );
    let (built, diagnostics) = build_in_memory(&BuildOptions::new(site.root()));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let built = built.expect("builds");
    let tree = &built.sources.tree;
    let index = tree
        .pages
        .iter()
        .position(|p| p.source_path.as_path() == std::path::Path::new("tutorials/r.md"))
        .expect("tutorial loaded");
    let (parsed, _) = parse_page(tree, index, &page_by_source(tree), ParseOptions::default());
    let (steps, problems) = extract_steps(&parsed.code_blocks);
    assert!(problems.is_empty(), "{problems:?}");
    let [step] = steps.as_slice() else {
        panic!("one step: {steps:?}")
    };
    let block = step
        .as_any()
        .downcast_ref::<RustBlock>()
        .expect("a rust step");
    // Compiled: the whole file (hidden lines unhidden), markers dropped.
    assert_eq!(
        block.code,
        "use std::fmt::Write;\nfn main() {\n    let mut s = String::new();\n    write!(s, \"x\").unwrap();\n}"
    );
    // Shown: only the region; the hidden `use` line is not on the page.
    let html = String::from_utf8_lossy(
        &built
            .files
            .iter()
            .find(|f| f.path == "tutorials/r/index.html")
            .expect("page written")
            .bytes,
    )
    .into_owned();
    assert!(html.contains("String") && !html.contains("fmt"), "{html}");
}

#[test]
fn bless_never_writes_included_text_into_the_markdown() {
    let site = TempSite::new();
    site.file("tutorials/fixtures/demo/expected.txt", "old output");
    let tutorial = "+++\ntitle = \"T\"\n+++\n\n```console\n$ echo new output\n{{#include fixtures/demo/expected.txt}}\n```\n\n```console\n$ echo mine\nnot mine\n```\n";
    site.file("tutorials/t.md", tutorial);
    let mut options = options(&site);
    options.bless = true;
    let run = run_tests(&options);
    let failures = messages(&run);
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert!(
        failures[0].contains("comes from `tutorials/fixtures/demo/expected.txt`"),
        "{failures:?}"
    );
    // Only the tutorial's own block is rewritten; the included file and its directive stay.
    assert_eq!(docgen::doctest::bless::apply(site.root(), &run).unwrap(), 1);
    let blessed = std::fs::read_to_string(site.root().join("tutorials/t.md")).unwrap();
    assert_eq!(blessed, tutorial.replace("not mine\n", "mine\n"));
    assert_eq!(
        std::fs::read_to_string(site.root().join("tutorials/fixtures/demo/expected.txt")).unwrap(),
        "old output"
    );
}
