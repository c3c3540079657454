//! The `index` stage: turns the site's searchable sections into a static, sharded search bundle under
//! `search/`. Input: `SearchDocument`s and `[search]` config; output: `OutputFile`s whose bytes depend only
//! on the input.
//!
//! Steps, one file each: `analysis` (tokenizer and stemmer shared with the client), `section_index` (the
//! tantivy index), `bm25f` (ranking, the reference for the client), `shards` (term shards), `doc_chunks`
//! (what a hit shows), `manifest` (the fingerprinted entry point).

pub mod analysis;
pub mod bm25f;
pub mod doc_chunks;
pub mod manifest;
pub mod section_index;
pub mod shards;

use crate::config::SearchConfig;
use crate::diagnostics::Diagnostic;
use crate::model::{OutputFile, SEARCH_MANIFEST_PREFIX, SearchDocument};
use bm25f::Bm25fParams;
use manifest::Manifest;
use section_index::SectionIndex;
use std::io::Write;

/// Folder of the bundle inside the output directory.
pub const SEARCH_DIR: &str = "search";

/// Why the bundle could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SearchBundleError {
    #[error("building the tantivy search index failed: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("compressing a search shard failed: {0}")]
    Compress(#[from] std::io::Error),
    #[error("the site has {0} searchable sections; the search bundle holds at most {max}", max = u32::MAX)]
    TooManySections(usize),
}

impl From<SearchBundleError> for Diagnostic {
    fn from(error: SearchBundleError) -> Diagnostic {
        Diagnostic::error("", 0, 0, error.to_string())
    }
}

/// Build the search bundle. Returns no files when search is disabled or nothing is searchable.
pub fn build_search_bundle(
    documents: &[SearchDocument],
    config: &SearchConfig,
) -> Result<Vec<OutputFile>, Diagnostic> {
    if !config.enable || documents.is_empty() {
        return Ok(Vec::new());
    }
    let index = SectionIndex::build(documents).map_err(SearchBundleError::from)?;
    Ok(export_bundle(&index, documents, config)?)
}

/// Export `index` (built from `documents`) as the bundle's files: manifest, term shards, document chunks.
pub fn export_bundle(
    index: &SectionIndex,
    documents: &[SearchDocument],
    config: &SearchConfig,
) -> Result<Vec<OutputFile>, SearchBundleError> {
    let document_count = u32::try_from(documents.len())
        .map_err(|_| SearchBundleError::TooManySections(documents.len()))?;
    let terms = index.all_postings()?;
    let shards = shards::encode_shards(&terms, config.shard_size_bytes.max(1));
    let chunk_sections = config.doc_chunk_sections.max(1);
    let chunks: Vec<Vec<u8>> = documents
        .chunks(chunk_sections)
        .map(|chunk| doc_chunks::encode_chunk(chunk, config.excerpt_length))
        .collect();

    let mut named: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, shard) in shards.iter().enumerate() {
        named.push((format!("t{i}.bin"), deflate(&shard.bytes)?));
    }
    for (i, chunk) in chunks.iter().enumerate() {
        named.push((format!("d{i}.bin"), deflate(chunk)?));
    }
    let mut manifest = Manifest::new(
        document_count,
        index.average_field_lengths()?,
        Bm25fParams::from_config(config),
        shards.into_iter().map(|s| s.separator).collect(),
        u32::try_from(chunk_sections).unwrap_or(u32::MAX),
        u32::try_from(chunks.len()).unwrap_or(u32::MAX),
    );
    let unnamed_manifest = manifest.to_json();
    let hash = manifest::fingerprint(
        std::iter::once(unnamed_manifest.as_slice())
            .chain(named.iter().map(|(_, bytes)| bytes.as_slice())),
    );
    manifest.files = format!("{hash}/");

    let mut files = vec![OutputFile {
        path: format!("{SEARCH_MANIFEST_PREFIX}{hash}.json"),
        bytes: manifest.to_json(),
    }];
    files.extend(named.into_iter().map(|(name, bytes)| OutputFile {
        path: format!("{SEARCH_DIR}/{hash}/{name}"),
        bytes,
    }));
    Ok(files)
}

/// The site path of the manifest among the bundle's files (`/search/manifest.<hash>.json`), for templates.
pub fn manifest_url(files: &[OutputFile]) -> Option<String> {
    files
        .iter()
        .find(|f| f.path.starts_with(SEARCH_MANIFEST_PREFIX) && f.path.ends_with(".json"))
        .map(|f| format!("/{}", f.path))
}

/// zlib-deflate at the highest level: deterministic for equal input, inflated by the browser's
/// `DecompressionStream("deflate")`.
pub fn deflate(bytes: &[u8]) -> Result<Vec<u8>, std::io::Error> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    encoder.finish()
}

/// Inverse of [`deflate`], for tests and tools.
pub fn inflate(bytes: &[u8]) -> Result<Vec<u8>, std::io::Error> {
    let mut decoder = flate2::write::ZlibDecoder::new(Vec::new());
    decoder.write_all(bytes)?;
    decoder.finish()
}
