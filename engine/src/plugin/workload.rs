//! The workload `ax plugin dev`, `trace` and `profile` run the hooks on: the project's own files and
//! a query against its index, or the built-in sample when the project has neither.
//! Input is a project (its root, `[index]` settings and an index reader) and a host; output is the
//! hook calls, via the host.

use std::path::Path;

use crate::config::IndexConfig;
use crate::plugin::api::IndexReader;
use crate::plugin::host::PluginHost;
use crate::plugin::records::{PluginFile, PluginHit, PluginSymbol};
use crate::plugin::sample::{SAMPLE_QUERY, sample_file, sample_hits, sample_symbols};
use crate::plugin::seam::symbol_record;

/// The project a workload runs on: where its files are and how to query its index.
pub struct Project<'a> {
    pub root: &'a Path,
    pub index_config: &'a IndexConfig,
    /// The index without plugins, so the workload's query does not run the hooks twice.
    pub index: &'a dyn IndexReader,
    /// How many hits the query asks for (`[query] default_limit`).
    pub limit: usize,
}

/// What the workload ran on, for the header line of a trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadSummary {
    pub files: usize,
    pub query: String,
    /// False when the project had no index and the sample hits stood in for `on_results`.
    pub hits_from_index: bool,
}

/// The project's indexable files with the symbols the engine extracts from them.
pub fn project_files(
    root: &Path,
    index_config: &IndexConfig,
) -> Vec<(PluginFile, Vec<PluginSymbol>)> {
    let Ok((walked, _skipped)) = crate::scan::walk(root, index_config, false) else {
        return Vec::new();
    };
    walked
        .iter()
        .filter_map(|file| crate::scan::read(file).ok())
        .map(|source| {
            let symbols =
                crate::extract_symbols(&source.text, source.language, &source.relative_path)
                    .map(|(symbols, _)| symbols.iter().map(symbol_record).collect())
                    .unwrap_or_default();
            let file = PluginFile {
                path: source.relative_path.clone(),
                language: Some(source.language.as_str().to_string()),
                text: source.text,
            };
            (file, symbols)
        })
        .collect()
}

/// Calls `on_index` and every lint rule per file, then `on_query` and `on_results` for `query`.
/// Without a project, or when the project has no files, runs the built-in sample instead.
pub fn run_workload(
    project: Option<&Project<'_>>,
    host: &PluginHost,
    query: Option<&str>,
) -> WorkloadSummary {
    let mut files = project
        .map(|project| project_files(project.root, project.index_config))
        .unwrap_or_default();
    if files.is_empty() {
        files.push((sample_file(), sample_symbols()));
    }
    for (file, symbols) in &files {
        host.on_index(file, symbols);
    }
    let plain_files: Vec<PluginFile> = files.iter().map(|(file, _)| file.clone()).collect();
    host.lint(&plain_files);

    let query = query.unwrap_or(SAMPLE_QUERY).to_string();
    let rewritten = host.on_query(&query);
    let indexed: Option<Vec<PluginHit>> =
        project.and_then(|project| project.index.find(&rewritten, project.limit).ok());
    let hits_from_index = indexed.is_some();
    host.on_results(&rewritten, indexed.unwrap_or_else(sample_hits));
    WorkloadSummary {
        files: files.len(),
        query,
        hits_from_index,
    }
}
