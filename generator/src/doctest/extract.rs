//! Turn a tutorial's parsed code blocks into the steps the harness runs, in document order.
//! Input: `CodeBlock`s with their source positions; output: `Step`s plus problems. Pure: no I/O.

use crate::diagnostics::Diagnostic;
use crate::model::{CodeBlock, SourcePos};
use std::path::{Component, Path, PathBuf};

/// One thing to do in a tutorial's sandbox.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// A `console` block: commands and their expected output.
    Console(ConsoleBlock),
    /// A block with `file=PATH`: written into the sandbox.
    File {
        path: PathBuf,
        contents: String,
        pos: SourcePos,
    },
    /// A `perf` block: a measured performance claim.
    Perf(super::kinds::perf::PerfClaim),
    /// A `rust` block, compiled into the tutorials' shared crate.
    Rust(RustBlock),
    /// A block that is not run, with the reason the author gave.
    Skipped { pos: SourcePos, reason: String },
}

/// A `console` block.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsoleBlock {
    pub pos: SourcePos,
    pub commands: Vec<ConsoleCommand>,
    /// The file an `{{#include}}` put the block's text in from: `--bless` leaves such a block alone,
    /// since its lines are not the tutorial's.
    pub included_from: Option<PathBuf>,
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

/// A `rust` block with its rustdoc-style flags.
#[derive(Debug, Clone, PartialEq)]
pub struct RustBlock {
    pub pos: SourcePos,
    /// Code with the `# ` of hidden lines removed.
    pub code: String,
    pub code_start_line: usize,
    pub should_panic: bool,
    pub no_run: bool,
    /// `compile_fail`; the expected diagnostic text when given (`compile_fail="E0308"`).
    pub compile_fail: Option<String>,
}

/// Steps of one tutorial, or problems with its blocks (a bare `ignore`, a path leaving the sandbox...).
pub fn extract_steps(blocks: &[CodeBlock]) -> (Vec<Step>, Vec<Diagnostic>) {
    let mut steps = Vec::new();
    let mut problems = Vec::new();
    for block in blocks {
        match block_step(block) {
            Ok(Some(step)) => steps.push(step),
            Ok(None) => {}
            Err(d) => problems.push(d),
        }
    }
    (steps, problems)
}

fn error(block: &CodeBlock, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error(&block.pos.path, block.pos.line, block.pos.col, message)
}

fn block_step(block: &CodeBlock) -> Result<Option<Step>, Diagnostic> {
    let tested = block.lang == "console"
        || block.lang == "rust"
        || block.lang == "perf"
        || block.attribute("file").is_some();
    if let Some(reason) = block.attribute("ignore") {
        if reason.trim().is_empty() {
            return Err(error(
                block,
                "`ignore` needs a reason, e.g. ignore=\"needs network\"",
            )
            .with_hint("a bare `ignore` hides a broken block; say why it cannot run"));
        }
        return Ok(tested.then(|| Step::Skipped {
            pos: block.pos.clone(),
            reason: reason.to_owned(),
        }));
    }
    if let Some(path) = block.attribute("file") {
        let path = sandbox_relative(path).ok_or_else(|| {
            error(block, format!("file={path} leaves the tutorial's sandbox"))
                .with_hint("use a relative path without `..`")
        })?;
        return Ok(Some(Step::File {
            path,
            contents: block.code.clone(),
            pos: block.pos.clone(),
        }));
    }
    match block.lang.as_str() {
        "console" => console_block(block).map(|b| Some(Step::Console(b))),
        "perf" => super::kinds::perf::parse_claim(block).map(|c| Some(Step::Perf(c))),
        "rust" => Ok(Some(Step::Rust(rust_block(block)))),
        _ => Ok(None),
    }
}

/// `PATH` as a path inside the sandbox, or `None` when it is absolute or climbs out with `..`.
pub fn sandbox_relative(path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    (!path.is_empty()
        && p.components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir)))
    .then(|| p.to_path_buf())
}

fn console_block(block: &CodeBlock) -> Result<ConsoleBlock, Diagnostic> {
    let default_status = match block.attribute("status") {
        Some(s) => s
            .parse()
            .map_err(|_| error(block, format!("status={s} is not an exit code")))?,
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
        while command.ends_with('\\') && i + 1 < lines.len() {
            command.pop();
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
    Ok(ConsoleBlock {
        pos: block.pos.clone(),
        commands,
        included_from: block.included_from.clone(),
    })
}

/// A rust line with rustdoc's hiding marker removed: `    # let x = 1;` → `    let x = 1;`.
pub fn unhide_line(line: &str) -> String {
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    if let Some(rest) = trimmed.strip_prefix("# ") {
        format!("{indent}{rest}")
    } else if trimmed == "#" {
        String::new()
    } else {
        line.to_owned()
    }
}

/// True for a line rustdoc hides from the rendered page.
pub fn is_hidden_line(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.starts_with("# ") || trimmed == "#"
}

fn rust_block(block: &CodeBlock) -> RustBlock {
    // rustdoc's hidden lines: `# code` (after any indentation) is compiled but not shown; `#` alone is
    // an empty hidden line.
    let code = block
        .code
        .lines()
        .map(unhide_line)
        .collect::<Vec<_>>()
        .join("\n");
    RustBlock {
        pos: block.pos.clone(),
        code,
        code_start_line: block.code_start_line,
        should_panic: block.attribute("should_panic").is_some(),
        no_run: block.attribute("no_run").is_some(),
        compile_fail: block.attribute("compile_fail").map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(lang: &str, attrs: &[(&str, Option<&str>)], code: &str) -> CodeBlock {
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
    fn console_commands_outputs_and_status() {
        let b = block(
            "console",
            &[],
            "$ ax index\nindexed 3 files\n$ ax def nope\n? 1\nerror: no symbol `nope`\n",
        );
        let (steps, problems) = extract_steps(&[b]);
        assert!(problems.is_empty(), "{problems:?}");
        let Step::Console(c) = &steps[0] else {
            panic!("console step")
        };
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
        let (steps, _) = extract_steps(&[b]);
        let Step::Console(c) = &steps[0] else {
            panic!("console step")
        };
        assert_eq!(c.commands[0].command, "ax find parse \n    --limit 2");
        assert_eq!(c.commands[0].expected, "out\n");
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
        assert!(matches!(&steps[0], Step::Skipped { reason, .. } if reason == "needs network"));
    }

    #[test]
    fn file_outside_the_sandbox_is_an_error() {
        let (_, problems) = extract_steps(&[block("lua", &[("file", Some("../../etc/x"))], "x")]);
        assert!(
            problems[0]
                .message
                .contains("leaves the tutorial's sandbox"),
            "{problems:?}"
        );
        let (_, problems) = extract_steps(&[block("lua", &[("file", Some("/etc/x"))], "x")]);
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn output_before_a_command_is_an_error() {
        let (_, problems) = extract_steps(&[block("console", &[], "stray\n$ x\n")]);
        assert_eq!(problems[0].line, 11);
    }

    #[test]
    fn hidden_rust_lines_are_compiled() {
        let (steps, _) = extract_steps(&[block(
            "rust",
            &[("should_panic", None)],
            "# use ax::Engine;\nfn main() {\n    # let x = 1;\n    #[allow(unused)]\n}\n",
        )]);
        let Step::Rust(r) = &steps[0] else {
            panic!("rust step")
        };
        assert_eq!(
            r.code,
            "use ax::Engine;\nfn main() {\n    let x = 1;\n    #[allow(unused)]\n}"
        );
        assert!(r.should_panic);
    }

    #[test]
    fn other_languages_are_not_steps() {
        let (steps, problems) = extract_steps(&[block("toml", &[], "a = 1\n")]);
        assert!(steps.is_empty() && problems.is_empty());
    }
}
