//! Plain data passed between the engine's stages and to plugins: symbols, references, hits and reports.
//! Every type here is owned, comparable and serde-serializable; nothing in this module does I/O.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A source language `ax` can parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Rust,
    Python,
    TypeScript,
    JavaScript,
    Go,
}

impl Language {
    /// Every supported language, in a stable order.
    pub const ALL: [Language; 5] = [
        Language::Rust,
        Language::Python,
        Language::TypeScript,
        Language::JavaScript,
        Language::Go,
    ];

    /// The lowercase name used in `ax.toml`, `--lang` and JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Rust => "rust",
            Language::Python => "python",
            Language::TypeScript => "typescript",
            Language::JavaScript => "javascript",
            Language::Go => "go",
        }
    }

    /// The language of a file, judged by its extension.
    pub fn from_extension(extension: &str) -> Option<Language> {
        match extension {
            "rs" => Some(Language::Rust),
            "py" | "pyi" => Some(Language::Python),
            "ts" | "tsx" | "mts" | "cts" => Some(Language::TypeScript),
            "js" | "jsx" | "mjs" | "cjs" => Some(Language::JavaScript),
            "go" => Some(Language::Go),
            _ => None,
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Language {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let lowered = text.to_ascii_lowercase();
        Language::ALL
            .into_iter()
            .find(|language| language.as_str() == lowered || (lowered == "ts" && *language == Language::TypeScript) || (lowered == "js" && *language == Language::JavaScript) || (lowered == "py" && *language == Language::Python) || (lowered == "rs" && *language == Language::Rust))
            .ok_or_else(|| format!("unknown language `{text}` (expected one of rust, python, typescript, javascript, go)"))
    }
}

/// What a symbol is. Plugins may add kinds of their own (`Other`), e.g. `todo`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum SymbolKind {
    Function,
    Method,
    Struct,
    Enum,
    Union,
    Trait,
    Interface,
    Class,
    Type,
    Module,
    Macro,
    Constant,
    Static,
    Field,
    Variable,
    Other(String),
}

impl SymbolKind {
    const NAMED: [(SymbolKind, &'static str); 15] = [
        (SymbolKind::Function, "function"),
        (SymbolKind::Method, "method"),
        (SymbolKind::Struct, "struct"),
        (SymbolKind::Enum, "enum"),
        (SymbolKind::Union, "union"),
        (SymbolKind::Trait, "trait"),
        (SymbolKind::Interface, "interface"),
        (SymbolKind::Class, "class"),
        (SymbolKind::Type, "type"),
        (SymbolKind::Module, "module"),
        (SymbolKind::Macro, "macro"),
        (SymbolKind::Constant, "constant"),
        (SymbolKind::Static, "static"),
        (SymbolKind::Field, "field"),
        (SymbolKind::Variable, "variable"),
    ];

    /// The lowercase name used in `--kind` and JSON output.
    pub fn as_str(&self) -> &str {
        match self {
            SymbolKind::Other(name) => name,
            known => Self::NAMED
                .iter()
                .find(|(kind, _)| kind == known)
                .map(|(_, name)| *name)
                .unwrap_or("other"),
        }
    }

    /// Whether a symbol of this kind can hold others (its name becomes their `container`).
    pub fn is_container(&self) -> bool {
        matches!(
            self,
            SymbolKind::Struct
                | SymbolKind::Enum
                | SymbolKind::Union
                | SymbolKind::Trait
                | SymbolKind::Interface
                | SymbolKind::Class
                | SymbolKind::Module
        )
    }
}

impl From<String> for SymbolKind {
    fn from(name: String) -> Self {
        let lowered = name.to_ascii_lowercase();
        Self::NAMED
            .iter()
            .find(|(_, known)| *known == lowered)
            .map(|(kind, _)| kind.clone())
            .unwrap_or(SymbolKind::Other(lowered))
    }
}

impl From<SymbolKind> for String {
    fn from(kind: SymbolKind) -> Self {
        kind.as_str().to_owned()
    }
}

impl fmt::Display for SymbolKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A named definition found in a source file. Lines and columns are 1-based; `column` counts bytes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Symbol {
    pub name: String,
    pub kind: SymbolKind,
    pub lang: Language,
    /// Path relative to the indexed root, with `/` separators.
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    /// The declaration up to its body, whitespace collapsed (e.g. `pub fn parse(input: &str) -> Ast`).
    pub signature: String,
    /// The doc comment or docstring, comment markers stripped; empty when there is none.
    pub doc: String,
    /// The enclosing class, struct, impl, trait, interface or module, if any.
    pub container: Option<String>,
}

/// A file's blake3 content hash (salted with the `on_index` plugins' fingerprint when there are any).
/// Serialized as lowercase hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ContentHash(pub [u8; ContentHash::BYTES]);

impl ContentHash {
    pub const BYTES: usize = 32;

    /// The hash of `bytes`.
    pub fn of(bytes: &[u8]) -> ContentHash {
        ContentHash(*blake3::hash(bytes).as_bytes())
    }

    /// Lowercase hex, as people and the plugin salt see it.
    pub fn to_hex(self) -> String {
        blake3::Hash::from_bytes(self.0).to_hex().to_string()
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl Serialize for ContentHash {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

/// What a file's metadata said when it was last read: a later run whose walk sees the same values
/// keeps the file's entry without reading it again (`ax index` on a large, mostly unchanged tree).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStat {
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub modified_ns: i64,
    /// Status-change time (Unix `ctime`; the modification time elsewhere): a rename, or a copy
    /// that kept the modification time, changes it.
    pub changed_ns: i64,
    /// The inode number (0 where there is none): a file replaced by another one changes it.
    pub inode: u64,
}

impl FileStat {
    /// How long before a run's start a file's times must be for its stat to be trusted: a write
    /// within the timestamp granularity of the last read (2 s on FAT, 1 s on ext3 and HFS+) could
    /// otherwise leave size and times unchanged ("racy" entries, as git calls them).
    pub const SETTLED_NS: i64 = 2_000_000_000;

    /// `self` if the file had not changed for [`FileStat::SETTLED_NS`] before `run_started_ns`
    /// (so any later write gives it a newer time), else `None` (the next run reads it again).
    pub fn settled_before(self, run_started_ns: i64) -> Option<FileStat> {
        (self.modified_ns.max(self.changed_ns) < run_started_ns.saturating_sub(Self::SETTLED_NS))
            .then_some(self)
    }

    /// Now, in nanoseconds since the Unix epoch (0 if the clock is before it).
    pub fn now_ns() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| {
                i64::try_from(elapsed.as_nanos()).unwrap_or(i64::MAX)
            })
    }
}

/// One use of an identifier (a call, a type mention, a field access) that is not its definition.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Reference {
    pub name: String,
    pub path: String,
    pub line: u32,
    pub column: u32,
}

/// An identifier use inside one file, the file being known from context (the store's per-file
/// record; [`Reference`] is the same with its path).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Occurrence {
    pub name: String,
    pub line: u32,
    pub column: u32,
}

/// A ranked search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub symbol: Symbol,
    /// BM25F score, with the exact-name boost applied; higher is better.
    pub score: f32,
}

/// Filters and limits for `find` and `def`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FindOptions {
    pub kind: Option<SymbolKind>,
    pub lang: Option<Language>,
    /// A glob over the symbol's relative path, e.g. `src/**/*.rs`.
    pub path_glob: Option<String>,
    /// Maximum number of hits; `None` uses `[query] default_limit` from `ax.toml`.
    pub limit: Option<usize>,
}

/// A file the indexer left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SkippedFile {
    pub path: String,
    pub reason: String,
}

/// What `ax index` did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexReport {
    /// Source files seen by the walk (known language, not ignored).
    pub files_seen: usize,
    /// Files parsed this run because they are new or their content hash changed.
    pub files_parsed: usize,
    pub files_unchanged: usize,
    pub files_removed: usize,
    /// Symbols and references now in the index (all files).
    pub symbols: usize,
    pub references: usize,
    /// Files parsed with syntax errors: their symbols are partial.
    pub files_with_syntax_errors: Vec<String>,
    pub skipped: Vec<SkippedFile>,
    /// Set when an old-format or damaged index was discarded and rebuilt.
    pub rebuilt_reason: Option<String>,
    pub generation: u64,
}

/// Per-language counts in `ax stats`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageStats {
    pub files: usize,
    pub symbols: usize,
    pub references: usize,
}

/// What the index holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub format_version: u32,
    pub generation: u64,
    pub files: usize,
    pub symbols: usize,
    pub references: usize,
    pub languages: BTreeMap<String, LanguageStats>,
    pub kinds: BTreeMap<String, usize>,
    pub index_size_bytes: u64,
}
