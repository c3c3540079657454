//! File blocks: any block with `file=PATH` is written to `PATH` in the sandbox before the next block
//! runs, so a tutorial builds a plugin or a config step by step. Input: the block; output: one result
//! (written, or why not).

use super::{Kind, Step};
use crate::diagnostics::Diagnostic;
use crate::doctest::options::RunContext;
use crate::doctest::results::{BlockResult, Outcome};
use crate::doctest::sandbox::{Sandbox, sandbox_relative};
use crate::model::{CodeBlock, SourcePos};
use std::path::PathBuf;

pub const KIND: Kind = Kind {
    name: "file",
    accepts: |block| block.attribute("file").is_some(),
    parse,
};

/// A block with `file=PATH`.
#[derive(Debug, Clone, PartialEq)]
pub struct FileBlock {
    /// Relative to the sandbox root, without `..` (checked at parse time).
    pub path: PathBuf,
    pub contents: String,
    pub pos: SourcePos,
}

fn parse(block: &CodeBlock) -> Result<Box<dyn Step>, Diagnostic> {
    let raw = block.attribute("file").unwrap_or_default();
    let path = sandbox_relative(raw).ok_or_else(|| {
        Diagnostic::error(
            &block.pos.path,
            block.pos.line,
            block.pos.col,
            format!("file={raw} leaves the tutorial's sandbox"),
        )
        .with_hint("use a relative path without `..`")
    })?;
    Ok(Box::new(FileBlock {
        path,
        contents: block.code.clone(),
        pos: block.pos.clone(),
    }))
}

impl Step for FileBlock {
    fn pos(&self) -> &SourcePos {
        &self.pos
    }

    fn run(&self, sandbox: &mut Sandbox, _context: &RunContext) -> Vec<BlockResult> {
        let outcome = match sandbox.write_file(&self.path, &self.contents) {
            Ok(()) => Outcome::Passed,
            Err(e) => Outcome::failed(format!("cannot write {}: {e}", self.path.display())),
        };
        vec![BlockResult::new(
            &self.pos,
            "file",
            self.path.display().to_string(),
            outcome,
        )]
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctest::extract::tests::block;

    #[test]
    fn file_outside_the_sandbox_is_an_error() {
        let err = parse(&block("lua", &[("file", Some("../../etc/x"))], "x")).unwrap_err();
        assert!(
            err.message.contains("leaves the tutorial's sandbox"),
            "{err}"
        );
        assert!(parse(&block("lua", &[("file", Some("/etc/x"))], "x")).is_err());
        let ok = parse(&block("lua", &[("file", Some("p/init.lua"))], "x")).unwrap();
        let file = ok.as_any().downcast_ref::<FileBlock>().unwrap();
        assert_eq!(file.path, PathBuf::from("p/init.lua"));
    }
}
