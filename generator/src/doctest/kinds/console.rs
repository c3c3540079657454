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
    /// `$ command &`: started in the background; `expected` is what it must print before the
    /// tutorial goes on (its readiness), and it is stopped when the tutorial ends.
    pub background: bool,
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
        let background = command.trim_end().ends_with('&') && !command.trim_end().ends_with("&&");
        if background {
            command = command
                .trim_end()
                .trim_end_matches('&')
                .trim_end()
                .to_owned();
        }
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
            background,
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
        if command.background {
            results.push(run_background(command, sandbox, &pos));
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

/// How often a background command's output is read while waiting for it to be ready.
const READY_POLL: std::time::Duration = std::time::Duration::from_millis(20);

/// Start a `$ command &` and wait until what it printed so far starts with the expected lines
/// (wildcards allowed), it exits, or the command timeout passes; the last two fail the step and
/// stop the process.
fn run_background(command: &ConsoleCommand, sandbox: &mut Sandbox, pos: &SourcePos) -> BlockResult {
    let name = format!("{} &", command.command);
    let number = match sandbox.spawn_background(&command.command) {
        Ok(number) => number,
        Err(e) => {
            return BlockResult::new(
                pos,
                "console",
                name,
                Outcome::failed(format!("cannot start `sh`: {e}")),
            );
        }
    };
    if command.expected.is_empty() {
        return BlockResult::new(pos, "console", name, Outcome::Passed);
    }
    let ready = format!("{}...\n", command.expected);
    let deadline = std::time::Instant::now() + sandbox.timeout;
    loop {
        let (printed, exited) = match sandbox.background_output(number) {
            Ok(state) => state,
            Err(e) => {
                return BlockResult::new(pos, "console", name, Outcome::failed(e.to_string()));
            }
        };
        let diff = match compare(&printed, &ready, sandbox.cwd(), sandbox.root()) {
            Match::Equal => return BlockResult::new(pos, "console", name, Outcome::Passed),
            Match::Differs { diff, .. } => diff,
        };
        let why = match exited {
            Some(status) => Some(format!(
                "exited ({}) before printing what the tutorial shows",
                status.map_or("a signal".to_owned(), |s| format!("exit status {s}"))
            )),
            None if std::time::Instant::now() >= deadline => Some(format!(
                "did not print what the tutorial shows within {} ms; its process group was killed",
                sandbox.timeout.as_millis()
            )),
            None => None,
        };
        if let Some(why) = why {
            sandbox.stop_backgrounds();
            let message = format!("`{}`: {why}", command.command);
            return BlockResult::new(
                pos,
                "console",
                name,
                Outcome::Failed {
                    message,
                    diff: Some(diff),
                },
            );
        }
        std::thread::sleep(READY_POLL);
    }
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
    fn a_trailing_ampersand_starts_a_background_command() {
        let b = block(
            "console",
            &[],
            "$ ax plugin dev &\nwatching\n$ a && b\n$ c & \n",
        );
        let c = parse_block(&b).unwrap();
        let parsed: Vec<(&str, bool)> = c
            .commands
            .iter()
            .map(|c| (c.command.as_str(), c.background))
            .collect();
        assert_eq!(
            parsed,
            [("ax plugin dev", true), ("a && b", false), ("c", true)]
        );
        assert_eq!(c.commands[0].expected, "watching\n");
    }

    fn run_console(code: &str, timeout_ms: u64) -> Vec<BlockResult> {
        let mut sandbox = Sandbox::new(
            std::path::Path::new("/nonexistent/ax"),
            std::time::Duration::from_millis(timeout_ms),
        )
        .unwrap();
        run_block(
            &parse_block(&block("console", &[], code)).unwrap(),
            &mut sandbox,
        )
    }

    #[test]
    fn a_background_command_waits_for_its_ready_line_and_later_blocks_read_its_output() {
        let results = run_console(
            "$ sh -c 'sleep 0.2; echo starting; echo ready on port 8080; sleep 30' &\nstarting\nready on port [..]\n$ cat $TMPDIR/background-1.log\nstarting\nready on port 8080\n",
            10_000,
        );
        assert!(
            results.iter().all(|r| r.outcome == Outcome::Passed),
            "{results:#?}"
        );
    }

    #[test]
    fn a_background_command_that_exits_before_it_is_ready_fails_with_a_diff() {
        let results = run_console("$ sh -c 'echo crashed; exit 3' &\nready\n", 10_000);
        match &results[0].outcome {
            Outcome::Failed { message, diff } => {
                assert!(message.contains("exited (exit status 3)"), "{message}");
                assert!(
                    diff.as_deref().unwrap_or("").contains("crashed"),
                    "{diff:?}"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_background_command_that_never_gets_ready_times_out() {
        let results = run_console("$ sleep 30 &\nready\n", 300);
        match &results[0].outcome {
            Outcome::Failed { message, .. } => {
                assert!(message.contains("within 300 ms"), "{message}")
            }
            other => panic!("{other:?}"),
        }
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
