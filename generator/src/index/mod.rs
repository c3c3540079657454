//! The `index` stage: turns the site's searchable sections into a static, sharded search bundle under
//! `search/`. Input: `SearchDocument`s and `[search]` config; output: `OutputFile`s whose bytes depend only
//! on the input.
//!
//! Steps, one file each: `analysis` (tokenizer and stemmer shared with the client), `inverter` (the
//! parallel inverted index the bundle is exported from), `bm25f` (ranking, the reference for the client),
//! `shards` (term shards), `doc_chunks` (what a hit shows), `manifest` (the fingerprinted entry point).
//! `section_index` is the same sections in a tantivy index: the oracle tests hold `inverter` to.

pub mod analysis;
pub mod bm25f;
pub mod doc_chunks;
pub mod inverter;
pub mod manifest;
pub mod query_plan;
pub mod section_index;
pub mod shards;

use crate::config::SearchConfig;
use crate::diagnostics::Diagnostic;
use crate::model::{OutputFile, SEARCH_MANIFEST_PREFIX, SearchDocument};
use bm25f::Bm25fParams;
use inverter::InvertedIndex;
use manifest::Manifest;
use rayon::prelude::*;
use std::borrow::Borrow;
use std::io::Write;

/// Folder of the bundle inside the output directory.
pub const SEARCH_DIR: &str = "search";

/// Why the bundle could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SearchBundleError {
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
/// `documents` are the sections themselves or references to them (`docgen build` lends them from the
/// parsed pages instead of copying every section's text).
pub fn build_search_bundle<D: Borrow<SearchDocument> + Sync>(
    documents: &[D],
    config: &SearchConfig,
) -> Result<Vec<OutputFile>, Diagnostic> {
    if !config.enable || documents.is_empty() {
        return Ok(Vec::new());
    }
    let index = InvertedIndex::build(documents);
    Ok(export_bundle(&index, documents, config)?)
}

/// Export `index` (built from `documents`) as the bundle's files: manifest, term shards, document chunks.
pub fn export_bundle<D: Borrow<SearchDocument> + Sync>(
    index: &InvertedIndex,
    documents: &[D],
    config: &SearchConfig,
) -> Result<Vec<OutputFile>, SearchBundleError> {
    let document_count = u32::try_from(documents.len())
        .map_err(|_| SearchBundleError::TooManySections(documents.len()))?;
    let shards = shards::encode_shards(index.terms(), config.shard_size_bytes.max(1));
    let chunk_sections = config.doc_chunk_sections.max(1);
    let chunk_count = documents.len().div_ceil(chunk_sections);

    // Compression is most of the export: every file is deflated on its own, on all cores.
    let shard_files = shards
        .par_iter()
        .enumerate()
        .map(|(i, shard)| Ok((format!("t{i}.bin"), deflate(&shard.bytes)?)));
    let chunk_files = documents
        .par_chunks(chunk_sections)
        .enumerate()
        .map(|(i, chunk)| {
            let encoded = doc_chunks::encode_chunk(chunk, config.excerpt_length);
            Ok((format!("d{i}.bin"), deflate(&encoded)?))
        });
    let side_files = rayon::iter::once(manifest::PAGE_MAP_FILE)
        .chain(rayon::iter::once(manifest::VOCABULARY_FILE))
        .map(|name| {
            let raw = if name == manifest::PAGE_MAP_FILE {
                doc_chunks::encode_page_map(index.page_starts(), document_count)
            } else {
                shards::encode_vocabulary(index.terms())
            };
            Ok((name.to_owned(), deflate(&raw)?))
        });
    let named: Vec<(String, Vec<u8>)> = shard_files
        .chain(chunk_files)
        .chain(side_files)
        .collect::<Result<_, std::io::Error>>()?;
    let mut manifest = Manifest::new(
        document_count,
        index.average_field_lengths(),
        Bm25fParams::from_config(config),
        shards.into_iter().map(|s| s.separator).collect(),
        u32::try_from(chunk_sections).unwrap_or(u32::MAX),
        u32::try_from(chunk_count).unwrap_or(u32::MAX),
    );
    manifest.pages = u32::try_from(index.page_starts().len()).unwrap_or(u32::MAX);
    manifest.ranking.excerpt_length = config.excerpt_length;
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

/// The `file://` twins of the bundle's files, for a site meant to be opened from disk (`relative_urls`):
/// pages there cannot `fetch`, so the client loads each file through a script tag instead. Other sites
/// leave them out, since they would double the bundle's bytes.
pub fn script_twins(files: &[OutputFile]) -> Vec<OutputFile> {
    files.par_iter().map(script_twin).collect()
}

/// The `file://` twin of a bundle file: a script handing its bytes (base64) to the client, named like the
/// file plus `.js`; the key is the file's path inside `search/`.
fn script_twin(file: &OutputFile) -> OutputFile {
    use base64::Engine as _;
    let key = file
        .path
        .strip_prefix(&format!("{SEARCH_DIR}/"))
        .unwrap_or(&file.path);
    let data = base64::engine::general_purpose::STANDARD.encode(&file.bytes);
    OutputFile {
        path: format!("{}.{}", file.path, manifest::SCRIPT_TWIN_EXTENSION),
        bytes: format!("DocgenSearch.receive(\"{key}\",\"{data}\");\n").into_bytes(),
    }
}

/// Whether [`build_search_bundle`] will produce a bundle for these inputs (and so a manifest URL).
pub fn will_build_bundle<D>(documents: &[D], config: &SearchConfig) -> bool {
    config.enable && !documents.is_empty()
}

/// A stand-in for the manifest's fingerprint, so pages can be rendered while the bundle is built:
/// 16 hex digits like the real one (`manifest::fingerprint`), derived from the sections, so it is the
/// same on every build of the same input and no page's text spells it by chance.
/// [`settle_manifest_url`] puts the real fingerprint in its place.
pub fn pending_manifest_url<D: Borrow<SearchDocument>>(documents: &[D]) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"docgen pending search manifest\0");
    for d in documents {
        let d = d.borrow();
        for part in [
            &d.page_url,
            &d.anchor,
            &d.page_title,
            &d.section_title,
            &d.body,
            &d.code,
            &d.description,
        ] {
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
    }
    let token = &hasher.finalize().to_hex()[..16];
    format!("/{SEARCH_MANIFEST_PREFIX}{token}.json")
}

/// Replace the pending manifest URL's fingerprint (see [`pending_manifest_url`]) with the real one
/// (`manifest_url` of the bundle) in every HTML file, in place: both are 16 hex digits, so the rest
/// of each file keeps its bytes and offsets. Returns how many places were replaced.
pub fn settle_manifest_url(files: &mut [OutputFile], pending: &str, real: &str) -> usize {
    let (Some(pending), Some(real)) = (fingerprint_of(pending), fingerprint_of(real)) else {
        return 0;
    };
    if pending.len() != real.len() {
        return 0;
    }
    // Both are ASCII, so the bytes can be searched and replaced without decoding the pages.
    let finder = memchr::memmem::Finder::new(pending.as_bytes());
    files
        .par_iter_mut()
        .filter(|f| f.path.ends_with(".html"))
        .map(|file| {
            let at: Vec<usize> = finder.find_iter(&file.bytes).collect();
            for &i in &at {
                file.bytes[i..i + real.len()].copy_from_slice(real.as_bytes());
            }
            at.len()
        })
        .sum()
}

/// `/search/manifest.0123456789abcdef.json` → `0123456789abcdef`.
fn fingerprint_of(manifest_url: &str) -> Option<&str> {
    manifest_url
        .trim_start_matches('/')
        .strip_prefix(SEARCH_MANIFEST_PREFIX)?
        .strip_suffix(".json")
}

/// The site path of the manifest among the bundle's files (`/search/manifest.<hash>.json`), for templates.
pub fn manifest_url(files: &[OutputFile]) -> Option<String> {
    files
        .iter()
        .find(|f| f.path.starts_with(SEARCH_MANIFEST_PREFIX) && f.path.ends_with(".json"))
        .map(|f| format!("/{}", f.path))
}

/// zlib-deflate at level 6: deterministic for equal input, inflated by the browser's
/// `DecompressionStream("deflate")`. Level 9 made the bundle 0.26% smaller for 1.6x the compression time
/// (about a third of the index stage); see docs/performance.md.
///
/// Each thread keeps one encoder and resets it between files: a fresh one allocates and zeroes its
/// window and hash tables (about 256 KB) for every file, which was a fifth of compressing the bundle's
/// small files. A reset stream writes the same bytes as a new one (`deflate_reuses_its_encoder...`).
pub fn deflate(bytes: &[u8]) -> Result<Vec<u8>, std::io::Error> {
    type Encoder = flate2::write::ZlibEncoder<Vec<u8>>;
    thread_local! {
        static ENCODER: std::cell::RefCell<Option<Encoder>> = const { std::cell::RefCell::new(None) };
    }
    ENCODER.with_borrow_mut(|slot| {
        let encoder =
            slot.get_or_insert_with(|| Encoder::new(Vec::new(), flate2::Compression::new(6)));
        let compressed = encoder
            .write_all(bytes)
            .and_then(|()| encoder.reset(Vec::new()));
        if compressed.is_err() {
            // A failed stream is not reused.
            *slot = None;
        }
        compressed
    })
}

/// Inverse of [`deflate`], for tests and tools.
pub fn inflate(bytes: &[u8]) -> Result<Vec<u8>, std::io::Error> {
    let mut decoder = flate2::write::ZlibDecoder::new(Vec::new());
    decoder.write_all(bytes)?;
    decoder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(body: &str) -> SearchDocument {
        SearchDocument {
            page_url: "/p/".into(),
            anchor: String::new(),
            page_title: "P".into(),
            section_title: "P".into(),
            body: body.into(),
            code: String::new(),
            description: String::new(),
        }
    }

    #[test]
    fn deflate_reuses_its_encoder_and_writes_what_a_fresh_one_writes() {
        let fresh = |bytes: &[u8]| {
            let mut encoder =
                flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
            encoder.write_all(bytes).expect("in memory");
            encoder.finish().expect("in memory")
        };
        let long: Vec<u8> = (0..200_000u32)
            .flat_map(|i| (i.wrapping_mul(2_654_435_761) >> 22).to_le_bytes())
            .collect();
        // A long, poorly compressible input first, so a reset that kept its window would show.
        let inputs: [&[u8]; 4] = [&long, b"search search search", b"", &long[..70_000]];
        for input in inputs {
            let reused = deflate(input).expect("in memory");
            assert_eq!(reused, fresh(input), "{} bytes", input.len());
            assert_eq!(inflate(&reused).expect("valid zlib"), input);
        }
    }

    #[test]
    fn the_pending_manifest_fingerprint_is_replaced_in_html_files_only() {
        let pending = pending_manifest_url(&[section("one")]);
        assert_eq!(
            pending,
            pending_manifest_url(&[section("one")]),
            "same input, same stand-in"
        );
        assert_ne!(pending, pending_manifest_url(&[section("two")]));
        let token = fingerprint_of(&pending).expect("a manifest URL");
        assert_eq!(token.len(), 16);
        let real = "/search/manifest.0123456789abcdef.json";
        let page = format!(
            "<input data-manifest=\"{pending}\"><a href=\"../search/manifest.{token}.json\">x</a>"
        );
        let mut files = vec![
            OutputFile {
                path: "a/index.html".into(),
                bytes: page.clone().into_bytes(),
            },
            OutputFile {
                path: "a/index.md".into(),
                bytes: page.clone().into_bytes(),
            },
        ];
        assert_eq!(settle_manifest_url(&mut files, &pending, real), 2);
        assert_eq!(
            String::from_utf8(files[0].bytes.clone()).expect("utf-8"),
            "<input data-manifest=\"/search/manifest.0123456789abcdef.json\"><a href=\"../search/manifest.0123456789abcdef.json\">x</a>"
        );
        assert_eq!(
            files[1].bytes,
            page.into_bytes(),
            "only HTML is rendered with it"
        );
        assert_eq!(settle_manifest_url(&mut files, "/not/a/manifest", real), 0);
    }
}
