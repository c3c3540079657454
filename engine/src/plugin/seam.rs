//! The seam between the engine and the plugin runtime: `ax.toml` settings to limits and folders,
//! the engine's `Symbol`/`Hit` to plugin records and back, and the hook calls at the engine's call sites.
//! Input is engine model values; output is the same types with the plugins' changes applied.

use std::path::{Path, PathBuf};

use crate::config::PluginsConfig;
use crate::model::{Hit, Language, Symbol, SymbolKind};
use crate::plugin::discover::discover_plugin_dirs;
use crate::plugin::error::PluginError;
use crate::plugin::host::PluginHost;
use crate::plugin::limits::PluginLimits;
use crate::plugin::manifest::HookKind;
use crate::plugin::records::{PluginFile, PluginHit, PluginSymbol};

impl From<&PluginsConfig> for PluginLimits {
    fn from(config: &PluginsConfig) -> Self {
        Self {
            memory_limit_bytes: usize::try_from(config.memory_limit_bytes).unwrap_or(usize::MAX),
            instruction_budget: config.instruction_budget,
            timeout_ms: config.timeout_ms,
        }
    }
}

/// The plugin folders `[plugins]` enables, resolved against the project root.
pub fn enabled_plugin_dirs(
    root: &Path,
    config: &PluginsConfig,
) -> Result<Vec<PathBuf>, PluginError> {
    let paths: Vec<PathBuf> = config.paths.iter().map(|path| root.join(path)).collect();
    let dir = config.dir.as_ref().map(|dir| root.join(dir));
    discover_plugin_dirs(&paths, dir.as_deref())
}

/// A host with every enabled plugin loaded, and the errors of those that failed to load.
pub fn load_enabled(root: &Path, config: &PluginsConfig) -> (PluginHost, Vec<PluginError>) {
    let mut host = PluginHost::new(PluginLimits::from(config));
    match enabled_plugin_dirs(root, config) {
        Ok(dirs) => {
            let errors = host.load_dirs(&dirs);
            (host, errors)
        }
        Err(error) => (host, vec![error]),
    }
}

pub fn symbol_record(symbol: &Symbol) -> PluginSymbol {
    PluginSymbol {
        name: symbol.name.clone(),
        kind: symbol.kind.as_str().to_string(),
        path: symbol.path.clone(),
        line: symbol.line,
        signature: Some(symbol.signature.clone()).filter(|text| !text.is_empty()),
        doc: Some(symbol.doc.clone()).filter(|text| !text.is_empty()),
    }
}

pub fn hit_record(hit: &Hit) -> PluginHit {
    let symbol = symbol_record(&hit.symbol);
    PluginHit {
        name: symbol.name,
        kind: symbol.kind,
        path: symbol.path,
        line: symbol.line,
        score: hit.score,
        signature: symbol.signature,
        doc: symbol.doc,
    }
}

/// A symbol a plugin added to a file, in the engine's model.
fn symbol_from_record(record: PluginSymbol, language: Language) -> Symbol {
    Symbol {
        name: record.name,
        kind: SymbolKind::from(record.kind),
        lang: language,
        path: record.path,
        line: record.line.max(1),
        column: 1,
        end_line: record.line.max(1),
        signature: record.signature.unwrap_or_default(),
        doc: record.doc.unwrap_or_default(),
        container: None,
    }
}

/// What the `on_index` plugins are, as a hash; `None` without any. `ax index` is incremental by
/// content hash, so the hash of every file is salted with this: enabling, editing or removing an
/// `on_index` plugin then re-runs it on every file, instead of only on files that changed.
pub fn index_fingerprint(host: Option<&PluginHost>) -> Option<String> {
    let host = host.filter(|host| host.has_hook(HookKind::OnIndex))?;
    let mut hasher = blake3::Hasher::new();
    for plugin in host
        .plugins()
        .iter()
        .filter(|plugin| plugin.manifest().declares(HookKind::OnIndex))
    {
        hasher.update(plugin.name().as_bytes());
        hasher.update(b"\0");
        hasher.update(plugin.source_fingerprint().as_bytes());
        hasher.update(b"\0");
    }
    Some(hasher.finalize().to_hex().to_string())
}

/// The file with its content hash salted by the `on_index` plugins' fingerprint.
pub fn salt_content_hash(
    mut source: crate::scan::SourceFile,
    fingerprint: Option<&str>,
) -> crate::scan::SourceFile {
    if let Some(fingerprint) = fingerprint {
        source.content_hash = crate::model::ContentHash::of(
            format!("{}+plugins:{fingerprint}", source.content_hash.to_hex()).as_bytes(),
        );
    }
    source
}

/// The `on_index` call site: appends the symbols plugins add for this file.
pub fn extend_symbols(
    host: Option<&PluginHost>,
    path: &str,
    language: Language,
    text: &str,
    symbols: &mut Vec<Symbol>,
) {
    let Some(host) = host.filter(|host| host.has_hook(HookKind::OnIndex)) else {
        return;
    };
    let file = PluginFile {
        path: path.to_string(),
        language: Some(language.as_str().to_string()),
        text: text.to_string(),
    };
    let records: Vec<PluginSymbol> = symbols.iter().map(symbol_record).collect();
    let added = host.on_index(&file, &records);
    symbols.extend(
        added
            .into_iter()
            .map(|record| symbol_from_record(record, language)),
    );
}

/// The `on_query` call site: the query after every plugin's rewrite.
pub fn rewrite_query(host: Option<&PluginHost>, query: &str) -> String {
    match host.filter(|host| host.has_hook(HookKind::OnQuery)) {
        Some(host) => host.on_query(query),
        None => query.to_string(),
    }
}

/// The `on_results` call site. Plugins may reorder, filter and rescore; a hit they invent (one that
/// matches no engine hit by path, line and name) is dropped, since the engine knows nothing about it.
pub fn rerank_hits(host: Option<&PluginHost>, query: &str, hits: Vec<Hit>) -> Vec<Hit> {
    let Some(host) = host.filter(|host| host.has_hook(HookKind::OnResults)) else {
        return hits;
    };
    let records: Vec<PluginHit> = hits.iter().map(hit_record).collect();
    let reranked = host.on_results(query, records);
    reranked
        .into_iter()
        .filter_map(|record| {
            let original = hits.iter().find(|hit| {
                hit.symbol.path == record.path
                    && hit.symbol.line == record.line
                    && hit.symbol.name == record.name
            })?;
            Some(Hit {
                symbol: original.symbol.clone(),
                score: record.score,
            })
        })
        .collect()
}
