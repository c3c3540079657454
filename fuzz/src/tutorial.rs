//! Targets for what `docgen test` reads out of a tutorial: `console` blocks (commands, expected output,
//! exit status), the trycmd-style output matcher, and `perf` claims.

use crate::input::{Bytes, check_diagnostic, text};
use docgen::doctest::extract::extract_steps;
use docgen::doctest::kinds::console::parse_block;
use docgen::doctest::kinds::perf::{parse_claim, parse_duration_ms};
use docgen::doctest::matcher::{Match, compare};
use docgen::model::{CodeBlock, SourcePos};
use std::path::Path;

/// Line of the opening fence in the pretend tutorial; the code starts on the next line.
const FENCE_LINE: usize = 10;

fn block(lang: &str, info_attributes: Vec<(String, Option<String>)>, code: String) -> CodeBlock {
    CodeBlock {
        lang: lang.into(),
        attributes: info_attributes,
        code,
        pos: SourcePos {
            path: "tutorials/t.md".into(),
            line: FENCE_LINE,
            col: 1,
        },
        code_start_line: FENCE_LINE + 1,
        included_from: None,
    }
}

/// The tutorial file the block came from: nine filler lines, the fence, the code, the closing fence.
fn tutorial_text(info: &str, code: &str) -> String {
    let mut file = "filler\n".repeat(FENCE_LINE - 1);
    file.push_str(&format!("```{info}\n{code}"));
    if !code.ends_with('\n') && !code.is_empty() {
        file.push('\n');
    }
    file.push_str("```\n");
    file
}

/// `console` blocks: every command and its expected-output range lie inside the block, in order,
/// and a problem points inside the file.
pub fn console_block(data: &[u8]) {
    let mut bytes = Bytes::new(data);
    let status = match bytes.below(4) {
        0 => None,
        1 => Some("1".to_owned()),
        2 => Some("-3".to_owned()),
        _ => Some(bytes.string(8)),
    };
    let code = text(bytes.rest());
    let attributes = status
        .clone()
        .map(|s| vec![("status".to_owned(), Some(s))])
        .unwrap_or_default();
    let info = match &status {
        Some(s) => format!("console status={s}"),
        None => "console".to_owned(),
    };
    let file = tutorial_text(&info, &code);
    let console = block("console", attributes, code.clone());
    // Through the harness's dispatch (as `docgen test` extracts it), then the console parse itself.
    let (_, problems) = extract_steps(std::slice::from_ref(&console));
    for problem in &problems {
        check_diagnostic(problem, &file);
    }
    let code_lines = code.lines().count();
    let first = FENCE_LINE + 1;
    let end = first + code_lines;
    let parsed = match parse_block(&console) {
        Ok(parsed) => parsed,
        Err(problem) => {
            check_diagnostic(&problem, &file);
            return;
        }
    };
    let mut previous_line = 0;
    for command in &parsed.commands {
        assert!(
            (first..end).contains(&command.line),
            "command line {} outside the block {first}..{end}",
            command.line
        );
        assert!(command.line > previous_line, "commands out of order");
        previous_line = command.line;
        let (from, to) = command.expected_lines;
        assert!(
            from <= to && from > command.line && to <= end,
            "expected output lines {from}..{to} outside the block after line {}",
            command.line
        );
    }
}

/// The matcher: text without wildcards or placeholders matches itself, and whatever `--bless` would
/// write for an actual output makes that output match (bless, then test, passes).
pub fn output_matcher(data: &[u8]) {
    let mut bytes = Bytes::new(data);
    let expected = bytes.string(512);
    let actual = text(bytes.rest());
    let cwd = Path::new("/sandbox-Ω/work");
    let root = Path::new("/sandbox-Ω");
    let _ = compare(&actual, &expected, cwd, root);
    if is_literal(&actual, cwd, root) {
        assert_eq!(
            compare(&actual, &actual, cwd, root),
            Match::Equal,
            "literal output {actual:?} does not match itself"
        );
    }
    if let Match::Differs {
        redacted_actual, ..
    } = compare(&actual, &expected, cwd, root)
    {
        assert_eq!(
            compare(&actual, &redacted_actual, cwd, root),
            Match::Equal,
            "after --bless, {actual:?} (blessed as {redacted_actual:?}) still fails"
        );
    }
}

/// No wildcard, placeholder or carriage return (the matcher normalises newlines of the actual side),
/// and not the sandbox's own paths: the matcher always writes those in the actual output as `[CWD]` /
/// `[ROOT]`, so an expected output that spells them out does not match (no author can know them).
fn is_literal(text: &str, cwd: &Path, root: &Path) -> bool {
    !text.contains('[')
        && !text.contains("...")
        && !text.contains('\r')
        && !text.contains(&*root.to_string_lossy())
        && !text.contains(&*cwd.to_string_lossy())
}

/// `perf` blocks: an accepted claim has a command, at least one run and finite, non-negative limits;
/// a rejected one points inside the file.
pub fn perf_block(data: &[u8]) {
    let code = text(data);
    let file = tutorial_text("perf", &code);
    match parse_claim(&block("perf", vec![], code.clone())) {
        Ok(claim) => {
            assert!(claim.runs >= 1, "a claim with no runs");
            assert!(!claim.limits.is_empty(), "a claim with no limits");
            for (metric, ms) in &claim.limits {
                assert!(ms.is_finite() && *ms >= 0.0, "{metric} limit {ms}");
            }
        }
        Err(problem) => check_diagnostic(&problem, &file),
    }
    for line in code.lines() {
        if let Some(ms) = parse_duration_ms(line) {
            assert!(ms.is_finite() && ms >= 0.0, "{line:?} parsed as {ms} ms");
        }
    }
}
