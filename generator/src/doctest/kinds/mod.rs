//! One file per kind of tested code block. Each file owns its kind's parse (code block → `Step`) and
//! run (`Step::run` in the sandbox) and exports one `KIND` entry; `KINDS` is the table `extract`
//! dispatches through. Adding a kind is one new file plus one entry in `KINDS`.
//! Input: a `CodeBlock` (parse) or a step and the tutorial's sandbox (run); output: a `Step` or a
//! `path:line` diagnostic, then one `BlockResult` per checked item.

pub mod console;
pub mod file;
pub mod perf;
pub mod rust;
pub mod skipped;

use super::options::RunContext;
use super::results::BlockResult;
use super::sandbox::Sandbox;
use crate::diagnostics::Diagnostic;
use crate::model::{CodeBlock, SourcePos};

/// The kinds of tested blocks, in the order they are asked; the first whose `accepts` is true parses
/// the block. `file` comes first: any language with `file=PATH` is a file to write.
pub const KINDS: &[Kind] = &[file::KIND, console::KIND, perf::KIND, rust::KIND];

/// One kind of tested code block.
pub struct Kind {
    /// The kind's name in results and reports (`console`, `file`, `perf`, `rust`).
    pub name: &'static str,
    /// True when this kind runs `block` (by language or attribute).
    pub accepts: fn(&CodeBlock) -> bool,
    /// The block as a step, or why it is not a valid block of this kind (at its `path:line`).
    pub parse: fn(&CodeBlock) -> Result<Box<dyn Step>, Diagnostic>,
}

/// When the orchestration runs a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// In document order in the tutorial's sandbox, beside other tutorials.
    InOrder,
    /// A measurement: from this step on, the tutorial runs alone, after every other tutorial.
    Alone,
    /// Collected from every tutorial and run together afterwards (the merged rust crate).
    SharedCrate,
}

/// A parsed block, ready to run.
pub trait Step: std::fmt::Debug + Send + Sync {
    /// Where the block starts in its markdown file.
    fn pos(&self) -> &SourcePos;
    fn phase(&self) -> Phase {
        Phase::InOrder
    }
    /// Run in the tutorial's sandbox; one result per checked item.
    fn run(&self, sandbox: &mut Sandbox, context: &RunContext) -> Vec<BlockResult>;
    /// For the orchestration to collect `SharedCrate` steps, and for tests.
    fn as_any(&self) -> &dyn std::any::Any;
}
