//! The `console` examples of the plugin reference pages (`content/reference/plugins/*.md`) run against
//! the `router-rs` tutorial fixture with the catalog plugins of `plugins/` enabled, and must print
//! what the page shows (`[..]` matches any text in a line). Each page gets a fresh project, and its
//! examples run in order, so a page may create a plugin and then use it.

mod common;

use std::path::Path;

use assert_cmd::Command;

struct Example {
    page: String,
    line: usize,
    args: Vec<String>,
    expected: Vec<String>,
}

/// The same reading of `console` blocks as `reference_docs.rs` (the ax pages' test), kept beside it
/// rather than shared because each test file is its own crate.
fn console_examples(page: &Path) -> Vec<Example> {
    let text = std::fs::read_to_string(page).expect("read a reference page");
    let name = page
        .file_name()
        .expect("file name")
        .to_string_lossy()
        .into_owned();
    let mut examples: Vec<Example> = Vec::new();
    let mut in_console = false;
    for (index, line) in text.lines().enumerate() {
        if line.starts_with("```") {
            in_console = !in_console && line == "```console";
            continue;
        }
        if !in_console {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            let mut words = command.split_whitespace().map(str::to_owned);
            assert_eq!(
                words.next().as_deref(),
                Some("ax"),
                "{name}:{}: only ax commands",
                index + 1
            );
            examples.push(Example {
                page: name.clone(),
                line: index + 1,
                args: words.collect(),
                expected: Vec::new(),
            });
        } else if let Some(example) = examples.last_mut() {
            example.expected.push(line.to_owned());
        }
    }
    examples
}

/// Whether `actual` matches `pattern`, where each `[..]` stands for any text.
fn line_matches(pattern: &str, actual: &str) -> bool {
    let parts: Vec<&str> = pattern.split("[..]").collect();
    if parts.len() == 1 {
        return pattern == actual;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !actual.starts_with(first) || !actual[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &actual[first.len()..actual.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

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
            let output = Command::cargo_bin("ax")
                .expect("binary")
                .current_dir(root)
                .env("NO_COLOR", "1")
                .args(&example.args)
                .output()
                .expect("run ax");
            let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
            let actual: Vec<&str> = stdout.lines().collect();
            let matches = actual.len() == example.expected.len()
                && actual
                    .iter()
                    .zip(&example.expected)
                    .all(|(actual, pattern)| line_matches(pattern, actual));
            assert!(
                matches,
                "{}:{}: `ax {}` printed\n{stdout}\nbut the page shows\n{}",
                example.page,
                example.line,
                example.args.join(" "),
                example.expected.join("\n")
            );
            checked += 1;
        }
    }
    assert!(checked >= 6, "only {checked} console examples found");
}
