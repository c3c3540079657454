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
pub mod model;
pub mod plugin;
mod query;
mod scan;
mod store;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

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

    /// Turns the query cache on or off for this engine, overriding `[query] cache` in `ax.toml`.
    pub fn with_query_cache(mut self, enabled: bool) -> Engine {
        self.config.query.cache = enabled;
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
        let (walked, mut skipped) = scan::walk(&self.root, &self.config.index)?;
        let mut update = self.store.begin_update()?;
        let plugins_fingerprint = plugin::seam::index_fingerprint(self.plugins.as_deref());
        let read: Vec<_> = walked
            .par_iter()
            .map(|file| {
                scan::read(file).map(|source| {
                    plugin::seam::salt_content_hash(source, plugins_fingerprint.as_deref())
                })
            })
            .collect();

        let mut files = store::FileTable::new();
        let mut to_parse = Vec::new();
        let mut syntax_errors = Vec::new();
        for outcome in read {
            match outcome {
                Ok(source) => match update.previous_files().get(&source.relative_path) {
                    Some(entry) if entry.content_hash == source.content_hash => {
                        if entry.syntax_errors {
                            syntax_errors.push(source.relative_path.clone());
                        }
                        files.insert(source.relative_path.clone(), entry.clone());
                    }
                    _ => to_parse.push(source),
                },
                Err(skip) => skipped.push(skip),
            }
        }
        let files_unchanged = files.len();

        let done = AtomicUsize::new(0);
        let total = to_parse.len();
        let parsed: Vec<_> = to_parse
            .into_par_iter()
            .map(|source| {
                let extraction = scan::parse(&source);
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                (source, extraction)
            })
            .collect();

        let mut report = IndexReport {
            files_seen: walked.len(),
            files_unchanged,
            rebuilt_reason: update.rebuilt_reason().map(str::to_owned),
            ..IndexReport::default()
        };
        for (source, extraction) in parsed {
            let path = source.relative_path.as_str();
            if update.previous_files().contains_key(path) {
                update.remove_file(path);
            }
            let extraction = match extraction {
                Ok(extraction) => extraction,
                Err(skip) => {
                    skipped.push(skip);
                    continue;
                }
            };
            let mut extraction = extraction;
            plugin::seam::extend_symbols(
                self.plugins.as_deref(),
                path,
                source.language,
                &source.text,
                &mut extraction.symbols,
            );
            if extraction.has_syntax_errors {
                syntax_errors.push(source.relative_path.clone());
            }
            update.add_file(path, &extraction.symbols, &extraction.references)?;
            let entry = store::file_entry(
                &source.content_hash,
                source.language,
                &extraction.symbols,
                extraction.references.len(),
                extraction.has_syntax_errors,
            );
            files.insert(source.relative_path.clone(), entry);
            report.files_parsed += 1;
        }

        let removed: BTreeSet<String> = update
            .previous_files()
            .keys()
            .filter(|path| !files.contains_key(*path))
            .cloned()
            .collect();
        for path in &removed {
            update.remove_file(path);
        }
        report.files_removed = removed.len();
        skipped.sort();
        skipped.dedup();
        report.skipped = skipped;
        syntax_errors.sort();
        report.files_with_syntax_errors = syntax_errors;

        let nothing_changed =
            report.files_parsed == 0 && removed.is_empty() && report.rebuilt_reason.is_none();
        let manifest = if nothing_changed && update.previous_generation() > 0 {
            self.store.manifest()?
        } else {
            update.commit(files)?
        };
        report.generation = manifest.generation;
        report.symbols = manifest.symbols;
        report.references = manifest.references;
        Ok(report)
    }

    /// Symbols ranked by BM25F over name, signature, doc comment and path, best first.
    ///
    /// # Errors
    /// [`Error::NoIndex`] before the first `index`; [`Error::IndexVersion`] or
    /// [`Error::IndexCorrupt`] when the index must be rebuilt; [`Error::Glob`] for a bad `path_glob`.
    pub fn find(&self, query: &str, options: &FindOptions) -> Result<Vec<Hit>> {
        let query = &plugin::seam::rewrite_query(self.plugins.as_deref(), query);
        let manifest = self.store.manifest()?;
        let hits = self.context(&manifest).find(query, options)?;
        Ok(plugin::seam::rerank_hits(
            self.plugins.as_deref(),
            query,
            hits,
        ))
    }

    /// Definitions named `name`, sorted by path and line. `Type::method` or `Type.method` narrows
    /// to members of `Type`. Exact case wins; otherwise case-insensitive matches are returned.
    ///
    /// # Errors
    /// As for [`Engine::find`].
    pub fn def(&self, name: &str) -> Result<Vec<Symbol>> {
        let manifest = self.store.manifest()?;
        self.context(&manifest).def(name)
    }

    /// Every use of the identifier `name` outside its definitions, sorted by path, line, column.
    ///
    /// # Errors
    /// As for [`Engine::find`].
    pub fn refs(&self, name: &str) -> Result<Vec<Reference>> {
        let manifest = self.store.manifest()?;
        self.context(&manifest).refs(name)
    }

    /// Counts of files, symbols and references, per language and kind.
    ///
    /// # Errors
    /// As for [`Engine::find`].
    pub fn stats(&self) -> Result<Stats> {
        let manifest = self.store.manifest()?;
        let files = self.store.file_table()?;
        let mut stats = Stats {
            format_version: manifest.format_version,
            generation: manifest.generation,
            files: manifest.files,
            symbols: manifest.symbols,
            references: manifest.references,
            index_size_bytes: self.store.size_bytes(),
            ..Stats::default()
        };
        for entry in files.values() {
            let language = stats
                .languages
                .entry(entry.language.to_string())
                .or_default();
            language.files += 1;
            language.symbols += entry.symbols;
            language.references += entry.references;
            for (kind, count) in &entry.kinds {
                *stats.kinds.entry(kind.clone()).or_insert(0) += count;
            }
        }
        Ok(stats)
    }

    fn context<'a>(&'a self, manifest: &'a store::Manifest) -> query::QueryContext<'a> {
        query::QueryContext {
            store: &self.store,
            manifest,
            config: &self.config,
        }
    }
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
