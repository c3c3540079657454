//! The `console` examples of the plugin reference pages (`content/reference/plugins/*.md`) run against
//! the `router-rs` tutorial fixture with the catalog plugins of `plugins/` enabled, and must print
//! what the page shows (`[..]` matches any text in a line). Each page gets a fresh project, and its
//! examples run in order, so a page may create a plugin and then use it.

mod common;

use std::path::Path;

use assert_cmd::Command;

use common::console_examples::{assert_example_prints_what_the_page_shows, console_examples};

/// Copy a folder tree (the catalog plugins into each page's fresh project).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a folder");
    for entry in std::fs::read_dir(from).expect("read a folder") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("file name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy a file");
        }
    }
}

#[test]
fn plugin_reference_console_examples_match_the_binary() {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pages: Vec<_> = std::fs::read_dir(manifest_dir.join("../content/reference/plugins"))
        .expect("the plugin reference folder exists")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "md"))
        .collect();
    pages.sort();
    let mut checked = 0;
    for page in pages {
        let examples = console_examples(&page);
        if examples.is_empty() {
            continue;
        }
        let project = common::copy_fixture("router-rs");
        let root = project.path();
        copy_dir(&manifest_dir.join("../plugins"), &root.join("plugins"));
        std::fs::write(root.join("ax.toml"), "[plugins]\ndir = \"plugins\"\n")
            .expect("write ax.toml");
        let index = Command::cargo_bin("ax")
            .expect("binary")
            .current_dir(root)
            .arg("index")
            .output();
        assert!(index.expect("run ax index").status.success());
        for example in examples {
            assert_example_prints_what_the_page_shows(root, &example);
            checked += 1;
        }
    }
    assert!(checked >= 6, "only {checked} console examples found");
}
