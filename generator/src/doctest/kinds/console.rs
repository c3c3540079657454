//! `console` blocks: parse `$ command` lines with the output the tutorial shows, run each command in
//! the sandbox and compare its output and exit status. Input: a `console` code block; output: one
//! result per command, with a bless edit when the output differs.

use super::{Kind, Step};
use crate::diagnostics::Diagnostic;
use crate::doctest::matcher::{Match, compare};
use crate::doctest::options::RunContext;
use crate::doctest::results::{BlessEdit, BlockResult, Outcome};
use crate::doctest::sandbox::Sandbox;
use crate::model::{CodeBlock, SourcePos};

pub const KIND: Kind = Kind {
    name: "console",
    accepts: |block| block.lang == "console",
    parse: |block| Ok(Box::new(parse_block(block)?)),
};

/// A `console` block.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsoleBlock {
    pub pos: SourcePos,
    pub commands: Vec<ConsoleCommand>,
    /// The file an `{{#include}}` put the block's text in from: `--bless` leaves such a block alone,
    /// since its lines are not the tutorial's.
    pub included_from: Option<std::path::PathBuf>,
}

/// `$ command` with the output the tutorial promises.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsoleCommand {
    /// The command as the shell gets it (continuation lines joined).
    pub command: String,
    /// Expected stdout+stderr, one string with `\n` line ends (wildcards `[..]`, `...` allowed).
    pub expected: String,
    /// Expected exit status (`? N` line or `status=N` in the info string); 0 by default.
    pub expected_status: i32,
    /// File line of the `$`.
    pub line: usize,
    /// File lines `[first, end)` holding the expected output, for `--bless`.
    pub expected_lines: (usize, usize),
}

/// Parse `$ command` lines, their expected output, `? N` status lines and `status=N`.
pub fn parse_block(block: &CodeBlock) -> Result<ConsoleBlock, Diagnostic> {
    let default_status = match block.attribute("status") {
        Some(s) => s.parse().map_err(|_| {
            Diagnostic::error(
                &block.pos.path,
                block.pos.line,
                block.pos.col,
                format!("status={s} is not an exit code"),
            )
        })?,
        None => 0,
    };
    let mut commands: Vec<ConsoleCommand> = Vec::new();
    let lines: Vec<&str> = block.code.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line_no = block.code_start_line + i;
        let Some(first) = lines[i]
            .strip_prefix("$ ")
            .or_else(|| (lines[i] == "$").then_some(""))
        else {
            if commands.is_empty() {
                return Err(Diagnostic::error(
                    &block.pos.path,
                    line_no,
                    1,
                    "console output before the first `$ ` command",
                )
                .with_hint(
                    "start each command with `$ `; the lines after it are its expected output",
                ));
            }
            i += 1;
            continue;
        };
        let mut command = first.to_owned();
        // Keep `\` + newline: the shell joins the lines into one command, as in a terminal.
        while command.ends_with('\\') && i + 1 < lines.len() {
            command.push('\n');
            i += 1;
            command.push_str(lines[i]);
        }
        i += 1;
        let output_start = i;
        while i < lines.len() && !lines[i].starts_with("$ ") && lines[i] != "$" {
            i += 1;
        }
        let mut output: Vec<&str> = lines[output_start..i].to_vec();
        let mut expected_status = default_status;
        if let Some(pos) = output.iter().position(|l| l.starts_with("? ")) {
            let value = output[pos][2..].trim();
            expected_status = value.parse().map_err(|_| {
                Diagnostic::error(
                    &block.pos.path,
                    block.code_start_line + output_start + pos,
                    1,
                    format!("`? {value}` is not an exit code"),
                )
            })?;
            output.remove(pos);
        }
        let expected = output.iter().map(|l| format!("{l}\n")).collect();
        commands.push(ConsoleCommand {
            command,
            expected,
            expected_status,
            line: line_no,
            expected_lines: (
                block.code_start_line + output_start,
                block.code_start_line + i,
            ),
        });
    }
    if !commands.is_empty() && commands.iter().all(|c| only_wildcards(&c.expected)) {
        return Err(Diagnostic::error(
            &block.pos.path,
            block.pos.line,
            block.pos.col,
            "every expected output in this console block is a wildcard, so it checks nothing",
        )
        .with_hint("show at least one line a reader should see, e.g. `indexed [..] files`"));
    }
    Ok(ConsoleBlock {
        pos: block.pos.clone(),
        commands,
        included_from: block.included_from.clone(),
    })
}

/// True when expected output is present but made only of wildcards (`...`, `[..]`), so any output
/// matches. Empty expected output is a real check: the command must print nothing.
fn only_wildcards(expected: &str) -> bool {
    !expected.is_empty()
        && expected
            .lines()
            .all(|l| l.replace("[..]", "").trim().is_empty() || l.trim() == "...")
}

impl Step for ConsoleBlock {
    fn pos(&self) -> &SourcePos {
        &self.pos
    }

    fn run(&self, sandbox: &mut Sandbox, _context: &RunContext) -> Vec<BlockResult> {
        run_block(self, sandbox)
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Run the block's commands in order; a failed command does not stop the later ones.
fn run_block(block: &ConsoleBlock, sandbox: &mut Sandbox) -> Vec<BlockResult> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctest::extract::tests::block;

    #[test]
    fn console_commands_outputs_and_status() {
        let b = block(
            "console",
            &[],
            "$ ax index\nindexed 3 files\n$ ax def nope\n? 1\nerror: no symbol `nope`\n",
        );
        let c = parse_block(&b).unwrap();
        assert_eq!(c.commands.len(), 2);
        assert_eq!(
            (
                c.commands[0].command.as_str(),
                c.commands[0].expected.as_str(),
                c.commands[0].line
            ),
            ("ax index", "indexed 3 files\n", 11)
        );
        assert_eq!(
            (
                c.commands[1].expected_status,
                c.commands[1].expected.as_str()
            ),
            (1, "error: no symbol `nope`\n")
        );
        assert_eq!(c.commands[1].expected_lines, (14, 16));
    }

    #[test]
    fn trailing_backslash_continues_a_command() {
        let b = block("console", &[], "$ ax find parse \\\n    --limit 2\nout\n");
        let c = parse_block(&b).unwrap();
        assert_eq!(c.commands[0].command, "ax find parse \\\n    --limit 2");
        assert_eq!(c.commands[0].expected, "out\n");
    }

    #[test]
    fn output_before_a_command_is_an_error() {
        let err = parse_block(&block("console", &[], "stray\n$ x\n")).unwrap_err();
        assert_eq!(err.line, 11);
    }

    #[test]
    fn a_block_of_only_wildcards_is_an_error() {
        let err = parse_block(&block(
            "console",
            &[],
            "$ ax index\n...\n$ ax find x\n[..]\n",
        ))
        .unwrap_err();
        assert_eq!(
            (err.line, err.message.contains("checks nothing")),
            (10, true)
        );
        // One real line anywhere makes the block a check; so does expecting no output at all.
        assert!(parse_block(&block("console", &[], "$ a\n...\n$ b\nfound [..]\n")).is_ok());
        assert!(parse_block(&block("console", &[], "$ mkdir x\n")).is_ok());
    }
}
