//! `rust` blocks: every tutorial's rust blocks are merged into ONE generated crate (one module per
//! block, each `main` called from a `#[test]`), compiled once against the `ax` library and run, so the
//! compile cost is paid once per run instead of once per block. `compile_fail` blocks become one binary
//! each in the same crate and must fail to compile (with the expected code, if given).
//! Input: the blocks with their tutorial paths; output: one result per block, mapped to `path:line`.

use super::{Kind, Phase, Step};
use crate::diagnostics::Diagnostic;
use crate::doctest::options::RunContext;
use crate::doctest::results::{BlockResult, Outcome};
use crate::doctest::sandbox::Sandbox;
use crate::model::{CodeBlock, SourcePos};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const KIND: Kind = Kind {
    name: "rust",
    accepts: |block| block.lang == "rust",
    parse,
};

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

fn parse(block: &CodeBlock) -> Result<Box<dyn Step>, Diagnostic> {
    Ok(Box::new(rust_block(block)))
}

fn rust_block(block: &CodeBlock) -> RustBlock {
    // rustdoc's hidden lines: `# code` (after any indentation) is compiled but not shown; `#` alone is
    // an empty hidden line.
    let code = block
        .code
        .lines()
        .map(crate::model::rustdoc_unhide_line)
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

impl Step for RustBlock {
    fn pos(&self) -> &SourcePos {
        &self.pos
    }

    fn phase(&self) -> Phase {
        Phase::SharedCrate
    }

    /// Rust blocks run later, every tutorial's blocks in one crate (`run_all`), so nothing runs here.
    fn run(&self, _sandbox: &mut Sandbox, _context: &RunContext) -> Vec<BlockResult> {
        Vec::new()
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Where the generated crate and its build cache live, under the site root. Kept between runs so only
/// the tutorial code recompiles.
pub const CRATE_DIR: &str = "target/docgen-rust-blocks";

/// Map from generated line to the block it came from.
struct BlockSpan {
    block: usize,
    first_line: usize,
    last_line: usize,
    /// Markdown line of `first_line`.
    markdown_line: usize,
}

/// Where the merged crate goes and what it links against.
pub struct RustCrate {
    pub dir: PathBuf,
    pub target_dir: PathBuf,
    /// The `ax` crate's folder.
    pub ax_crate: PathBuf,
    /// A `Cargo.lock` to pin dependency versions (the workspace's); skipped when absent.
    pub lock_file: PathBuf,
    /// `[test.rust.dependencies]`, Cargo syntax, paths relative to `root`; `None`: `ax` by path.
    pub dependencies: Option<toml::Table>,
    pub root: PathBuf,
}

/// Compile and run all blocks; one result per block. A block that does not compile would stop the
/// whole crate, so it is reported and left out, and the crate is built once more without it.
pub fn run_all(rust: &RustCrate, blocks: &[(PathBuf, RustBlock)]) -> Vec<BlockResult> {
    let first = run_once(rust, blocks);
    let broken: Vec<BlockResult> = first
        .iter()
        .filter(|r| matches!(&r.outcome, Outcome::Failed { message, .. } if message.starts_with(DOES_NOT_COMPILE)))
        .cloned()
        .collect();
    if broken.is_empty() {
        return first;
    }
    let keep: Vec<(PathBuf, RustBlock)> = blocks
        .iter()
        .filter(|(path, b)| {
            !broken
                .iter()
                .any(|r| &r.path == path && r.line == b.pos.line)
        })
        .cloned()
        .collect();
    let mut results = broken;
    results.extend(run_once(rust, &keep));
    results.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    results
}

/// Start of the message of a block that does not compile.
const DOES_NOT_COMPILE: &str = "does not compile";

fn run_once(rust: &RustCrate, blocks: &[(PathBuf, RustBlock)]) -> Vec<BlockResult> {
    match generate_crate(rust, blocks) {
        Ok(spans) => run_crate(rust, blocks, &spans),
        Err(e) => blocks
            .iter()
            .map(|(path, b)| {
                result(
                    path,
                    b,
                    Outcome::failed(format!("cannot write the generated crate: {e}")),
                )
            })
            .collect(),
    }
}

fn result(path: &Path, block: &RustBlock, outcome: Outcome) -> BlockResult {
    BlockResult::new(
        &SourcePos {
            path: path.to_path_buf(),
            line: block.pos.line,
            col: 1,
        },
        "rust",
        format!("block_{}", block.pos.line),
        outcome,
    )
}

fn module_name(index: usize) -> String {
    format!("block_{index:03}")
}

fn generate_crate(
    rust: &RustCrate,
    blocks: &[(PathBuf, RustBlock)],
) -> std::io::Result<Vec<BlockSpan>> {
    let dir = rust.dir.as_path();
    std::fs::create_dir_all(dir.join("src/bin"))?;
    let dependencies = match &rust.dependencies {
        Some(table) => dependencies_toml(table, &rust.root)?,
        None => format!(
            "ax = {{ path = {:?} }}\n",
            rust.ax_crate.canonicalize()?.display().to_string()
        ),
    };
    let manifest = format!(
        "# Generated by `docgen test` from the tutorials' rust blocks; do not edit.\n[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{dependencies}\n[workspace]\n",
        crate_name(dir),
    );
    write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
    // The workspace's lock file pins the same dependency versions as the rest of the build.
    if let Ok(lock) = std::fs::read_to_string(&rust.lock_file) {
        write_if_changed(&dir.join("Cargo.lock"), &lock)?;
    }
    let mut lib = String::from(
        "//! Generated: one module per tutorial rust block.\n#![allow(dead_code, unused_imports, unused_variables, unused_mut)]\n\n",
    );
    lib.push_str("/// What a block's `main` may return.\npub trait BlockOutcome {\n    fn check(self);\n}\nimpl BlockOutcome for () {\n    fn check(self) {}\n}\nimpl<E: std::fmt::Debug> BlockOutcome for Result<(), E> {\n    fn check(self) {\n        if let Err(e) = self {\n            panic!(\"main returned an error: {e:?}\");\n        }\n    }\n}\n");
    let mut spans = Vec::new();
    let mut bins = std::collections::BTreeSet::new();
    for (index, (path, block)) in blocks.iter().enumerate() {
        let wrapped = !block.code.contains("fn main");
        let body = if wrapped {
            format!("fn main() {{\n{}\n}}", block.code)
        } else {
            block.code.clone()
        };
        if block.compile_fail.is_some() {
            let name = format!("compile_fail_{index:03}");
            write_if_changed(
                &dir.join(format!("src/bin/{name}.rs")),
                &format!("// {}:{}\n{body}\n", path.display(), block.pos.line),
            )?;
            bins.insert(format!("{name}.rs"));
            continue;
        }
        let _ = writeln!(
            lib,
            "\n/// {}:{}\npub mod {} {{\n    use super::BlockOutcome;",
            path.display(),
            block.pos.line,
            module_name(index)
        );
        let first_line = lib.lines().count() + 1;
        lib.push_str(&body);
        lib.push('\n');
        let last_line = lib.lines().count();
        let attrs = match (block.should_panic, block.no_run) {
            (_, true) => "#[test]\n    #[ignore = \"no_run: compiled, not run\"]",
            (true, false) => "#[test]\n    #[should_panic]",
            _ => "#[test]",
        };
        let _ = writeln!(
            lib,
            "    {attrs}\n    fn run() {{\n        main().check();\n    }}\n}}"
        );
        let markdown_line = block.code_start_line - usize::from(wrapped);
        spans.push(BlockSpan {
            block: index,
            first_line,
            last_line,
            markdown_line,
        });
    }
    // Remove binaries of compile_fail blocks that no longer exist.
    for entry in std::fs::read_dir(dir.join("src/bin"))?.flatten() {
        if !bins.contains(&entry.file_name().to_string_lossy().into_owned()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    write_if_changed(&dir.join("src/lib.rs"), &lib)?;
    Ok(spans)
}

/// `[test.rust.dependencies]` as manifest lines, with relative `path`s made absolute (the generated
/// crate lives elsewhere).
fn dependencies_toml(table: &toml::Table, root: &Path) -> std::io::Result<String> {
    let mut table = table.clone();
    for (_, spec) in table.iter_mut() {
        if let Some(path) = spec.get_mut("path")
            && let Some(relative) = path.as_str()
        {
            let absolute = std::path::absolute(root.join(relative))?;
            *path = toml::Value::String(absolute.display().to_string());
        }
    }
    toml::to_string(&table).map_err(std::io::Error::other)
}

/// A package name unique to the crate's folder: cargo names artifacts by package name and version only
/// (not path), so two generated crates sharing a target dir must not share a name.
fn crate_name(dir: &Path) -> String {
    let hash = blake3::hash(dir.to_string_lossy().as_bytes()).to_hex();
    format!("docgen-tutorial-blocks-{}", &hash.as_str()[..12])
}

/// Write only when the bytes change, so cargo's fingerprints stay valid.
fn write_if_changed(path: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    std::fs::write(path, text)
}

fn cargo(rust: &RustCrate) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .current_dir(&rust.dir)
        .env("CARGO_TARGET_DIR", &rust.target_dir)
        .env("RUST_BACKTRACE", "0")
        .env_remove("RUSTFLAGS");
    command
}

fn run_crate(
    rust: &RustCrate,
    blocks: &[(PathBuf, RustBlock)],
    spans: &[BlockSpan],
) -> Vec<BlockResult> {
    let mut results: Vec<Option<BlockResult>> = vec![None; blocks.len()];
    // compile_fail blocks: each binary must fail to build.
    for (index, (path, block)) in blocks.iter().enumerate() {
        let Some(expected) = &block.compile_fail else {
            continue;
        };
        let name = format!("compile_fail_{index:03}");
        let outcome = match cargo(rust)
            .args(["build", "--quiet", "--bin", &name, "--message-format=short"])
            .output()
        {
            Ok(o) if o.status.success() => {
                Outcome::failed("compile_fail block compiled successfully")
            }
            Ok(o) => {
                let stderr = String::from_utf8_lossy(&o.stderr);
                if expected.is_empty() || stderr.contains(expected.as_str()) {
                    Outcome::Passed
                } else {
                    Outcome::failed(format!(
                        "compile_fail block failed, but without `{expected}`:\n{stderr}"
                    ))
                }
            }
            Err(e) => Outcome::failed(format!("cannot run cargo: {e}")),
        };
        results[index] = Some(result(path, block, outcome));
    }
    let output = cargo(rust)
        .args([
            "test",
            "--lib",
            "--message-format=short",
            "--",
            "--test-threads=2",
            "--format=pretty",
        ])
        .output();
    let (stdout, stderr, success) = match output {
        Ok(o) => (
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
            o.status.success(),
        ),
        Err(e) => (String::new(), format!("cannot run cargo: {e}"), false),
    };
    let compile_errors = map_compile_errors(&stderr, spans, blocks);
    for span in spans {
        let (path, block) = &blocks[span.block];
        let module = module_name(span.block);
        let outcome = if let Some(errors) = compile_errors.get(&span.block) {
            Outcome::failed(format!("{DOES_NOT_COMPILE}:\n{}", errors.join("\n")))
        } else if let Some(status) = test_status(&stdout, &module) {
            match status {
                "ok" => Outcome::Passed,
                // libtest prints `ignored, REASON`; a `no_run` block compiled, which is its check.
                s if s.starts_with("ignored") && block.no_run => Outcome::Passed,
                s if s.starts_with("ignored") => Outcome::Skipped {
                    reason: s.to_owned(),
                },
                _ => Outcome::failed(format!(
                    "block failed when run:\n{}",
                    failure_message(&stdout, &module)
                )),
            }
        } else if !success {
            Outcome::failed(format!(
                "the generated crate did not build:\n{}",
                tail(&stderr, 30)
            ))
        } else {
            Outcome::failed("no test result for this block")
        };
        results[span.block] = Some(result(path, block, outcome));
    }
    results.into_iter().flatten().collect()
}

/// libtest's verdict for `MODULE::run`: `ok`, `FAILED` or `ignored` (also with `- should panic`).
fn test_status<'a>(stdout: &'a str, module: &str) -> Option<&'a str> {
    let prefix = format!("test {module}::run ");
    stdout
        .lines()
        .find(|l| l.starts_with(&prefix))
        .and_then(|l| l.rsplit(" ... ").next())
        .map(str::trim)
}

/// The panic message libtest printed for a failed block.
fn failure_message(stdout: &str, module: &str) -> String {
    let section = stdout
        .split(&format!("---- {module}::run stdout ----"))
        .nth(1)
        .unwrap_or("");
    section
        .trim_start()
        .split("\nnote: run with")
        .next()
        .unwrap_or("")
        .split("\n\n")
        .next()
        .unwrap_or("")
        .trim()
        .to_owned()
}

/// `src/lib.rs:LINE:COL: error...` lines, grouped by the block whose span holds LINE, rewritten to
/// point at the markdown line.
fn map_compile_errors(
    stderr: &str,
    spans: &[BlockSpan],
    blocks: &[(PathBuf, RustBlock)],
) -> std::collections::BTreeMap<usize, Vec<String>> {
    let mut map: std::collections::BTreeMap<usize, Vec<String>> = std::collections::BTreeMap::new();
    for line in stderr.lines() {
        let Some(rest) = line.strip_prefix("src/lib.rs:") else {
            continue;
        };
        if !rest.contains("error") {
            continue;
        }
        let mut parts = rest.splitn(3, ':');
        let (Some(l), Some(_col), Some(message)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let Ok(generated_line) = l.parse::<usize>() else {
            continue;
        };
        if let Some(span) = spans
            .iter()
            .find(|s| (s.first_line..=s.last_line).contains(&generated_line))
        {
            let markdown_line = span.markdown_line + (generated_line - span.first_line);
            map.entry(span.block).or_default().push(format!(
                "{}:{markdown_line}:{message}",
                blocks[span.block].0.display()
            ));
        }
    }
    map
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctest::extract::tests::block;

    #[test]
    fn hidden_rust_lines_are_compiled() {
        let step = parse(&block(
            "rust",
            &[("should_panic", None)],
            "# use ax::Engine;\nfn main() {\n    # let x = 1;\n    #[allow(unused)]\n}\n",
        ))
        .unwrap();
        let r = step.as_any().downcast_ref::<RustBlock>().unwrap();
        assert_eq!(
            r.code,
            "use ax::Engine;\nfn main() {\n    let x = 1;\n    #[allow(unused)]\n}"
        );
        assert!(r.should_panic);
    }
}
