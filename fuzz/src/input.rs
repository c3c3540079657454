//! Helpers shared by the targets: fuzz bytes as text, a reader that turns bytes into structured values,
//! and the checks every diagnostic must pass (a line inside the file, a column inside the line, a render
//! that does not panic).

use docgen::diagnostics::Diagnostic;

/// The bytes as UTF-8 text; invalid sequences become U+FFFD, as a file read with `from_utf8_lossy` would.
pub fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Reads structured values off the front of the fuzz input; once the bytes run out every read gives
/// zero, so any input is a valid program for a structure-aware target.
pub struct Bytes<'a> {
    data: &'a [u8],
}

impl<'a> Bytes<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Bytes { data }
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&first, rest)) => {
                self.data = rest;
                first
            }
            None => 0,
        }
    }

    /// A value in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        usize::from(self.byte()) % n
    }

    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }

    /// Up to `max` bytes as text (lossy UTF-8), the length taken from the next byte.
    pub fn string(&mut self, max: usize) -> String {
        let len = self.below(max + 1).min(self.data.len());
        let (head, rest) = self.data.split_at(len);
        self.data = rest;
        text(head)
    }

    /// Everything left.
    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.data)
    }
}

/// Checks a diagnostic about `file_text`: its line is in the file (or 0 for "no line"), its column
/// is inside that line (or one past its end), and rendering it with its source line does not panic.
pub fn check_diagnostic(diagnostic: &Diagnostic, file_text: &str) {
    let line_count = file_text.split('\n').count();
    assert!(
        diagnostic.line <= line_count,
        "diagnostic line {} is past the end of a {line_count}-line file: {diagnostic}",
        diagnostic.line
    );
    if diagnostic.line > 0 && diagnostic.col > 0 {
        let source = file_text.split('\n').nth(diagnostic.line - 1).unwrap_or("");
        let chars = source.chars().count();
        assert!(
            diagnostic.col <= chars + 1,
            "diagnostic column {} is past the end of line {} ({chars} characters): {diagnostic}",
            diagnostic.col,
            diagnostic.line
        );
    }
    let _ = diagnostic.clone().with_source(file_text).render(false);
    let _ = diagnostic.clone().with_source(file_text).render(true);
}
