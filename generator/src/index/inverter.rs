//! The in-memory inverted index of page sections the bundle is exported from, built in parallel.
//! Input: the sections in site order; output: every term (byte order) with its postings (ordinal order),
//! term frequencies and tantivy-quantized field lengths, exactly what a tantivy index of the same sections
//! holds (`tests/search_tantivy.rs` checks that against `section_index`).
//!
//! Why not read the postings back from tantivy: the export needs every posting of every term, and
//! tantivy's single-segment writer plus a full read-back ran on one core and cost more than the rest of
//! the build. Here sections are analysed on all cores (rayon), each worker with its own stem cache, and
//! per-chunk postings are concatenated in chunk order, so the result is the same for any thread count.

use super::analysis::{StemCache, for_each_term_id};
use super::section_index::{FIELD_COUNT, FieldOccurrence, Posting, field_texts};
use crate::model::SearchDocument;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Borrow;
use tantivy::fieldnorm::FieldNormReader;

/// Sections analysed per rayon task: large enough to amortise the per-task maps, small enough to balance.
const SECTIONS_PER_TASK: usize = 128;

/// Every indexed term with its postings, plus what BM25F normalises by.
pub struct InvertedIndex {
    document_count: u32,
    average_field_lengths: [f64; FIELD_COUNT],
    terms: Vec<(String, Vec<Posting>)>,
    page_starts: Vec<u32>,
}

/// Postings of the sections of one task, keyed by term, ordinals ascending.
type TaskPostings = HashMap<String, Vec<Posting>>;

impl InvertedIndex {
    /// Index `documents`, in order; section `i` gets ordinal `i`.
    pub fn build<D: Borrow<SearchDocument> + Sync>(documents: &[D]) -> InvertedIndex {
        let tasks: Vec<(TaskPostings, [u64; FIELD_COUNT])> = documents
            .par_chunks(SECTIONS_PER_TASK)
            .enumerate()
            .map_init(StemCache::default, |cache, (task, chunk)| {
                invert_chunk(cache, task * SECTIONS_PER_TASK, chunk)
            })
            .collect();
        let mut length_totals = [0u64; FIELD_COUNT];
        // Gather each term's per-task lists (in task order) on one thread, then concatenate them on all
        // cores into vectors allocated once: extending one vector per term task after task regrew the
        // long lists of common words again and again (a third of this function at 10,000 pages).
        let mut merged: HashMap<String, Vec<Vec<Posting>>> = HashMap::default();
        for (postings, totals) in tasks {
            for (total, add) in length_totals.iter_mut().zip(totals) {
                *total += add;
            }
            for (term, list) in postings {
                merged.entry(term).or_default().push(list);
            }
        }
        let mut lists: Vec<(String, Vec<Vec<Posting>>)> = merged.into_iter().collect();
        lists.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let terms: Vec<(String, Vec<Posting>)> = lists
            .into_par_iter()
            .map(|(term, mut parts)| {
                if parts.len() == 1 {
                    return (term, parts.pop().unwrap_or_default());
                }
                let mut all = Vec::with_capacity(parts.iter().map(Vec::len).sum());
                for part in parts {
                    all.extend(part);
                }
                (term, all)
            })
            .collect();
        let count = documents.len().max(1) as f64;
        let page_starts = (0..documents.len())
            .filter(|&i| {
                i == 0 || documents[i].borrow().page_url != documents[i - 1].borrow().page_url
            })
            .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
            .collect();
        InvertedIndex {
            page_starts,
            document_count: u32::try_from(documents.len()).unwrap_or(u32::MAX),
            average_field_lengths: length_totals.map(|total| total as f64 / count),
            terms,
        }
    }

    pub fn document_count(&self) -> u32 {
        self.document_count
    }

    /// Mean quantized length of each field over all sections (what BM25F normalises by).
    pub fn average_field_lengths(&self) -> [f64; FIELD_COUNT] {
        self.average_field_lengths
    }

    /// The ordinal of the first section of each page (a page's sections are consecutive), ascending.
    pub fn page_starts(&self) -> &[u32] {
        &self.page_starts
    }

    /// Every term with its postings, terms in byte order.
    pub fn terms(&self) -> &[(String, Vec<Posting>)] {
        &self.terms
    }

    /// Postings of one term, ordinals ascending; empty when the term is not indexed.
    pub fn postings(&self, term: &str) -> &[Posting] {
        self.terms
            .binary_search_by(|(t, _)| t.as_str().cmp(term))
            .map_or(&[], |i| &self.terms[i].1)
    }

    /// Indexed terms starting with `prefix`, in byte order, with their postings.
    pub fn terms_with_prefix<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a [Posting])> + 'a {
        let start = self.terms.partition_point(|(t, _)| t.as_str() < prefix);
        self.terms[start..]
            .iter()
            .take_while(move |(t, _)| t.starts_with(prefix))
            .map(|(t, p)| (t.as_str(), p.as_slice()))
    }
}

fn invert_chunk(
    cache: &mut StemCache,
    first_ordinal: usize,
    chunk: &[impl Borrow<SearchDocument>],
) -> (TaskPostings, [u64; FIELD_COUNT]) {
    // Keyed by the cache's term ids (an integer hash, no term copied per section); the terms' text
    // is attached once per task at the end.
    let mut postings: HashMap<usize, Vec<Posting>> = HashMap::default();
    let mut length_totals = [0u64; FIELD_COUNT];
    // Per-field counts of the current section, indexed by term id; `seen` lists the ids to reset.
    let mut counts: Vec<[u32; FIELD_COUNT]> = Vec::new();
    let mut seen: Vec<usize> = Vec::new();
    for (offset, document) in chunk.iter().enumerate() {
        let document = document.borrow();
        let ordinal = u32::try_from(first_ordinal + offset).unwrap_or(u32::MAX);
        let mut norm_ids = [0u8; FIELD_COUNT];
        for (field, texts) in field_texts(document).into_iter().enumerate() {
            let mut length = 0u32;
            for text in texts {
                for_each_term_id(text, cache, |cache, id| {
                    length += 1;
                    if counts.len() < cache.term_count() {
                        counts.resize(cache.term_count(), [0; FIELD_COUNT]);
                    }
                    let entry = &mut counts[id];
                    if *entry == [0; FIELD_COUNT] {
                        seen.push(id);
                    }
                    entry[field] += 1;
                });
            }
            norm_ids[field] = fieldnorm_to_id(length);
            length_totals[field] += u64::from(FieldNormReader::id_to_fieldnorm(norm_ids[field]));
        }
        for id in seen.drain(..) {
            let section_counts = std::mem::take(&mut counts[id]);
            let mut fields = [FieldOccurrence::default(); FIELD_COUNT];
            for (field, &count) in section_counts.iter().enumerate() {
                if count > 0 {
                    fields[field] = FieldOccurrence {
                        term_frequency: count,
                        field_length: FieldNormReader::id_to_fieldnorm(norm_ids[field]),
                        field_norm_id: norm_ids[field],
                    };
                }
            }
            postings
                .entry(id)
                .or_default()
                .push(Posting { ordinal, fields });
        }
    }
    let postings = postings
        .into_iter()
        .map(|(id, list)| (cache.term(id).to_owned(), list))
        .collect();
    (postings, length_totals)
}

/// tantivy's one-byte code for a field length: the largest id whose length is at most `length`.
pub fn fieldnorm_to_id(length: u32) -> u8 {
    let (mut lo, mut hi) = (0u16, 255u16);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if FieldNormReader::id_to_fieldnorm(mid as u8) <= length {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fieldnorm_ids_round_trip_and_round_down() {
        for id in 0..=255u8 {
            assert_eq!(fieldnorm_to_id(FieldNormReader::id_to_fieldnorm(id)), id);
        }
        let (a, b) = (
            FieldNormReader::id_to_fieldnorm(60),
            FieldNormReader::id_to_fieldnorm(61),
        );
        assert!(b > a + 1, "quantized range");
        assert_eq!(fieldnorm_to_id(b - 1), 60);
        assert_eq!(fieldnorm_to_id(u32::MAX), 255);
    }

    #[test]
    fn postings_merge_fields_and_keep_ordinal_order() {
        let document = |title: &str, body: &str| SearchDocument {
            page_url: "/p/".into(),
            anchor: String::new(),
            page_title: title.into(),
            section_title: String::new(),
            body: body.into(),
            code: String::new(),
            description: String::new(),
        };
        let documents: Vec<SearchDocument> = (0..300)
            .map(|i| {
                document(
                    "Plugins",
                    if i % 2 == 0 { "plugin reload" } else { "other" },
                )
            })
            .collect();
        let index = InvertedIndex::build(&documents);
        let plugin = index.postings("plugin");
        assert_eq!(plugin.len(), 300);
        assert!(plugin.windows(2).all(|w| w[0].ordinal < w[1].ordinal));
        assert_eq!(plugin[0].fields[0].term_frequency, 1);
        assert_eq!(plugin[0].fields[2].term_frequency, 1);
        assert_eq!(plugin[1].fields[2].term_frequency, 0);
        assert_eq!(index.postings("reload").len(), 150);
        assert!(index.postings("absent").is_empty());
        let prefixed: Vec<&str> = index.terms_with_prefix("pl").map(|(t, _)| t).collect();
        assert_eq!(prefixed, ["plugin"]);
        assert_eq!(index.average_field_lengths()[0], 1.0);
    }

    #[test]
    fn the_description_counts_in_the_section_field() {
        let documents = [SearchDocument {
            page_url: "/p/".into(),
            anchor: "p".into(),
            page_title: "Tutorial format".into(),
            section_title: "Tutorial format".into(),
            body: "Every page is a test.".into(),
            code: String::new(),
            description: "How docgen test runs a tutorial".into(),
        }];
        let index = InvertedIndex::build(&documents);
        let test = index.postings("test")[0].fields;
        assert_eq!(
            test[1].term_frequency, 1,
            "description word in the section field"
        );
        assert_eq!(test[2].term_frequency, 1, "body word stays in the body");
        let tutorial = index.postings("tutori")[0].fields;
        assert_eq!(tutorial[1].term_frequency, 2, "heading and description");
        assert_eq!(
            tutorial[1].field_length,
            2 + 6,
            "both texts make the field's length"
        );
    }
}
