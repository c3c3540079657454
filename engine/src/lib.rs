//! `ax`: a code-intelligence engine. It indexes a source tree's symbols and references with
//! tree-sitter into a tantivy index under `.ax/`, and answers `find`, `def`, `refs` and `stats`.
//!
//! The public API is [`Engine`] plus the plain data of [`model`], [`config`] and [`error`]; no
//! tantivy or tree-sitter type appears in it.
//!
//! ```no_run
//! use ax::{Engine, FindOptions};
//!
//! let engine = Engine::open("tutorials/fixtures/router-rs")?;
//! engine.index()?;
//! for hit in engine.find("parse request", &FindOptions::default())? {
//!     println!("{}:{}  {}", hit.symbol.path, hit.symbol.line, hit.symbol.name);
//! }
//! # Ok::<(), ax::Error>(())
//! ```

mod attach;
pub mod config;
pub mod error;
mod indexing;
pub mod model;
pub mod plugin;
mod query;
mod scan;
mod store;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use attach::EngineIndex;
pub use config::{Config, ConfigWarning};
pub use error::{Error, Result};
pub use model::{
    FindOptions, Hit, IndexReport, Language, LanguageStats, Occurrence, Reference, SkippedFile,
    Stats, Symbol, SymbolKind,
};

/// The engine's version, as printed by `ax --version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The name of the folder `ax` keeps its index in, under the indexed root.
pub const STORE_DIR_NAME: &str = store::STORE_DIR_NAME;

/// The engine for one source tree (its root holds `ax.toml` and `.ax/`).
#[derive(Debug, Clone)]
pub struct Engine {
    root: PathBuf,
    config: Config,
    config_warnings: Vec<ConfigWarning>,
    store: store::Store,
    /// Enabled plugins; `None` runs no hooks (see [`Engine::with_plugins`]).
    plugins: Option<std::sync::Arc<plugin::PluginHost>>,
}

impl Engine {
    /// Opens the engine for the tree at `root`, reading its `ax.toml` if there is one.
    /// Opening does not need an index: run [`Engine::index`] to build or refresh it.
    ///
    /// # Errors
    /// [`Error::Config`] when `ax.toml` is not valid TOML or a value has the wrong type;
    /// [`Error::Io`] when `root` or `ax.toml` cannot be read.
    pub fn open(root: impl AsRef<Path>) -> Result<Engine> {
        let root = root.as_ref().to_owned();
        if !root.is_dir() {
            return Err(Error::io(
                &root,
                std::io::Error::new(std::io::ErrorKind::NotFound, "not a directory"),
            ));
        }
        let (config, config_warnings) = Config::load(&root)?;
        let store = store::Store::new(&root);
        Ok(Engine {
            root,
            config,
            config_warnings,
            store,
            plugins: None,
        })
    }

    /// This engine with `plugins` running their hooks in `index` and `find`.
    pub fn with_plugins(mut self, plugins: std::sync::Arc<plugin::PluginHost>) -> Engine {
        self.plugins = Some(plugins);
        self
    }

    /// This engine without its plugins, and the plugins it had: a long-running process detaches the
    /// host to reload a plugin (which needs the only reference) and attaches it again.
    pub fn without_plugins(mut self) -> (Engine, Option<std::sync::Arc<plugin::PluginHost>>) {
        let plugins = self.plugins.take();
        (self, plugins)
    }

    /// Turns the query cache on or off for this engine, overriding `[query] cache` in `ax.toml`.
    pub fn with_query_cache(mut self, enabled: bool) -> Engine {
        self.config.query.cache = enabled;
        self
    }

    /// This engine keeping the index open between queries, for a long-running process (`ax serve`):
    /// each committed generation is opened once, and queries see a new one as soon as it commits.
    pub fn keeping_index_open(mut self) -> Engine {
        self.store = self.store.keeping_index_open();
        self
    }

    /// The indexed root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The resolved `ax.toml` (defaults where the file is silent).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Unknown keys found in `ax.toml`, each with its line.
    pub fn config_warnings(&self) -> &[ConfigWarning] {
        &self.config_warnings
    }

    /// Brings the index up to date: parses new and changed files (by content hash), drops deleted
    /// ones, and commits atomically. An old-format or damaged index is rebuilt from scratch.
    ///
    /// # Errors
    /// [`Error::Io`] or [`Error::Store`] when `.ax/` cannot be written. Unreadable or unparseable
    /// source files are not errors: they are listed in [`IndexReport::skipped`].
    pub fn index(&self) -> Result<IndexReport> {
        self.index_with_progress(&|_, _| {})
    }

    /// [`Engine::index`], calling `progress(parsed, to_parse)` as files are parsed.
    pub fn index_with_progress(
        &self,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<IndexReport> {
        indexing::index_tree(self, progress)
    }

    /// Re-indexes only the files at `changed` (absolute paths under the root: edited, created or
    /// deleted files and folders), as `ax serve`'s watcher reports them; what [`Engine::index`]
    /// would commit for the same tree, without walking and hashing every file. A new file, or a
    /// change to `.gitignore`, `.axignore` or `ax.toml`, runs the full [`Engine::index`] instead.
    ///
    /// # Errors
    /// As for [`Engine::index`].
    pub fn index_changed(&self, changed: &[PathBuf]) -> Result<IndexReport> {
        indexing::index_changed(self, changed)
    }

    pub(crate) fn store(&self) -> &store::Store {
        &self.store
    }

    /// The plugins whose hooks this engine runs, if any.
    pub fn plugins(&self) -> Option<&plugin::PluginHost> {
        self.plugins.as_deref()
    }

    /// Symbols ranked by BM25F over name, signature, doc comment and path, best first.
    ///
    /// # Errors
    /// [`Error::NoIndex`] before the first `index`; [`Error::IndexVersion`] or
    /// [`Error::IndexCorrupt`] when the index must be rebuilt; [`Error::Glob`] for a bad `path_glob`.
    pub fn find(&self, query: &str, options: &FindOptions) -> Result<Vec<Hit>> {
        let span = query_span("find", query);
        let _entered = span.enter();
        let query = &plugin::seam::rewrite_query(self.plugins.as_deref(), query);
        let hits = self.on_committed(&span, |context| context.find(query, options))?;
        let hits = plugin::seam::rerank_hits(self.plugins.as_deref(), query, hits);
        span.record("ax.query.results", hits.len());
        Ok(hits)
    }

    /// Definitions named `name`, sorted by path and line. `Type::method` or `Type.method` narrows
    /// to members of `Type`. Exact case wins; otherwise case-insensitive matches are returned.
    ///
    /// # Errors
    /// As for [`Engine::find`].
    pub fn def(&self, name: &str) -> Result<Vec<Symbol>> {
        let span = query_span("def", name);
        let _entered = span.enter();
        let symbols = self.on_committed(&span, |context| context.def(name))?;
        span.record("ax.query.results", symbols.len());
        Ok(symbols)
    }

    /// Every use of the identifier `name` outside its definitions, sorted by path, line, column.
    ///
    /// # Errors
    /// As for [`Engine::find`].
    pub fn refs(&self, name: &str) -> Result<Vec<Reference>> {
        let span = query_span("refs", name);
        let _entered = span.enter();
        let references = self.on_committed(&span, |context| context.refs(name))?;
        span.record("ax.query.results", references.len());
        Ok(references)
    }

    /// The stat the last commit recorded for the file at `relative_path` (`/`-separated): `None`
    /// when the file is not indexed or had not settled when it was read, so the next run reads it
    /// again (see [`model::FileStat::settled_before`]).
    ///
    /// # Errors
    /// As for [`Engine::find`].
    pub fn recorded_stat(&self, relative_path: &str) -> Result<Option<model::FileStat>> {
        let manifest = self.store.manifest()?;
        let files = self.store.file_table(&manifest)?;
        Ok(files.get(relative_path).and_then(|entry| entry.stat))
    }

    /// Counts of files, symbols and references, per language and kind.
    ///
    /// # Errors
    /// As for [`Engine::find`].
    pub fn stats(&self) -> Result<Stats> {
        let manifest = self.store.manifest()?;
        let files = self.store.file_table(&manifest)?;
        let mut stats = Stats {
            format_version: manifest.format_version,
            generation: manifest.generation,
            files: manifest.files,
            symbols: manifest.symbols,
            references: manifest.references,
            index_size_bytes: self.store.size_bytes(),
            ..Stats::default()
        };
        // Summed per language first, then named: no string is built per file (this runs after
        // every `ax serve` commit, over every file of the tree).
        let mut languages: BTreeMap<Language, LanguageStats> = BTreeMap::new();
        for entry in files.values() {
            let language = languages.entry(entry.language).or_default();
            language.files += 1;
            language.symbols += entry.symbols;
            language.references += entry.references;
            for (kind, count) in &entry.kinds {
                match stats.kinds.get_mut(kind.as_str()) {
                    Some(total) => *total += count,
                    None => {
                        stats.kinds.insert(kind.as_str().to_owned(), *count);
                    }
                }
            }
        }
        stats.languages = languages
            .into_iter()
            .map(|(language, counts)| (language.to_string(), counts))
            .collect();
        Ok(stats)
    }

    /// Runs `query` on the last committed generation. A commit landing between reading the
    /// manifest and opening the index (a long-running process re-indexing while it answers) makes
    /// the index look inconsistent with the manifest read just before; the query then runs again on
    /// the newer generation instead of failing.
    fn on_committed<T>(
        &self,
        span: &tracing::Span,
        query: impl Fn(&query::QueryContext<'_>) -> Result<T>,
    ) -> Result<T> {
        const ATTEMPTS: usize = 3;
        let mut attempt = 1;
        loop {
            let manifest = self.store.manifest()?;
            span.record("ax.index.generation", manifest.generation);
            match query(&self.context(&manifest)) {
                Err(Error::IndexCorrupt { .. })
                    if attempt < ATTEMPTS
                        && self
                            .store
                            .manifest()
                            .is_ok_and(|now| now.generation != manifest.generation) =>
                {
                    attempt += 1;
                }
                answer => return answer,
            }
        }
    }

    fn context<'a>(&'a self, manifest: &'a store::Manifest) -> query::QueryContext<'a> {
        query::QueryContext {
            store: &self.store,
            manifest,
            config: &self.config,
        }
    }
}

/// The `ax.query` span of one `find`, `def` or `refs` (free when no subscriber is installed);
/// generation and result count are recorded as they become known.
fn query_span(kind: &'static str, text: &str) -> tracing::Span {
    tracing::info_span!(
        "ax.query",
        ax.query.kind = kind,
        ax.query.text = text,
        ax.index.generation = tracing::field::Empty,
        ax.query.results = tracing::field::Empty,
    )
}

/// Extracts symbols and references from source text in memory, without an index: what `ax index`
/// would store for a file at `relative_path`. `None` when the parser gives up on the text.
pub fn extract_symbols(
    text: &str,
    language: Language,
    relative_path: &str,
) -> Option<(Vec<Symbol>, Vec<Reference>)> {
    scan::parse_text(text, language, relative_path).map(|extraction| {
        let references = extraction
            .references
            .into_iter()
            .map(|occurrence| Reference {
                name: occurrence.name,
                path: relative_path.to_owned(),
                line: occurrence.line,
                column: occurrence.column,
            })
            .collect();
        (extraction.symbols, references)
    })
}
