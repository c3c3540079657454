//! The merged crate: one module per rust block in `src/lib.rs`, each block's `main` called from a
//! `#[test]`, built and run with one `cargo test`; `compile_fail` blocks as binaries of the same
//! package that must fail to build. Input: the blocks; output: one result per block.

use super::{
    BlockSource, BlockSpan, DOES_NOT_COMPILE, RustBlock, RustCrate, block_source, cargo,
    copy_lock_file, manifest, map_compile_errors, result, tail, timed_out_message,
    write_if_changed,
};
use crate::doctest::results::{BlockResult, Outcome};
use std::fmt::Write as _;
use std::path::PathBuf;

/// Generate the crate for `blocks`, build it and run it; one result per block.
pub(super) fn run_once(rust: &RustCrate, blocks: &[(PathBuf, RustBlock)]) -> Vec<BlockResult> {
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

/// What the generated crate prints (on stderr) before it stops itself because a block ran past the
/// time limit; the block's module name follows.
const TIME_LIMIT_REACHED: &str = "docgen: time limit reached in ";

/// The generated crate's `Deadline`: each block's test registers its start while it runs, and one
/// watchdog thread for the whole test process stops it (exit 124) when a block has not returned (or
/// panicked) within `timeout`. libtest itself has no time limit on stable Rust.
fn deadline_source(timeout: std::time::Duration) -> String {
    DEADLINE_SOURCE
        .replace("TIMEOUT_MS", &timeout.as_millis().to_string())
        .replace("TIME_LIMIT_REACHED", TIME_LIMIT_REACHED)
}

const DEADLINE_SOURCE: &str = r#"/// Stops the test process when a block runs past docgen's time limit.
pub struct Deadline(u64);
mod deadline {
    use std::sync::{Mutex, MutexGuard, Once, PoisonError, atomic::{AtomicU64, Ordering}};
    use std::time::{Duration, Instant};
    pub const LIMIT: Duration = Duration::from_millis(TIMEOUT_MS);
    /// The blocks running now: (id, module, start), in start order (pushed under the lock).
    static RUNNING: Mutex<Vec<(u64, &'static str, Instant)>> = Mutex::new(Vec::new());
    static NEXT_ID: AtomicU64 = AtomicU64::new(0);
    static WATCHDOG: Once = Once::new();
    pub fn running() -> MutexGuard<'static, Vec<(u64, &'static str, Instant)>> {
        RUNNING.lock().unwrap_or_else(PoisonError::into_inner)
    }
    /// Records that `block` starts now (starting the watchdog with the first); its id.
    pub fn register(block: &'static str) -> u64 {
        WATCHDOG.call_once(|| {
            std::thread::spawn(watch);
        });
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let mut running = running();
        running.push((id, block, Instant::now()));
        id
    }
    /// Sleeps until the oldest running block's deadline, then stops the process if it still runs.
    fn watch() {
        loop {
            let now = Instant::now();
            let oldest = running().first().map(|(_, block, started)| (*block, *started));
            match oldest {
                Some((block, started)) if now.duration_since(started) >= LIMIT => {
                    // Straight to stderr: libtest captures `eprintln!` in the test's threads.
                    let line = format!("TIME_LIMIT_REACHED{block}\n");
                    let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
                    std::process::exit(124);
                }
                Some((_, started)) => std::thread::sleep(started + LIMIT - now),
                None => std::thread::sleep(LIMIT),
            }
        }
    }
}
impl Deadline {
    pub fn start(block: &'static str) -> Deadline {
        Deadline(deadline::register(block))
    }
}
impl Drop for Deadline {
    fn drop(&mut self) {
        deadline::running().retain(|(id, _, _)| *id != self.0);
    }
}

"#;

fn module_name(index: usize) -> String {
    format!("block_{index:03}")
}

fn generate_crate(
    rust: &RustCrate,
    blocks: &[(PathBuf, RustBlock)],
) -> std::io::Result<Vec<BlockSpan>> {
    let dir = rust.dir.as_path();
    std::fs::create_dir_all(dir.join("src/bin"))?;
    write_if_changed(
        &dir.join("Cargo.toml"),
        &manifest(rust, dir, "", &compile_fail_targets(blocks))?,
    )?;
    copy_lock_file(rust, dir)?;
    let mut lib = String::from(
        "//! Generated: one module per tutorial rust block.\n#![allow(dead_code, unused_imports, unused_variables, unused_mut)]\n\n",
    );
    lib.push_str(&deadline_source(rust.timeout));
    lib.push_str("/// What a block's `main` may return.\npub trait BlockOutcome {\n    fn check(self);\n}\nimpl BlockOutcome for () {\n    fn check(self) {}\n}\nimpl<E: std::fmt::Debug> BlockOutcome for Result<(), E> {\n    fn check(self) {\n        if let Err(e) = self {\n            panic!(\"main returned an error: {e:?}\");\n        }\n    }\n}\n");
    let mut spans = Vec::new();
    let mut bins = std::collections::BTreeSet::new();
    for (index, (path, block)) in blocks.iter().enumerate() {
        let BlockSource {
            attributes,
            body,
            wrapped,
        } = block_source(&block.code, true);
        if block.compile_fail.is_some() {
            let name = format!("compile_fail_{index:03}");
            write_if_changed(
                &dir.join(format!("src/bin/{name}.rs")),
                &format!(
                    "// {}:{}\n{attributes}{body}\n",
                    path.display(),
                    block.pos.line
                ),
            )?;
            bins.insert(format!("{name}.rs"));
            continue;
        }
        // A module's inner attributes must come before its items, so the block's crate attributes
        // open the module (a crate-only one, `#![feature]`, sends the block to `standalone`).
        let _ = writeln!(
            lib,
            "\n/// {}:{}\npub mod {} {{\n{attributes}    use super::BlockOutcome;",
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
            "    {attrs}\n    fn run() {{\n        let _deadline = super::Deadline::start(\"{}\");\n        main().check();\n    }}\n}}",
            module_name(index)
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

/// `[[bin]]` tables for the `compile_fail` blocks that name an edition (cargo finds the others in
/// `src/bin` by itself): a block must fail under the edition it names, as under rustdoc.
fn compile_fail_targets(blocks: &[(PathBuf, RustBlock)]) -> String {
    let mut targets = String::new();
    for (index, (_, block)) in blocks.iter().enumerate() {
        if let (Some(_), Some(edition)) = (&block.compile_fail, block.edition) {
            let _ = write!(
                targets,
                "[[bin]]\nname = \"compile_fail_{index:03}\"\npath = \"src/bin/compile_fail_{index:03}.rs\"\nedition = \"{edition}\"\n\n"
            );
        }
    }
    targets
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
        let outcome = match cargo(rust, &rust.dir)
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
    let output = cargo(rust, &rust.dir)
        .args(["test", "--lib", "--message-format=short"])
        // As an environment variable, not an argument: a block reads `std::env::args()` as a
        // program of its own would (rustdoc runs each doctest without arguments).
        .env("RUST_TEST_THREADS", "2")
        .output();
    let (stdout, stderr, success) = match output {
        Ok(o) => (
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
            o.status.success(),
        ),
        Err(e) => (String::new(), format!("cannot run cargo: {e}"), false),
    };
    let compile_errors = map_compile_errors(&stderr, "src/lib.rs", spans, blocks);
    let timed_out = stderr
        .lines()
        .find_map(|line| line.strip_prefix(TIME_LIMIT_REACHED))
        .and_then(|module| spans.iter().find(|s| module_name(s.block) == module))
        .map(|span| span.block);
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
        } else if timed_out == Some(span.block) {
            Outcome::failed(timed_out_message(rust.timeout))
        } else if let Some(stopper) = timed_out {
            let (stopper_path, stopper_block) = &blocks[stopper];
            Outcome::failed(format!(
                "not finished: the blocks' test process was stopped when the block at {}:{} ran past the time limit",
                stopper_path.display(),
                stopper_block.pos.line
            ))
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
