//! BM25F ranking and query planning, the Rust reference the browser client must match hit for hit.
//! Input: a query string and the tantivy section index; output: the top sections, scored with the `[search]`
//! parameters. `theme/static/search.js` implements the same arithmetic in the same order.
//!
//! For a query term `t` and a section `d` with fields `f`:
//! `w = Σ_f boost_f · tf_f / (1 − b + b · len_f / avglen_f)`, `score = idf(t) · w · (k1 + 1) / (k1 + w)`,
//! `idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5))` where `df` counts sections containing `t` in any field and
//! `len_f` is tantivy's quantized fieldnorm. Scores are rounded to 1e-6 so that the last-bit differences
//! between Rust's and JavaScript's `ln` cannot reorder hits; ties go to the earlier section.

use super::analysis::{MAX_TOKEN_BYTES, analyze, last_typed_part, stem};
use super::section_index::{FIELD_COUNT, Posting, SectionIndex};
use crate::config::SearchConfig;
use std::collections::BTreeMap;

/// A prefix shorter than this (in characters) is matched exactly only: one letter would fetch every shard.
pub const MIN_PREFIX_CHARS: usize = 2;
/// At most this many dictionary terms stand in for the word being typed (most frequent first).
pub const MAX_PREFIX_EXPANSIONS: usize = 16;

/// The BM25F parameters as both scorers see them (f64, written to the manifest as is).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Bm25fParams {
    pub k1: f64,
    pub b: f64,
    /// Per field, in `FIELD_NAMES` order.
    pub boosts: [f64; FIELD_COUNT],
}

impl Bm25fParams {
    pub fn from_config(config: &SearchConfig) -> Self {
        let boosts = [
            config.boost_title,
            config.boost_section,
            config.boost_body,
            config.boost_code,
        ];
        Bm25fParams {
            k1: decimal_f64(config.k1),
            b: decimal_f64(config.b),
            boosts: boosts.map(decimal_f64),
        }
    }
}

/// The f64 a reader expects from a decimal f32 (`0.8`, not `0.800000011920929`), so the manifest shows
/// the configured value and both scorers use the same one.
fn decimal_f64(value: f32) -> f64 {
    value.to_string().parse().unwrap_or(f64::from(value))
}

/// Inverse document frequency of a term found in `document_frequency` of `document_count` sections.
pub fn idf(document_count: u32, document_frequency: u32) -> f64 {
    let (n, df) = (f64::from(document_count), f64::from(document_frequency));
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// BM25F contribution of one term to one section.
pub fn term_score(
    params: &Bm25fParams,
    average_lengths: &[f64; FIELD_COUNT],
    idf: f64,
    posting: &Posting,
) -> f64 {
    let mut weighted_frequency = 0.0;
    let per_field = posting
        .fields
        .iter()
        .zip(average_lengths)
        .zip(params.boosts);
    for ((occurrence, &average_length), boost) in per_field {
        if occurrence.term_frequency == 0 || average_length <= 0.0 {
            continue;
        }
        let length = f64::from(occurrence.field_length);
        let norm = 1.0 - params.b + params.b * length / average_length;
        weighted_frequency += boost * f64::from(occurrence.term_frequency) / norm;
    }
    idf * weighted_frequency * (params.k1 + 1.0) / (params.k1 + weighted_frequency)
}

/// Round a score so equal-in-theory scores compare equal on both sides.
pub fn round_score(score: f64) -> f64 {
    (score * 1e6).round() / 1e6
}

/// One query term slot: the terms that stand for one query word (several while its prefix is typed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuerySlot {
    pub terms: Vec<String>,
}

/// The lowercased last word of `query` when it is still being typed (no separator after it), if long enough
/// to expand.
pub fn typed_prefix(query: &str) -> Option<String> {
    let word = last_typed_part(query)?;
    (word.chars().count() >= MIN_PREFIX_CHARS && word.len() <= MAX_TOKEN_BYTES).then_some(word)
}

/// Plan a query: one slot per distinct analysed term; with `prefix`, the slot of the typed word also holds
/// the dictionary terms starting with it (`dictionary` lists them with their document frequency).
pub fn plan_query(
    query: &str,
    prefix: bool,
    dictionary: impl FnOnce(&str) -> Vec<(String, u32)>,
) -> Vec<QuerySlot> {
    let mut slots: Vec<QuerySlot> = Vec::new();
    for term in analyze(query) {
        if !slots.iter().any(|slot| slot.terms[0] == term) {
            slots.push(QuerySlot { terms: vec![term] });
        }
    }
    if !prefix {
        return slots;
    }
    let Some(typed) = typed_prefix(query) else {
        return slots;
    };
    let stemmed = stem(&typed);
    let Some(slot) = slots.iter_mut().rev().find(|slot| slot.terms[0] == stemmed) else {
        return slots;
    };
    let mut candidates: Vec<(String, u32)> = dictionary(&typed)
        .into_iter()
        .filter(|(term, _)| *term != stemmed)
        .collect();
    candidates.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    slot.terms.extend(
        candidates
            .into_iter()
            .take(MAX_PREFIX_EXPANSIONS)
            .map(|(term, _)| term),
    );
    slots
}

/// One ranked section.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hit {
    pub ordinal: u32,
    pub score: f64,
}

/// Rank sections for `query` straight from the tantivy index: the reference the client is tested against.
pub fn search(
    index: &SectionIndex,
    params: &Bm25fParams,
    query: &str,
    prefix: bool,
    limit: usize,
) -> tantivy::Result<Vec<Hit>> {
    let average_lengths = index.average_field_lengths()?;
    let mut lookup_error = None;
    let slots = plan_query(query, prefix, |typed: &str| {
        let terms = index.terms_with_prefix(typed).unwrap_or_else(|e| {
            lookup_error = Some(e);
            Vec::new()
        });
        terms
            .into_iter()
            .map(|term| {
                let df = index
                    .postings(&term)
                    .map_or(0, |p| u32::try_from(p.len()).unwrap_or(u32::MAX));
                (term, df)
            })
            .collect()
    });
    if let Some(error) = lookup_error {
        return Err(error);
    }
    let mut scores: BTreeMap<u32, f64> = BTreeMap::new();
    for slot in &slots {
        let mut slot_scores: BTreeMap<u32, f64> = BTreeMap::new();
        for term in &slot.terms {
            let postings = index.postings(term)?;
            let term_idf = idf(
                index.document_count(),
                u32::try_from(postings.len()).unwrap_or(u32::MAX),
            );
            for posting in &postings {
                let score = term_score(params, &average_lengths, term_idf, posting);
                let best = slot_scores.entry(posting.ordinal).or_insert(0.0);
                if score > *best {
                    *best = score;
                }
            }
        }
        for (ordinal, score) in slot_scores {
            *scores.entry(ordinal).or_insert(0.0) += score;
        }
    }
    Ok(rank(scores, limit))
}

/// Sort by rounded score (highest first), then by ordinal, and keep `limit`.
pub fn rank(scores: BTreeMap<u32, f64>, limit: usize) -> Vec<Hit> {
    let mut hits: Vec<Hit> = scores
        .into_iter()
        .map(|(ordinal, score)| Hit {
            ordinal,
            score: round_score(score),
        })
        .collect();
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.ordinal.cmp(&b.ordinal)));
    hits.truncate(limit);
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_prefix_is_the_last_unfinished_word() {
        assert_eq!(typed_prefix("tantivy ind").as_deref(), Some("ind"));
        assert_eq!(typed_prefix("tantivy ind ").as_deref(), None);
        assert_eq!(typed_prefix("parseUr").as_deref(), Some("ur"));
        assert_eq!(typed_prefix("x").as_deref(), None);
    }

    #[test]
    fn prefix_slot_keeps_the_most_frequent_expansions() {
        let dictionary = |typed: &str| {
            assert_eq!(typed, "sea");
            vec![
                ("sea".to_owned(), 1),
                ("search".to_owned(), 9),
                ("seal".to_owned(), 9),
                ("seam".to_owned(), 2),
            ]
        };
        let slots = plan_query("tantivy sea", true, dictionary);
        assert_eq!(slots[0].terms, ["tantivi"]);
        assert_eq!(slots[1].terms, ["sea", "seal", "search", "seam"]);
    }

    #[test]
    fn idf_falls_as_terms_get_common() {
        assert!(idf(100, 1) > idf(100, 50));
        assert!(idf(100, 100) > 0.0);
    }

    #[test]
    fn config_boosts_are_read_as_written() {
        let params = Bm25fParams::from_config(&SearchConfig::default());
        assert_eq!(params.boosts, [3.0, 2.0, 1.0, 0.8]);
        assert_eq!(params.b, 0.75);
    }
}
