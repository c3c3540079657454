//! Turn a tutorial's parsed code blocks into the steps the harness runs, in document order, by asking
//! each entry of `kinds::KINDS` in turn; a block no kind accepts is prose and is not run.
//! Input: `CodeBlock`s with their source positions; output: steps plus problems. Pure: no I/O.

use super::kinds::skipped::SkippedBlock;
use super::kinds::{KINDS, Step};
use crate::diagnostics::Diagnostic;
use crate::model::CodeBlock;

/// Steps of one tutorial, or problems with its blocks (a bare `ignore`, a path leaving the sandbox...).
pub fn extract_steps(blocks: &[CodeBlock]) -> (Vec<Box<dyn Step>>, Vec<Diagnostic>) {
    let mut steps = Vec::new();
    let mut problems = Vec::new();
    for block in blocks {
        let Some(kind) = KINDS.iter().find(|k| (k.accepts)(block)) else {
            continue;
        };
        let step = match block.attribute("ignore") {
            Some(reason) => skipped(block, reason),
            None => (kind.parse)(block),
        };
        match step {
            Ok(step) => steps.push(step),
            Err(d) => problems.push(d),
        }
    }
    (steps, problems)
}

/// `ignore="reason"` skips a block of any kind; a bare `ignore` is an error, since nobody fixes a block
/// skipped without a reason.
fn skipped(block: &CodeBlock, reason: &str) -> Result<Box<dyn Step>, Diagnostic> {
    if reason.trim().is_empty() {
        return Err(Diagnostic::error(
            &block.pos.path,
            block.pos.line,
            block.pos.col,
            "`ignore` needs a reason, e.g. ignore=\"needs network\"",
        )
        .with_hint("a bare `ignore` hides a broken block; say why it cannot run"));
    }
    Ok(Box::new(SkippedBlock {
        pos: block.pos.clone(),
        reason: reason.to_owned(),
    }))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::SourcePos;

    /// A code block at `tutorials/t.md:10` whose code starts on line 11.
    pub(crate) fn block(lang: &str, attrs: &[(&str, Option<&str>)], code: &str) -> CodeBlock {
        CodeBlock {
            lang: lang.into(),
            attributes: attrs
                .iter()
                .map(|(k, v)| ((*k).into(), v.map(Into::into)))
                .collect(),
            code: code.into(),
            pos: SourcePos {
                path: "tutorials/t.md".into(),
                line: 10,
                col: 1,
            },
            code_start_line: 11,
            included_from: None,
        }
    }

    #[test]
    fn bare_ignore_is_an_error_and_a_reason_skips() {
        let (_, problems) = extract_steps(&[block("console", &[("ignore", None)], "$ x\n")]);
        assert_eq!(
            problems[0].to_string(),
            "tutorials/t.md:10:1: error: `ignore` needs a reason, e.g. ignore=\"needs network\""
        );
        let (steps, problems) = extract_steps(&[block(
            "console",
            &[("ignore", Some("needs network"))],
            "$ x\n",
        )]);
        assert!(problems.is_empty());
        let skipped = steps[0].as_any().downcast_ref::<SkippedBlock>().unwrap();
        assert_eq!(skipped.reason, "needs network");
    }

    #[test]
    fn each_kind_is_found_through_the_table() {
        let (steps, problems) = extract_steps(&[
            block("console", &[], "$ true\n"),
            block("toml", &[("file", Some("a.toml"))], "a = 1\n"),
            block("rust", &[], "fn main() {}\n"),
            block("perf", &[], "command = \"true\"\nruns = 1\np95 < \"1s\"\n"),
        ]);
        assert!(problems.is_empty(), "{problems:?}");
        let kinds: Vec<bool> = vec![
            steps[0]
                .as_any()
                .is::<crate::doctest::kinds::console::ConsoleBlock>(),
            steps[1]
                .as_any()
                .is::<crate::doctest::kinds::file::FileBlock>(),
            steps[2]
                .as_any()
                .is::<crate::doctest::kinds::rust::RustBlock>(),
            steps[3]
                .as_any()
                .is::<crate::doctest::kinds::perf::PerfClaim>(),
        ];
        assert_eq!(kinds, [true; 4]);
    }

    #[test]
    fn other_languages_are_not_steps() {
        let (steps, problems) = extract_steps(&[block("toml", &[], "a = 1\n")]);
        assert!(steps.is_empty() && problems.is_empty());
    }
}
