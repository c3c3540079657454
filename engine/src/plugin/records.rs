//! Plain records that cross the plugin boundary: files, symbols, hits, lint findings, hook-call traces.
//! They are what Lua code sees (as tables) and what the engine converts its own model types to and from.

use serde::{Deserialize, Serialize};

/// A source file handed to `on_index` and to lint rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginFile {
    /// Path relative to the indexed root, with `/` separators.
    pub path: String,
    /// Language name as the engine detected it (`rust`, `python`, ...), if any.
    #[serde(default)]
    pub language: Option<String>,
    pub text: String,
}

/// A symbol as plugins see it. Plugins may add symbols in `on_index`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginSymbol {
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub path: String,
    /// 1-based.
    pub line: u32,
    #[serde(default)]
    pub signature: Option<String>,
    #[serde(default)]
    pub doc: Option<String>,
}

/// A ranked search result as plugins see it; `on_results` may reorder, filter or rescore these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PluginHit {
    pub name: String,
    pub kind: String,
    pub path: String,
    /// 1-based.
    pub line: u32,
    pub score: f32,
    #[serde(default)]
    pub signature: Option<String>,
    #[serde(default)]
    pub doc: Option<String>,
}

/// One finding of a lint rule, as the rule returns it (`{ line = 3, message = "..." }`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawLintFinding {
    pub line: u32,
    pub message: String,
}

/// A lint finding with its origin, as `ax lint` reports it: `path:line: plugin/rule: message`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LintFinding {
    pub path: String,
    pub line: u32,
    pub plugin: String,
    pub rule: String,
    pub message: String,
}

impl std::fmt::Display for LintFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {}/{}: {}",
            self.path, self.line, self.plugin, self.rule, self.message
        )
    }
}
