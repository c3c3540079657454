//! The `console` examples of a reference page: read them (`$ ax ARGS` then the expected lines) and
//! match output lines against them (`[..]` stands for any text), for the tests that keep the
//! reference pages in step with the binary.

use std::path::Path;

/// One `$ ax ...` line of a page with the lines it should print.
pub struct Example {
    pub page: String,
    pub line: usize,
    pub args: Vec<String>,
    pub expected: Vec<String>,
}

pub fn console_examples(page: &Path) -> Vec<Example> {
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
pub fn line_matches(pattern: &str, actual: &str) -> bool {
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

/// Run `example` with the `ax` binary in `root` and assert its stdout matches the page, naming the
/// page and line when it does not.
pub fn assert_example_prints_what_the_page_shows(root: &Path, example: &Example) {
    let output = assert_cmd::Command::cargo_bin("ax")
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
}
