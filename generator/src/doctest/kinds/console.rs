//! `console` blocks: run each `$ command` in the sandbox and compare its output and exit status with
//! what the tutorial shows. Input: a `ConsoleBlock`; output: one result per command, with a bless edit
//! when the output differs.

use crate::doctest::extract::ConsoleBlock;
use crate::doctest::matcher::{Match, compare};
use crate::doctest::sandbox::Sandbox;
use crate::doctest::{BlessEdit, BlockResult, Outcome};
use crate::model::SourcePos;

/// Run the block's commands in order; a failed command does not stop the later ones.
pub fn run(block: &ConsoleBlock, sandbox: &mut Sandbox) -> Vec<BlockResult> {
    let mut results = Vec::new();
    for command in &block.commands {
        let pos = SourcePos {
            path: block.pos.path.clone(),
            line: command.line,
            col: 1,
        };
        let name = command.command.clone();
        if let Some(cd) = sandbox.try_cd(&command.command) {
            let outcome = match cd {
                Ok(()) => Outcome::Passed,
                Err(e) => Outcome::failed(e),
            };
            results.push(BlockResult::new(&pos, "console", name, outcome));
            continue;
        }
        let output = match sandbox.run(&command.command) {
            Ok(o) => o,
            Err(e) => {
                results.push(BlockResult::new(
                    &pos,
                    "console",
                    name,
                    Outcome::failed(format!("cannot start `sh`: {e}")),
                ));
                continue;
            }
        };
        let mut problems = Vec::new();
        if output.timed_out {
            problems.push(format!(
                "timed out after {} ms; the command's process group was killed",
                sandbox.timeout.as_millis()
            ));
        } else if output.status != Some(command.expected_status) {
            let got = output
                .status
                .map_or("a signal".to_owned(), |s| format!("exit status {s}"));
            problems.push(format!(
                "expected exit status {}, got {got}",
                command.expected_status
            ));
        }
        let mut diff = None;
        // What `--bless` writes: the actual output (redacted) when it differs, else the expected text
        // as written (keeping its wildcards), preceded by `? N` for a non-zero status.
        let mut blessed_output = command.expected.clone();
        if let Match::Differs {
            diff: d,
            redacted_actual,
        } = compare(
            &output.output,
            &command.expected,
            sandbox.cwd(),
            sandbox.root(),
        ) {
            problems.push("output differs".to_owned());
            diff = Some(d);
            blessed_output = redacted_actual;
        }
        if let Some(file) = &block.included_from
            && !problems.is_empty()
        {
            problems.push(format!(
                "the block's text comes from `{}`: --bless does not rewrite included files, edit it there",
                file.display()
            ));
        }
        let blessable = block.included_from.is_none();
        let bless = (blessable && !problems.is_empty() && !output.timed_out).then(|| {
            let status_line = match output.status {
                Some(0) | None => String::new(),
                Some(status) => format!("? {status}\n"),
            };
            BlessEdit {
                path: block.pos.path.clone(),
                lines: command.expected_lines,
                replacement: format!("{status_line}{blessed_output}"),
            }
        });
        let outcome = if problems.is_empty() {
            Outcome::Passed
        } else {
            Outcome::Failed {
                message: format!("`{}`: {}", command.command, problems.join("; ")),
                diff,
            }
        };
        let mut result = BlockResult::new(&pos, "console", name, outcome);
        result.bless = bless;
        results.push(result);
    }
    results
}
