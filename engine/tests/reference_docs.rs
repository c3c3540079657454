//! The `console` examples of the ax reference pages (`content/reference/ax/*.md`) are run against the
//! `router-rs` tutorial fixture and must print what the page shows (`[..]` matches any text in a
//! line), so the reference cannot drift from the binary.

mod common;

use std::path::Path;

use assert_cmd::Command;

use common::console_examples::{
    assert_example_prints_what_the_page_shows, console_examples, line_matches,
};

#[test]
fn reference_console_examples_match_the_binary() {
    let pages = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/reference/ax");
    let mut page_paths: Vec<_> = std::fs::read_dir(&pages)
        .expect("the reference folder exists")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "md"))
        .collect();
    page_paths.sort();
    let mut checked = 0;
    for page in page_paths {
        let project = common::copy_fixture("router-rs");
        let root = project.path();
        let index_first = Command::cargo_bin("ax")
            .expect("binary")
            .current_dir(root)
            .arg("index")
            .output();
        assert!(index_first.expect("run ax index").status.success());
        for example in console_examples(&page) {
            if example.args.first().map(String::as_str) == Some("index") {
                // Index examples show a run from scratch.
                std::fs::remove_dir_all(root.join(".ax")).expect("remove .ax");
            }
            assert_example_prints_what_the_page_shows(root, &example);
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} console examples found");
}

#[test]
fn wildcard_matching_is_anchored() {
    assert!(line_matches("a [..] c", "a bbb c"));
    assert!(line_matches("[..] KiB)", "18 KiB)"));
    assert!(!line_matches("a [..] c", "a bbb d"));
    assert!(!line_matches("exact", "exact but longer"));
}
