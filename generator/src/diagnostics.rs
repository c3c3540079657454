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
    /// 1-based; 0 when unknown.
    pub col: usize,
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
            let col0 = self.col.saturating_sub(1).min(source_line.len());
            // Underline from the column to the end of the word (at least one character).
            let width = source_line[col0..]
                .find(char::is_whitespace)
                .unwrap_or(source_line.len() - col0)
                .max(1);
            let end = (col0 + width).min(source_line.len());
            let mut snippet = Snippet::source(source_line.as_str())
                .line_start(self.line)
                .path(path.as_str());
            if end > col0 {
                snippet = snippet.annotation(AnnotationKind::Primary.span(col0..end));
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

/// 1-based line and column of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
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
