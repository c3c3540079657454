//! BM25F scoring over tantivy postings, with k1, b and per-field boosts from `ax.toml`.
//! Input is a snapshot and the query's terms; output is a score per symbol document.
//!
//! Tantivy's own BM25 has fixed k1/b and scores fields separately; BM25F instead sums each term's
//! length-normalised, boosted frequencies over fields *before* saturation, so a term repeated across
//! fields does not count twice. Tantivy supplies the postings, frequencies and field lengths.

use tantivy::DocAddress;
use tantivy::postings::Postings;
use tantivy::schema::{Field, IndexRecordOption, Term};

use crate::config::RankingConfig;
use crate::error::Result;
use crate::store::tokenizer::{analyze, code_analyzer, doc_analyzer};
use crate::store::{Snapshot, for_each_live_posting, store_error};

/// A query term in each field's analysed form (doc text is stemmed, the other fields are not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryTerm {
    pub code: String,
    pub stemmed: String,
}

/// Splits a query into distinct terms, analysed as the index analysed each field.
pub fn query_terms(query: &str) -> Vec<QueryTerm> {
    let code = analyze(&mut code_analyzer(), query);
    let stemmed = analyze(&mut doc_analyzer(), query);
    let mut terms: Vec<QueryTerm> = code
        .into_iter()
        .zip(stemmed)
        .map(|(code, stemmed)| QueryTerm { code, stemmed })
        .collect();
    let mut seen = std::collections::HashSet::new();
    terms.retain(|term| seen.insert(term.code.clone()));
    terms
}

/// A document with no slot yet in [`score`]'s per-segment table.
const NO_SLOT: u32 = u32::MAX;

struct WeightedField {
    field: Field,
    boost: f32,
    stemmed: bool,
    average_length: f32,
}

/// Scores every symbol document matching at least one term. `symbol_count` is N of the idf.
pub fn score(
    snapshot: &Snapshot,
    terms: &[QueryTerm],
    ranking: &RankingConfig,
    symbol_count: usize,
) -> Result<Vec<(DocAddress, f32)>> {
    let fields = snapshot.fields;
    let searcher = &snapshot.searcher;
    let boosts = &ranking.boosts;
    let symbol_count = symbol_count.max(1) as f32;
    let mut weighted: Vec<WeightedField> = [
        (fields.name, boosts.name, false),
        (fields.signature, boosts.signature, false),
        (fields.doc, boosts.doc, true),
        (fields.path, boosts.path, false),
    ]
    .into_iter()
    .filter(|(_, boost, _)| *boost > 0.0)
    .map(|(field, boost, stemmed)| WeightedField {
        field,
        boost,
        stemmed,
        average_length: 1.0,
    })
    .collect();
    for weighted_field in &mut weighted {
        let mut tokens = 0u64;
        for segment in searcher.segment_readers() {
            tokens += segment
                .inverted_index(weighted_field.field)
                .map_err(store_error)?
                .total_num_tokens();
        }
        weighted_field.average_length = (tokens as f32 / symbol_count).max(1.0);
    }

    // Per document, per term: the boosted, length-normalised frequency summed over fields.
    // A flat `slot * terms + term` table: one allocation instead of one per candidate. A document's
    // slot is found through a dense per-segment table indexed by doc id (a common query word
    // matches tens of thousands of documents: a hash map of them was a fifth of a query's time).
    let mut addresses: Vec<DocAddress> = Vec::new();
    let mut frequencies: Vec<f32> = Vec::new();
    let largest_segment = searcher
        .segment_readers()
        .iter()
        .map(|segment| segment.max_doc() as usize)
        .max()
        .unwrap_or(0);
    // Every entry NO_SLOT; the entries this query sets are reset after each segment, so the table
    // goes back as it came (on an error it is dropped instead).
    let mut slot_of_doc = snapshot.scratch.take(largest_segment, NO_SLOT);
    for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
        let first_of_segment = addresses.len();
        for weighted_field in &weighted {
            let norms = segment
                .get_fieldnorms_reader(weighted_field.field)
                .map_err(store_error)?;
            for (term_index, term) in terms.iter().enumerate() {
                let text = if weighted_field.stemmed {
                    &term.stemmed
                } else {
                    &term.code
                };
                let term = Term::from_field_text(weighted_field.field, text);
                for_each_live_posting(
                    segment,
                    &term,
                    IndexRecordOption::WithFreqs,
                    |doc, postings| {
                        let length = norms.fieldnorm(doc) as f32;
                        let normaliser =
                            1.0 - ranking.b + ranking.b * length / weighted_field.average_length;
                        let contribution = weighted_field.boost * postings.term_freq() as f32
                            / normaliser.max(1e-3);
                        let slot = &mut slot_of_doc[doc as usize];
                        if *slot == NO_SLOT {
                            *slot = addresses.len() as u32;
                            addresses.push(DocAddress::new(segment_ord as u32, doc));
                            frequencies.resize(frequencies.len() + terms.len(), 0.0);
                        }
                        frequencies[*slot as usize * terms.len() + term_index] += contribution;
                        Ok(())
                    },
                )?;
            }
        }
        for address in &addresses[first_of_segment..] {
            slot_of_doc[address.doc_id as usize] = NO_SLOT;
        }
    }
    snapshot.scratch.give_back(slot_of_doc);

    let term_count = terms.len().max(1);
    let mut document_frequency = vec![0usize; terms.len()];
    for per_term in frequencies.chunks(term_count) {
        for (term_index, frequency) in per_term.iter().enumerate() {
            if *frequency > 0.0 {
                document_frequency[term_index] += 1;
            }
        }
    }
    let inverse_frequency: Vec<f32> = document_frequency
        .iter()
        .map(|&count| {
            let count = count as f32;
            (1.0 + (symbol_count - count + 0.5) / (count + 0.5)).ln()
        })
        .collect();
    Ok(addresses
        .into_iter()
        .zip(frequencies.chunks(term_count))
        .map(|(address, per_term)| {
            let score = per_term
                .iter()
                .zip(&inverse_frequency)
                .filter(|(frequency, _)| **frequency > 0.0)
                .map(|(frequency, idf)| idf * frequency / (ranking.k1 + frequency))
                .sum();
            (address, score)
        })
        .collect())
}

/// Documents holding exactly `text` in an untokenized field (e.g. `name_exact`, `kind`).
pub fn exact_matches(snapshot: &Snapshot, field: Field, text: &str) -> Result<Vec<DocAddress>> {
    let mut found = Vec::new();
    let term = Term::from_field_text(field, text);
    for (segment_ord, segment) in snapshot.searcher.segment_readers().iter().enumerate() {
        for_each_live_posting(segment, &term, IndexRecordOption::Basic, |doc, _| {
            found.push(DocAddress::new(segment_ord as u32, doc));
            Ok(())
        })?;
    }
    Ok(found)
}

/// A set of documents as one bit per doc id in each segment: the kind and language filters and the
/// exact-name boosts of `find` (a kind such as `struct` matches tens of thousands of documents; a
/// hash set of them was a sixth of such a query's time). A segment without a match allocates nothing.
#[derive(Debug, Default)]
pub struct DocBits {
    segments: Vec<Vec<u64>>,
}

impl DocBits {
    pub fn contains(&self, address: DocAddress) -> bool {
        let doc = address.doc_id as usize;
        self.segments
            .get(address.segment_ord as usize)
            .and_then(|words| words.get(doc / 64))
            .is_some_and(|word| word >> (doc % 64) & 1 == 1)
    }
}

/// [`exact_matches`] as a [`DocBits`].
pub fn exact_match_bits(snapshot: &Snapshot, field: Field, text: &str) -> Result<DocBits> {
    let term = Term::from_field_text(field, text);
    let mut bits = DocBits::default();
    for segment in snapshot.searcher.segment_readers() {
        let mut words: Vec<u64> = Vec::new();
        for_each_live_posting(segment, &term, IndexRecordOption::Basic, |doc, _| {
            if words.is_empty() {
                words.resize((segment.max_doc() as usize).div_ceil(64), 0);
            }
            let doc = doc as usize;
            if let Some(word) = words.get_mut(doc / 64) {
                *word |= 1 << (doc % 64);
            }
            Ok(())
        })?;
        bits.segments.push(words);
    }
    Ok(bits)
}
