//! Problems found by any stage, with the `path:line:col` of the source that caused them.
//! Stages return `Diagnostic` values and never print; the binary renders them (source line + caret).

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem is: errors fail the build, warnings are printed and the build goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// One problem: where it is, what it is, and optionally the offending source line and a hint.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// File relative to the site root (or as given on the command line); empty for site-wide problems.
    pub path: PathBuf,
    /// 1-based; 0 when the problem has no line (e.g. an unreadable file).
    pub line: usize,
    /// 1-based, in characters (not bytes); 0 when unknown.
    pub col: usize,
    /// How many characters from `col` the caret underlines (a link's whole `[text](target)`); 0 means
    /// "to the end of the word".
    /// (u16 keeps `Diagnostic` small enough to return by value; longer spans saturate.)
    pub width: u16,
    pub message: String,
    /// The full source line at `line`, for the snippet under the message.
    pub source_line: Option<String>,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(
        path: impl Into<PathBuf>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line,
            col,
            width: 0,
            message: message.into(),
            source_line: None,
            hint: None,
        }
    }

    pub fn warning(
        path: impl Into<PathBuf>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, line, col, message)
        }
    }

    /// Attach the source line at `self.line`, taken from the whole text of the file.
    pub fn with_source(mut self, file_text: &str) -> Self {
        if self.line > 0 {
            self.source_line = file_text.lines().nth(self.line - 1).map(str::to_owned);
        }
        self
    }

    /// Attach the source line itself (when the caller has the line, not the whole file).
    pub fn with_source_line(mut self, line: &str) -> Self {
        self.source_line = Some(line.to_owned());
        self
    }

    /// Underline `width` characters from the column.
    pub fn with_width(mut self, width: usize) -> Self {
        self.width = u16::try_from(width).unwrap_or(u16::MAX);
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:col`, leaving out the parts that are unknown.
    pub fn location(&self) -> String {
        location(&self.path, self.line, self.col)
    }

    /// Render like rustc: `error: message`, ` --> path:line:col`, the source line and a caret.
    pub fn render(&self, color: bool) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let path = self.path.display().to_string();
        let mut group = Group::with_title(level.primary_title(self.message.as_str()));
        if let Some(source_line) = &self.source_line {
            let (start, end) = caret_span(source_line, self.col, usize::from(self.width));
            let mut snippet = Snippet::source(source_line.as_str())
                .line_start(self.line)
                .path(path.as_str());
            if end > start {
                snippet = snippet.annotation(AnnotationKind::Primary.span(start..end));
            }
            group = group.element(snippet);
        } else if !path.is_empty() {
            group = group.element(
                annotate_snippets::Origin::path(path.as_str())
                    .line(self.line.max(1))
                    .char_column(self.col.max(1)),
            );
        }
        if let Some(hint) = &self.hint {
            group = group.element(Level::HELP.message(hint.as_str()));
        }
        renderer.render(&[group]).to_string()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let loc = self.location();
        if loc.is_empty() {
            write!(f, "{kind}: {}", self.message)
        } else {
            write!(f, "{loc}: {kind}: {}", self.message)
        }
    }
}

/// `path:line:col`, leaving out zero parts.
pub fn location(path: &Path, line: usize, col: usize) -> String {
    let mut s = path.display().to_string();
    if line > 0 {
        s.push_str(&format!(":{line}"));
        if col > 0 {
            s.push_str(&format!(":{col}"));
        }
    }
    s
}

/// The byte range of `line` the caret underlines: from character column `col` (1-based), `width`
/// characters, or to the end of the word when `width` is 0; at least one character unless the line
/// is empty. Never splits a character, whatever `col` and `width` say.
pub fn caret_span(line: &str, col: usize, width: usize) -> (usize, usize) {
    let start = line
        .char_indices()
        .nth(col.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    let rest = &line[start..];
    let end = if width > 0 {
        rest.char_indices()
            .nth(width)
            .map_or(line.len(), |(i, _)| start + i)
    } else {
        rest.find(char::is_whitespace)
            .map_or(line.len(), |i| start + i)
    };
    if end > start {
        (start, end)
    } else {
        // A column on a space or past the end: underline the one character there, if any.
        let next = rest.chars().next().map_or(0, char::len_utf8);
        (start, start + next)
    }
}

/// 1-based line and column (in characters) of a byte offset in `text`; an offset inside a character
/// counts as that character.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// True when any diagnostic is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_spans_count_characters_not_bytes() {
        let line = "日本語 [リンク テキスト](nope.md) 👍🏽 é";
        let (start, end) = caret_span(line, 5, 19);
        assert_eq!(&line[start..end], "[リンク テキスト](nope.md)");
        // Past the end, on a combining character, width beyond the line: never a panic.
        for col in 0..40 {
            for width in [0, 1, 3, 100] {
                let (start, end) = caret_span(line, col, width);
                assert!(line.is_char_boundary(start) && line.is_char_boundary(end));
            }
        }
    }

    #[test]
    fn line_col_inside_a_character_does_not_panic() {
        assert_eq!(line_col("a\n日本", 4), (2, 1));
        assert_eq!(line_col("a\n日本", 5), (2, 2));
    }
}
