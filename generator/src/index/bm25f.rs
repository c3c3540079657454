//! BM25F ranking and grouping by page, the Rust reference the browser client must match hit for hit.
//! Input: a query string and the inverted index; output: the top pages with their best sections, scored
//! with the `[search]` parameters. `theme/static/search-core.js` implements the same arithmetic in the
//! same order.
//!
//! For a query term `t` and a section `d` with fields `f`:
//! `w = Σ_f boost_f · tf_f / (1 − b + b · len_f / avglen_f)`, `score = idf(t) · w · (k1 + 1) / (k1 + w)`,
//! `idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5))` where `df` counts sections containing `t` in any field and
//! `len_f` is tantivy's quantized fieldnorm. Scores are rounded to 1e-6 so that the last-bit differences
//! between Rust's and JavaScript's `ln` cannot reorder hits.
//!
//! Sections rank by, in order: how many non-stop query words they contain (coverage; a joined word such
//! as `base_url` counts as one more word, so exact matches of a flag or key come first), the sum over those
//! words of the best field each was found in (`FIELD_CLASSES`: title and heading above prose above code),
//! the BM25F score (of every word but the joined ones, already scored through their parts), and the
//! earlier section. A page ranks at its best section and lists at most
//! `SECTIONS_PER_PAGE` sections.

use super::inverter::InvertedIndex;
use super::query_plan::{Dictionary, plan_query};
use super::section_index::{FIELD_COUNT, Posting};
use crate::config::SearchConfig;
use std::collections::BTreeMap;

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

/// One ranked section.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hit {
    pub ordinal: u32,
    pub score: f64,
}

/// One ranked page: its best sections, best first (the first is the page's entry, the rest sub-results).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PageHit {
    /// Position of the page among the pages of the bundle (`InvertedIndex::page_starts`).
    pub page: u32,
    pub sections: Vec<Hit>,
}

/// A section's rank: more matched words first, then better fields, then the BM25F score.
#[derive(Debug, Clone, Copy, PartialEq)]
struct SectionRank {
    ordinal: u32,
    /// Non-stop query words found in the section.
    coverage: u32,
    /// Sum over those words of the best field class they were found in ([`field_class`]).
    tier: u32,
    score: f64,
}

impl SectionRank {
    fn before(&self, other: &SectionRank) -> std::cmp::Ordering {
        other
            .coverage
            .cmp(&self.coverage)
            .then(other.tier.cmp(&self.tier))
            .then(other.score.total_cmp(&self.score))
            .then(self.ordinal.cmp(&other.ordinal))
    }
}

/// How much a match in field `field` (in `FIELD_NAMES` order) says about a section: page title and
/// heading 2, prose 1, code 0, so a heading match outranks prose and prose outranks a code sample.
pub const FIELD_CLASSES: [u32; FIELD_COUNT] = [2, 2, 1, 0];

impl Dictionary for InvertedIndex {
    fn frequency(&self, term: &str) -> u32 {
        u32::try_from(self.postings(term).len()).unwrap_or(u32::MAX)
    }
    fn with_prefix(&self, prefix: &str) -> Vec<(String, u32)> {
        self.terms_with_prefix(prefix)
            .map(|(term, postings)| {
                (
                    term.to_owned(),
                    u32::try_from(postings.len()).unwrap_or(u32::MAX),
                )
            })
            .collect()
    }
    fn all_terms(&self) -> Vec<(String, u32)> {
        self.terms()
            .iter()
            .map(|(term, postings)| {
                (
                    term.clone(),
                    u32::try_from(postings.len()).unwrap_or(u32::MAX),
                )
            })
            .collect()
    }
}

/// Rank pages for `query` straight from the inverted index: the reference the client is tested against.
/// At most `limit` pages, each with at most [`SECTIONS_PER_PAGE`] sections.
pub fn search(
    index: &InvertedIndex,
    params: &Bm25fParams,
    query: &str,
    prefix: bool,
    limit: usize,
) -> Vec<PageHit> {
    let ranks = section_ranks(index, params, query, prefix);
    group_by_page(ranks.into_values(), index.page_starts(), limit)
}

/// Every matching section with its rounded BM25F score alone, best first (ties: the earlier section):
/// the part of the ranking that `tests/search_tantivy.rs` checks against tantivy's BM25.
pub fn scores_only(
    index: &InvertedIndex,
    params: &Bm25fParams,
    query: &str,
    prefix: bool,
) -> Vec<Hit> {
    let mut hits: Vec<Hit> = section_ranks(index, params, query, prefix)
        .into_values()
        .map(|rank| Hit {
            ordinal: rank.ordinal,
            score: round_score(rank.score),
        })
        .filter(|hit| hit.score > 0.0)
        .collect();
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.ordinal.cmp(&b.ordinal)));
    hits
}

/// Coverage, tier and unrounded BM25F score of every section matching `query`.
fn section_ranks(
    index: &InvertedIndex,
    params: &Bm25fParams,
    query: &str,
    prefix: bool,
) -> BTreeMap<u32, SectionRank> {
    let average_lengths = index.average_field_lengths();
    let slots = plan_query(query, prefix, index);
    let mut ranks: BTreeMap<u32, SectionRank> = BTreeMap::new();
    for slot in &slots {
        // Per section: the best score and the best field class of the slot's terms.
        let mut slot_best: BTreeMap<u32, (f64, u32)> = BTreeMap::new();
        for term in &slot.terms {
            let postings = index.postings(term);
            let term_idf = idf(
                index.document_count(),
                u32::try_from(postings.len()).unwrap_or(u32::MAX),
            );
            for posting in postings {
                let score = term_score(params, &average_lengths, term_idf, posting);
                let class = best_field_class(params, posting);
                let best = slot_best.entry(posting.ordinal).or_insert((0.0, 0));
                if score > best.0 {
                    best.0 = score;
                }
                if class > best.1 {
                    best.1 = class;
                }
            }
        }
        for (ordinal, (score, class)) in slot_best {
            let rank = ranks.entry(ordinal).or_insert(SectionRank {
                ordinal,
                coverage: 0,
                tier: 0,
                score: 0.0,
            });
            if !slot.joined {
                rank.score += score;
            }
            if !slot.stop && score > 0.0 {
                rank.coverage += 1;
                rank.tier += class;
            }
        }
    }
    ranks
}

/// At most this many sections of one page are shown: the entry and two sub-results.
pub const SECTIONS_PER_PAGE: usize = 3;

/// The best field class (+1, so 0 means no boosted field) among the fields of `posting` with boost > 0.
fn best_field_class(params: &Bm25fParams, posting: &Posting) -> u32 {
    posting
        .fields
        .iter()
        .zip(params.boosts)
        .zip(FIELD_CLASSES)
        .filter(|((occurrence, boost), _)| occurrence.term_frequency > 0 && *boost > 0.0)
        .map(|(_, class)| class + 1)
        .max()
        .unwrap_or(0)
}

/// Round scores, drop sections scoring 0 (matched only in fields with boost 0), rank sections, and keep
/// each page once, at the rank of its best section, with its best [`SECTIONS_PER_PAGE`] sections.
fn group_by_page(
    ranks: impl Iterator<Item = SectionRank>,
    page_starts: &[u32],
    limit: usize,
) -> Vec<PageHit> {
    let mut sections: Vec<SectionRank> = ranks
        .map(|rank| SectionRank {
            score: round_score(rank.score),
            ..rank
        })
        .filter(|rank| rank.score > 0.0)
        .collect();
    sections.sort_by(SectionRank::before);
    let mut pages: Vec<PageHit> = Vec::new();
    let mut page_slot: BTreeMap<u32, usize> = BTreeMap::new();
    for section in sections {
        let page = page_of(page_starts, section.ordinal);
        let hit = Hit {
            ordinal: section.ordinal,
            score: section.score,
        };
        match page_slot.get(&page) {
            Some(&i) if pages[i].sections.len() < SECTIONS_PER_PAGE => {
                pages[i].sections.push(hit);
            }
            Some(_) => {}
            None if pages.len() < limit => {
                page_slot.insert(page, pages.len());
                pages.push(PageHit {
                    page,
                    sections: vec![hit],
                });
            }
            None => {}
        }
    }
    pages
}

/// The page holding section `ordinal`: the last page starting at or before it.
pub fn page_of(page_starts: &[u32], ordinal: u32) -> u32 {
    let after = page_starts.partition_point(|&start| start <= ordinal);
    u32::try_from(after.saturating_sub(1)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idf_falls_as_terms_get_common() {
        assert!(idf(100, 1) > idf(100, 50));
        assert!(idf(100, 100) > 0.0);
    }

    #[test]
    fn a_field_with_boost_zero_does_not_make_a_hit() {
        let document = |anchor: &str, body: &str, code: &str| crate::model::SearchDocument {
            page_url: "/p/".into(),
            anchor: anchor.into(),
            page_title: "Page".into(),
            section_title: anchor.into(),
            body: body.into(),
            code: code.into(),
            description: String::new(),
        };
        let documents = [
            document("prose", "tokenizer notes", ""),
            document("sample", "example", "tokenizer()"),
        ];
        let index = InvertedIndex::build(&documents);
        let config = SearchConfig {
            boost_code: 0.0,
            ..SearchConfig::default()
        };
        let hits = search(
            &index,
            &Bm25fParams::from_config(&config),
            "tokenizer",
            false,
            10,
        );
        let ordinals = |hits: &[PageHit]| -> Vec<Vec<u32>> {
            hits.iter()
                .map(|p| p.sections.iter().map(|h| h.ordinal).collect())
                .collect()
        };
        assert_eq!(ordinals(&hits), [[0]]);
        let hits = search(
            &index,
            &Bm25fParams::from_config(&SearchConfig::default()),
            "tokenizer",
            false,
            10,
        );
        assert_eq!(ordinals(&hits), [[0, 1]], "one page, prose before code");
    }

    #[test]
    fn config_boosts_are_read_as_written() {
        let params = Bm25fParams::from_config(&SearchConfig::default());
        assert_eq!(params.boosts, [3.0, 2.0, 1.0, 0.8]);
        assert_eq!(params.b, 0.75);
    }
}
