//! Blocks compiled on their own, as rustdoc compiles every doctest: one binary per block in a second
//! generated package (`CRATE_DIR/standalone`), built with one `cargo build --keep-going` and run one
//! by one (`test_harness` blocks as test targets, whose `#[test]`s run). It takes the blocks the
//! merged crate cannot hold — `crate::` paths, crate-only attributes, `#[cfg(test)]` modules (off
//! here, as under rustdoc) — and blocks with their own `editionYYYY` or `test_harness`.
//! Input: the blocks; output: one result per block.

use super::{
    BlockSource, BlockSpan, DOES_NOT_COMPILE, RustBlock, RustCrate, block_source, cargo,
    copy_lock_file, manifest, result, tail, timed_out_message, write_if_changed,
};
use crate::doctest::results::{BlockResult, Outcome};
use crate::doctest::sandbox::{BoundedOutput, output_within};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the blocks' files go in the package.
const BLOCKS_DIR: &str = "src/blocks";

/// Exit status of a Rust program that panicked in `main`.
const PANIC_EXIT_CODE: i32 = 101;

/// Build every block as its own binary and run it; one result per block.
pub(super) fn run(rust: &RustCrate, blocks: &[(PathBuf, RustBlock)]) -> Vec<BlockResult> {
    if blocks.is_empty() {
        return Vec::new();
    }
    let dir = rust.dir.join("standalone");
    let spans = match generate(rust, &dir, blocks) {
        Ok(spans) => spans,
        Err(e) => {
            return blocks
                .iter()
                .map(|(path, b)| {
                    result(
                        path,
                        b,
                        Outcome::failed(format!("cannot write the generated crate: {e}")),
                    )
                })
                .collect();
        }
    };
    let build = build(rust, &dir);
    blocks
        .iter()
        .enumerate()
        .map(|(index, (path, block))| {
            let name = bin_name(index);
            let outcome = if let Some(errors) = build.errors.get(&name) {
                let span = &spans[index];
                let lines: Vec<String> = errors
                    .iter()
                    .filter(|(line, _)| (span.first_line..=span.last_line).contains(line))
                    .map(|(line, message)| {
                        let markdown_line = span.markdown_line + (line - span.first_line);
                        format!("{}:{markdown_line}: {message}", path.display())
                    })
                    .collect();
                if lines.is_empty() {
                    Outcome::failed(format!("{DOES_NOT_COMPILE}:\n{}", tail(&build.stderr, 30)))
                } else {
                    Outcome::failed(format!("{DOES_NOT_COMPILE}:\n{}", lines.join("\n")))
                }
            } else if let Some(executable) = build.executables.get(&name) {
                run_binary(executable, &dir, block, rust)
            } else {
                Outcome::failed(format!(
                    "the block's crate did not build:\n{}",
                    tail(&build.stderr, 30)
                ))
            };
            result(path, block, outcome)
        })
        .collect()
}

fn bin_name(index: usize) -> String {
    format!("block_{index:03}")
}

/// Write one `src/blocks/block_NNN.rs` per block (crate attributes first, as rustdoc places them)
/// and a manifest declaring each as a binary or a test with its edition (cargo does not scan that
/// folder for targets); remove files of blocks that are gone. Returns where each block's code lies.
fn generate(
    rust: &RustCrate,
    dir: &Path,
    blocks: &[(PathBuf, RustBlock)],
) -> std::io::Result<Vec<BlockSpan>> {
    std::fs::create_dir_all(dir.join(BLOCKS_DIR))?;
    let mut targets = String::new();
    let mut files = BTreeSet::new();
    let mut spans = Vec::new();
    for (index, (path, block)) in blocks.iter().enumerate() {
        let name = bin_name(index);
        let BlockSource {
            attributes,
            body,
            wrapped,
        } = block_source(&block.code, !block.test_harness);
        let header = format!("// {}:{}\n{attributes}", path.display(), block.pos.line);
        let first_line = header.lines().count() + 1;
        write_if_changed(
            &dir.join(format!("{BLOCKS_DIR}/{name}.rs")),
            &format!("{header}{body}\n"),
        )?;
        spans.push(BlockSpan {
            block: index,
            first_line,
            last_line: first_line + body.lines().count().saturating_sub(1),
            markdown_line: block.code_start_line - usize::from(wrapped),
        });
        // Only a block that names an edition gets one (cargo warns that a target's edition is
        // deprecated, but it is the way to give one package's targets different editions).
        let edition = block
            .edition
            .map(|e| format!("edition = \"{e}\"\n"))
            .unwrap_or_default();
        // A `test_harness` block is a test target (its `#[test]`s run); the others are binaries,
        // kept out of `--tests` so they are not built twice.
        let (kind, test) = if block.test_harness {
            ("test", "harness = true")
        } else {
            ("bin", "test = false")
        };
        let _ = write!(
            targets,
            "[[{kind}]]\nname = \"{name}\"\npath = \"{BLOCKS_DIR}/{name}.rs\"\n{edition}{test}\n\n"
        );
        files.insert(format!("{name}.rs"));
    }
    for entry in std::fs::read_dir(dir.join(BLOCKS_DIR))?.flatten() {
        if !files.contains(&entry.file_name().to_string_lossy().into_owned()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    write_if_changed(
        &dir.join("Cargo.toml"),
        &manifest(rust, dir, "autobins = false\nautotests = false\n", &targets)?,
    )?;
    copy_lock_file(rust, dir)?;
    Ok(spans)
}

/// What one build of the standalone package gave: each binary built, each binary's errors (line in
/// its file, message), and cargo's stderr for errors that name no block line.
struct Build {
    executables: BTreeMap<String, PathBuf>,
    errors: BTreeMap<String, Vec<(usize, String)>>,
    stderr: String,
}

/// `cargo build --keep-going` with JSON messages: a binary counts as built only when cargo reports
/// its executable in this build (a stale one from an earlier run is never run).
fn build(rust: &RustCrate, dir: &Path) -> Build {
    let mut build = Build {
        executables: BTreeMap::new(),
        errors: BTreeMap::new(),
        stderr: String::new(),
    };
    let output = match cargo(rust, dir)
        .args([
            "build",
            "--bins",
            "--tests",
            "--keep-going",
            "--message-format=json",
        ])
        .output()
    {
        Ok(output) => output,
        Err(e) => {
            build.stderr = format!("cannot run cargo: {e}");
            return build;
        }
    };
    build.stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let target = message["target"]["name"].as_str().unwrap_or("").to_owned();
        match message["reason"].as_str() {
            Some("compiler-artifact") => {
                if let Some(executable) = message["executable"].as_str() {
                    build.executables.insert(target, PathBuf::from(executable));
                }
            }
            Some("compiler-message") if message["message"]["level"] == "error" => {
                let diagnostic = &message["message"];
                let line = diagnostic["spans"]
                    .as_array()
                    .and_then(|spans| spans.iter().find(|s| s["is_primary"] == true))
                    .and_then(|span| span["line_start"].as_u64())
                    .unwrap_or(0);
                let code = diagnostic["code"]["code"]
                    .as_str()
                    .map(|c| format!("[{c}]"))
                    .unwrap_or_default();
                let text = diagnostic["message"].as_str().unwrap_or("");
                build.errors.entry(target).or_default().push((
                    usize::try_from(line).unwrap_or(0),
                    format!("error{code}: {text}"),
                ));
            }
            _ => {}
        }
    }
    build
}

/// Run a built block: it passes when it exits 0, or when it panics and is `should_panic`; a
/// `no_run` block passes by compiling.
fn run_binary(executable: &Path, dir: &Path, block: &RustBlock, rust: &RustCrate) -> Outcome {
    if block.no_run {
        return Outcome::Passed;
    }
    let mut command = Command::new(executable);
    command
        .current_dir(dir)
        .env("TMPDIR", &rust.tmp_dir)
        .env("RUST_BACKTRACE", "0");
    let output = match output_within(&mut command, rust.timeout) {
        Ok(BoundedOutput {
            timed_out: true, ..
        }) => return Outcome::failed(timed_out_message(rust.timeout)),
        Ok(bounded) => bounded.output,
        Err(e) => return Outcome::failed(format!("cannot run the block: {e}")),
    };
    // A test target prints its failures on stdout, a program its panic on stderr.
    let stderr = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let panicked = output.status.code() == Some(PANIC_EXIT_CODE);
    match (block.should_panic, output.status.success(), panicked) {
        (false, true, _) | (true, _, true) => Outcome::Passed,
        (true, _, false) => Outcome::failed(format!(
            "block should have panicked, but exited with {}:\n{}",
            output.status,
            tail(&stderr, 20)
        )),
        (false, false, _) => Outcome::failed(format!(
            "block failed when run ({}):\n{}",
            output.status,
            tail(&stderr, 20)
        )),
    }
}
