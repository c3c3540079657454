//! One file per kind of tested code block; `run_step` is the one match that dispatches to them.
//! Input: a `Step` and the tutorial's sandbox; output: one `BlockResult` per checked item.

pub mod console;
pub mod perf;
pub mod rust;

use super::extract::Step;
use super::sandbox::Sandbox;
use super::{BlockResult, Outcome, RunContext};

/// Run one step of a tutorial in its sandbox. Rust blocks are collected and run later, all tutorials'
/// blocks in one crate, so they yield nothing here.
pub fn run_step(step: &Step, sandbox: &mut Sandbox, context: &RunContext) -> Vec<BlockResult> {
    match step {
        Step::Console(block) => console::run(block, sandbox),
        Step::File {
            path,
            contents,
            pos,
        } => {
            let outcome = match sandbox.write_file(path, contents) {
                Ok(()) => Outcome::Passed,
                Err(e) => Outcome::failed(format!("cannot write {}: {e}", path.display())),
            };
            vec![BlockResult::new(
                pos,
                "file",
                path.display().to_string(),
                outcome,
            )]
        }
        Step::Perf(claim) => vec![perf::run(claim, sandbox, context)],
        Step::Rust(_) => Vec::new(),
        Step::Skipped { pos, reason } => vec![BlockResult::new(
            pos,
            "skipped",
            String::new(),
            Outcome::Skipped {
                reason: reason.clone(),
            },
        )],
    }
}
