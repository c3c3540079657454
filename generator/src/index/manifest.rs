//! The bundle's manifest: the one small file the client loads first, naming everything else.
//! Input: index statistics, BM25F parameters and the shard separators; output: compact JSON whose file name
//! carries a fingerprint of the whole bundle, so every file can be cached forever.

use super::analysis::{MAX_TOKEN_BYTES, TOKENIZER_NAME};
use super::bm25f::{Bm25fParams, FIELD_CLASSES, SECTIONS_PER_PAGE};
use super::query_plan::{
    MAX_PREFIX_EXPANSIONS, MAX_TYPO_CANDIDATES, MIN_PREFIX_CHARS, STOP_WORDS, TYPO_MAX_HITS,
    TYPO_MIN_CHARS,
};
use super::section_index::{FIELD_COUNT, FIELD_NAMES};

/// Bumped whenever the bytes of any bundle file change meaning; the client refuses other versions.
pub const FORMAT_VERSION: u32 = 2;

/// The bundle's files besides the manifest and the numbered shards (`t<i>.bin`) and chunks (`d<i>.bin`),
/// inside the fingerprinted folder.
pub const PAGE_MAP_FILE: &str = "pages.bin";
/// The term dictionary for typo correction, fetched only when a word is (almost) not found.
pub const VOCABULARY_FILE: &str = "vocabulary.bin";
/// Each `.bin` file (and the manifest) also exists with this extension as a script that hands its
/// base64 bytes to `DocgenSearch.receive`, for pages opened from `file://` where `fetch` is refused.
pub const SCRIPT_TWIN_EXTENSION: &str = "js";

/// How the bundle analysed text, so a client can tell it applies the same rules.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AnalysisInfo {
    pub tokenizer: &'static str,
    pub stemmer: &'static str,
    pub max_token_bytes: usize,
}

/// When a word counts as misspelt and how it is corrected (`query_plan`), shared by both scorers.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TypoInfo {
    pub min_chars: usize,
    pub max_hits: u32,
    pub max_candidates: usize,
}

/// How ranked sections become results (`bm25f`), shared by both scorers.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RankingInfo {
    pub field_classes: [u32; FIELD_COUNT],
    pub sections_per_page: usize,
    pub stop_words: &'static [&'static str],
    /// Characters of text around the matched words the client shows per result.
    pub excerpt_length: usize,
}

/// How the typed last word expands, shared by both scorers.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PrefixInfo {
    pub min_chars: usize,
    pub max_expansions: usize,
}

/// `search/manifest.<fingerprint>.json`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Manifest {
    pub format: &'static str,
    pub version: u32,
    /// Number of sections (documents); ordinals run from 0 to `documents - 1`.
    pub documents: u32,
    pub fields: [&'static str; FIELD_COUNT],
    /// Mean quantized field length per field, the BM25F `avglen_f`.
    pub average_field_lengths: [f64; FIELD_COUNT],
    pub bm25f: Bm25fParams,
    pub analysis: AnalysisInfo,
    pub prefix: PrefixInfo,
    pub typo: TypoInfo,
    pub ranking: RankingInfo,
    /// Number of pages; `pages.bin` holds each page's section count.
    pub pages: u32,
    /// Folder of the shards and chunks, relative to the manifest (`<fingerprint>/`).
    pub files: String,
    /// The separator opening each term shard `t<i>.bin`: a term belongs to the last shard whose separator
    /// is less than or equal to it (byte order).
    pub shards: Vec<String>,
    /// Sections per document chunk `d<i>.bin`: section `n` is in chunk `n / doc_chunk_sections`.
    pub doc_chunk_sections: u32,
    pub doc_chunks: u32,
}

impl Manifest {
    pub fn new(
        documents: u32,
        average_field_lengths: [f64; FIELD_COUNT],
        bm25f: Bm25fParams,
        shards: Vec<String>,
        doc_chunk_sections: u32,
        doc_chunks: u32,
    ) -> Self {
        Manifest {
            format: "docgen-search",
            version: FORMAT_VERSION,
            documents,
            fields: FIELD_NAMES,
            average_field_lengths,
            bm25f,
            analysis: AnalysisInfo {
                tokenizer: TOKENIZER_NAME,
                stemmer: "snowball-english",
                max_token_bytes: MAX_TOKEN_BYTES,
            },
            prefix: PrefixInfo {
                min_chars: MIN_PREFIX_CHARS,
                max_expansions: MAX_PREFIX_EXPANSIONS,
            },
            typo: TypoInfo {
                min_chars: TYPO_MIN_CHARS,
                max_hits: TYPO_MAX_HITS,
                max_candidates: MAX_TYPO_CANDIDATES,
            },
            ranking: RankingInfo {
                field_classes: FIELD_CLASSES,
                sections_per_page: SECTIONS_PER_PAGE,
                stop_words: STOP_WORDS,
                excerpt_length: 0,
            },
            pages: 0,
            files: String::new(),
            shards,
            doc_chunk_sections,
            doc_chunks,
        }
    }

    /// Compact JSON bytes.
    pub fn to_json(&self) -> Vec<u8> {
        // Only strings and finite numbers: serialisation cannot fail; empty bytes would fail the client loudly.
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// First 16 hex digits of the BLAKE3 hash of `parts` (length-prefixed, so boundaries count).
pub fn fingerprint<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut hasher = blake3::Hasher::new();
    for part in parts {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.finalize().to_hex()[..16].to_owned()
}
