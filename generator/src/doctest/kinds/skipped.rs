//! Blocks of a tested kind marked `ignore="reason"`: not run, reported as skipped with the reason.
//! Input: the block's position and reason; output: one skipped result. (`extract` decides when a block
//! is skipped, since `ignore` applies to every kind.)

use super::Step;
use crate::doctest::options::RunContext;
use crate::doctest::results::{BlockResult, Outcome};
use crate::doctest::sandbox::Sandbox;
use crate::model::SourcePos;

/// A block that is not run, with the reason the author gave.
#[derive(Debug, Clone, PartialEq)]
pub struct SkippedBlock {
    pub pos: SourcePos,
    pub reason: String,
}

impl Step for SkippedBlock {
    fn pos(&self) -> &SourcePos {
        &self.pos
    }

    fn run(&self, _sandbox: &mut Sandbox, _context: &RunContext) -> Vec<BlockResult> {
        vec![BlockResult::new(
            &self.pos,
            "skipped",
            String::new(),
            Outcome::Skipped {
                reason: self.reason.clone(),
            },
        )]
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
