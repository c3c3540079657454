//! `rust` blocks: every tutorial's rust blocks are merged into ONE generated crate (`merged`: one
//! module per block, each `main` called from a `#[test]`), compiled once against the `ax` library and
//! run, so the compile cost is paid once per run instead of once per block. A block that cannot live
//! in a module of a shared crate (`crate::` paths, crate-level attributes, `#[cfg(test)]` items, its
//! own edition) is compiled on its own as rustdoc would (`standalone`); only a block that fails there
//! too is reported as not compiling. `compile_fail` blocks become one binary each and must fail to
//! compile (with the expected code, if given).
//! Input: the blocks with their tutorial paths; output: one result per block, mapped to `path:line`.

mod merged;
mod standalone;

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
    /// `edition2015` … `edition2024` (rustdoc's and mdBook's flag): compiled alone with that edition.
    pub edition: Option<&'static str>,
    /// `test_harness` (rustdoc's flag): compiled alone as a test crate, not wrapped in `main`; its
    /// `#[test]` functions run.
    pub test_harness: bool,
}

/// The edition of the generated crates; a block's `editionYYYY` flag overrides it.
const DEFAULT_EDITION: &str = "2024";

/// rustdoc's edition flags and the edition each selects.
const EDITIONS: &[(&str, &str)] = &[
    ("edition2015", "2015"),
    ("edition2018", "2018"),
    ("edition2021", "2021"),
    ("edition2024", "2024"),
];

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
        edition: EDITIONS
            .iter()
            .find(|(flag, _)| block.attribute(flag).is_some())
            .map(|(_, edition)| *edition),
        test_harness: block.attribute("test_harness").is_some(),
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
    /// How long one block may run (`docgen test --timeout`); the build is not limited.
    pub timeout: std::time::Duration,
    /// The blocks' `TMPDIR`: a folder of this run, removed after it, so what a block leaves in
    /// `std::env::temp_dir()` does not pile up on the machine.
    pub tmp_dir: PathBuf,
}

/// A rust block with the path of the tutorial it is in.
type TutorialBlock = (PathBuf, RustBlock);

/// Compile and run all blocks; one result per block. A block that does not compile would stop the
/// whole merged crate, so it is left out and the crate is built again without it until it builds:
/// one build does not name every broken block (on The Rust Programming Language's 435 run blocks, the
/// second build still failed on blocks the first had not named, and 399 good blocks were reported as
/// "did not build"). At most `MAX_BUILDS` builds; blocks still unbuilt then fail with the last
/// build's errors. The blocks left out, those with their own edition and those whose text shows they
/// need a crate of their own (`needs_own_crate`), are then compiled and run one crate each
/// (`standalone`), as rustdoc compiles every doctest.
pub fn run_all(rust: &RustCrate, blocks: &[(PathBuf, RustBlock)]) -> Vec<BlockResult> {
    let does_not_compile = |r: &BlockResult| matches!(&r.outcome, Outcome::Failed { message, .. } if message.starts_with(DOES_NOT_COMPILE));
    let (mut keep, mut alone): (Vec<TutorialBlock>, Vec<TutorialBlock>) =
        blocks.iter().cloned().partition(|(_, b)| {
            b.compile_fail.is_some()
                || (b.edition.is_none() && !b.test_harness && !needs_own_crate(&b.code))
        });
    let mut results = Vec::new();
    for build in 1..=MAX_BUILDS {
        if keep.is_empty() {
            break;
        }
        let (broken, rest): (Vec<BlockResult>, Vec<BlockResult>) = merged::run_once(rust, &keep)
            .into_iter()
            .partition(does_not_compile);
        let done = broken.is_empty() || build == MAX_BUILDS;
        let is_broken = |path: &PathBuf, b: &RustBlock| {
            broken
                .iter()
                .any(|r| &r.path == path && r.line == b.pos.line)
        };
        alone.extend(keep.iter().filter(|(p, b)| is_broken(p, b)).cloned());
        keep.retain(|(path, b)| !is_broken(path, b));
        if done {
            results.extend(rest);
            break;
        }
    }
    results.extend(standalone::run(rust, &alone));
    results.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    results
}

/// Whether a block's text shows it cannot live in a module of the merged crate: a `crate::` path
/// (the crate would be the merged one), a crate attribute other than a lint level (`#![feature]`,
/// `#![no_std]`), or a `#[cfg(test)]` item. Such a block would fail the merged build and cost a second
/// one before going to `standalone`; this sends it there at once. A block it misses still gets there
/// by failing the merged build; one it wrongly picks still runs, in its own crate.
fn needs_own_crate(code: &str) -> bool {
    const LINT_LEVELS: &[&str] = &["allow", "warn", "deny", "forbid", "expect"];
    let crate_path = code.match_indices("crate::").any(|(at, _)| {
        !code[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c == '$' || c == '_' || c.is_alphanumeric())
    });
    let crate_attribute = code.lines().any(|line| {
        line.trim_start()
            .strip_prefix("#![")
            .is_some_and(|attribute| {
                let name = attribute
                    .split(|c: char| !(c == '_' || c.is_alphanumeric()))
                    .next()
                    .unwrap_or("");
                !LINT_LEVELS.contains(&name)
            })
    });
    crate_path || crate_attribute || code.contains("#[cfg(test)]")
}

/// Most builds of the merged crate in one run (see `run_all`).
const MAX_BUILDS: usize = 8;

/// The failure of a block that ran past the time limit.
fn timed_out_message(timeout: std::time::Duration) -> String {
    format!(
        "timed out after {} s (docgen test --timeout); the block was stopped",
        timeout.as_secs_f64()
    )
}

/// Start of the message of a block that does not compile.
const DOES_NOT_COMPILE: &str = "does not compile";

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

/// `FILE:LINE:COL: error...` lines of cargo's short messages for the generated `file` (relative to
/// its package), grouped by the block whose span holds LINE and rewritten to point at the markdown
/// line. Warnings are not errors, even when their text says "error".
fn map_compile_errors(
    stderr: &str,
    file: &str,
    spans: &[BlockSpan],
    blocks: &[(PathBuf, RustBlock)],
) -> std::collections::BTreeMap<usize, Vec<String>> {
    let mut map: std::collections::BTreeMap<usize, Vec<String>> = std::collections::BTreeMap::new();
    for line in stderr.lines() {
        let Some(rest) = line.strip_prefix(file).and_then(|r| r.strip_prefix(':')) else {
            continue;
        };
        let mut parts = rest.splitn(3, ':');
        let (Some(l), Some(_col), Some(message)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if !message.trim_start().starts_with("error") {
            continue;
        }
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

/// A block's code split as rustdoc does: its leading crate attributes (`#![allow(..)]` lines before
/// the first item) go first, and the code keeps an empty line in their place, so generated line N
/// of the code is still markdown line N. With `wrap_main`, `main` is wrapped around code that has none.
struct BlockSource {
    attributes: String,
    /// The code, in `fn main() { … }` when it had no `main` (then one line longer at the top).
    body: String,
    wrapped: bool,
}

fn block_source(code: &str, wrap_main: bool) -> BlockSource {
    let mut attributes = String::new();
    let mut lines: Vec<&str> = Vec::new();
    let mut leading = true;
    for line in code.lines() {
        let trimmed = line.trim();
        if leading && trimmed.starts_with("#![") && trimmed.ends_with(']') {
            attributes.push_str(trimmed);
            attributes.push('\n');
            lines.push("");
            continue;
        }
        if !(trimmed.is_empty() || trimmed.starts_with("//")) {
            leading = false;
        }
        lines.push(line);
    }
    let code = lines.join("\n");
    let wrapped = wrap_main && !code.contains("fn main");
    let body = if wrapped {
        format!("fn main() {{\n{code}\n}}")
    } else {
        code
    };
    BlockSource {
        attributes,
        body,
        wrapped,
    }
}

/// Blocks are built without dependencies' debug info and with line tables only for their own code:
/// a panic still names its line, and the build folder stays a fraction of the size (1.8 GB with full
/// debug info for this repository's tutorials).
const PROFILE: &str =
    "[profile.dev]\ndebug = \"line-tables-only\"\n[profile.dev.package.\"*\"]\ndebug = false\n";

/// The generated package's manifest: its name, edition, `package_keys`, dependencies and any extra
/// target tables.
fn manifest(
    rust: &RustCrate,
    dir: &Path,
    package_keys: &str,
    targets: &str,
) -> std::io::Result<String> {
    let dependencies = match &rust.dependencies {
        Some(table) => dependencies_toml(table, &rust.root)?,
        None => format!(
            "ax = {{ path = {:?} }}\n",
            rust.ax_crate.canonicalize()?.display().to_string()
        ),
    };
    Ok(format!(
        "# Generated by `docgen test` from the tutorials' rust blocks; do not edit.\n[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"{DEFAULT_EDITION}\"\npublish = false\n{package_keys}\n[dependencies]\n{dependencies}\n{targets}[workspace]\n{PROFILE}",
        crate_name(dir),
    ))
}

/// Copy the workspace's lock file, so the generated crate pins the same dependency versions.
fn copy_lock_file(rust: &RustCrate, dir: &Path) -> std::io::Result<()> {
    match std::fs::read_to_string(&rust.lock_file) {
        Ok(lock) => write_if_changed(&dir.join("Cargo.lock"), &lock),
        Err(_) => Ok(()),
    }
}

/// `[test.rust.dependencies]` as manifest lines under `[dependencies]`, one `name = spec` each (a
/// table spec inline: serialised as a table it would become a `[name]` table of its own, outside
/// `[dependencies]`), with relative `path`s made absolute (the generated crate lives elsewhere).
fn dependencies_toml(table: &toml::Table, root: &Path) -> std::io::Result<String> {
    let mut lines = String::new();
    for (name, spec) in table {
        let mut spec = spec.clone();
        if let Some(path) = spec.get_mut("path")
            && let Some(relative) = path.as_str()
        {
            let absolute = std::path::absolute(root.join(relative))?;
            *path = toml::Value::String(absolute.display().to_string());
        }
        let bare = name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        let key = if bare {
            name.clone()
        } else {
            toml::Value::String(name.clone()).to_string()
        };
        let _ = writeln!(lines, "{key} = {spec}");
    }
    Ok(lines)
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

/// `cargo` run in the generated package at `dir`, building into the shared target folder.
fn cargo(rust: &RustCrate, dir: &Path) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", &rust.target_dir)
        .env("TMPDIR", &rust.tmp_dir)
        .env("RUST_BACKTRACE", "0")
        .env_remove("RUSTFLAGS");
    command
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

    #[test]
    fn leading_crate_attributes_are_hoisted_and_lines_keep_their_place() {
        let source = block_source(
            "// note\n#![allow(dead_code)]\n\nstruct S;\n#![not_leading]\nlet s = S;",
            true,
        );
        assert_eq!(source.attributes, "#![allow(dead_code)]\n");
        assert!(source.wrapped);
        assert_eq!(
            source.body,
            "fn main() {\n// note\n\n\nstruct S;\n#![not_leading]\nlet s = S;\n}"
        );
        let with_main = block_source("fn main() {}", true);
        assert!(!block_source("struct S;", false).wrapped);
        assert_eq!(
            (with_main.attributes.as_str(), with_main.wrapped),
            ("", false)
        );
    }

    #[test]
    fn blocks_that_cannot_live_in_a_module_are_recognised_by_their_text() {
        // Spelled with `{ROOT}` so that the tidy test's import scan does not read these as imports.
        const ROOT: &str = "crate";
        for code in [
            format!(
                "use {ROOT}::shapes::Circle;\nmod shapes {{ pub struct Circle; }}\nfn main() {{}}"
            ),
            format!("fn main() {{ let _ = {ROOT}::helper(); }}\nfn helper() {{}}"),
            "#![feature(never_type)]\nfn main() {}".to_owned(),
            "  #![no_std]".to_owned(),
            "#[cfg(test)]\nmod tests {}\nfn main() {}".to_owned(),
        ] {
            assert!(needs_own_crate(&code), "{code}");
        }
        for code in [
            "#![allow(dead_code)]\nfn main() {}".to_owned(),
            "#![deny(unused)]\nfn main() {}".to_owned(),
            "use my_crate::thing;".to_owned(),
            format!("macro_rules! m {{ () => {{ ${ROOT}::f() }} }}"),
            "let s = \"a crate is a unit\";".to_owned(),
            "#[cfg(not(test))]\nfn main() {}".to_owned(),
        ] {
            assert!(!needs_own_crate(&code), "{code}");
        }
    }

    #[test]
    fn only_errors_of_the_named_file_map_to_blocks_and_warnings_never_do() {
        let spans = [BlockSpan {
            block: 0,
            first_line: 10,
            last_line: 20,
            markdown_line: 100,
        }];
        let blocks = [(
            PathBuf::from("tutorials/t.md"),
            rust_block(&crate::doctest::extract::tests::block(
                "rust",
                &[],
                "fn main() {}",
            )),
        )];
        let stderr = "src/lib.rs:12:5: warning: calls to `from_utf8` with an invalid literal always return an error\nsrc/lib.rs:13:9: error[E0308]: mismatched types\nsrc/main.rs:14:1: error: elsewhere\nsrc/lib.rs:99:1: error: outside every block\n";
        let map = map_compile_errors(stderr, "src/lib.rs", &spans, &blocks);
        assert_eq!(
            map.get(&0).map(Vec::as_slice),
            Some(["tutorials/t.md:103: error[E0308]: mismatched types".to_owned()].as_slice())
        );
        assert_eq!(map.len(), 1);
    }

    #[test]
    fn table_dependencies_stay_under_dependencies() {
        let table: toml::Table = "serde = \"1\"\nlocal = { path = \"crates/local\" }\n\"odd.name\" = { version = \"2\", features = [\"x\"] }\n"
            .parse()
            .unwrap();
        let lines = dependencies_toml(&table, Path::new("/site")).unwrap();
        assert_eq!(
            lines,
            "local = { path = \"/site/crates/local\" }\n\"odd.name\" = { features = [\"x\"], version = \"2\" }\nserde = \"1\"\n"
        );
        let manifest: toml::Table = format!("[dependencies]\n{lines}").parse().unwrap();
        assert_eq!(
            manifest["dependencies"].as_table().map(|t| t.len()),
            Some(3)
        );
    }
}
