//! The tantivy index of page sections: one tantivy document per `SearchDocument`, four text fields.
//! Input: the sections in site order; output: an in-memory index to read postings, term frequencies and
//! quantized field lengths (fieldnorms) from, for the export and for the reference scorer.

use super::analysis::{CodeTokenizer, TOKENIZER_NAME};
use crate::model::SearchDocument;
use std::collections::BTreeMap;
use tantivy::postings::Postings;
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{DocSet, Index, IndexReader, Searcher, TERMINATED, TantivyDocument, Term};

/// The searchable fields, in the order used everywhere (boosts, postings, the client's arrays).
pub const FIELD_NAMES: [&str; 4] = ["title", "section", "body", "code"];
/// Number of searchable fields.
pub const FIELD_COUNT: usize = FIELD_NAMES.len();

/// The texts indexed in each field of `document`, in [`FIELD_NAMES`] order: the section field holds the
/// heading and, on a page's first section, the page description.
pub fn field_texts(document: &SearchDocument) -> [[&str; 2]; FIELD_COUNT] {
    [
        [&document.page_title, ""],
        [&document.section_title, &document.description],
        [&document.body, ""],
        [&document.code, ""],
    ]
}

/// Fast field holding a section's position in the input, so results do not depend on tantivy's doc ids.
const ORDINAL_FIELD: &str = "ordinal";
/// Memory for the single indexing thread; more only means fewer segments, not different results.
const WRITER_MEMORY_BYTES: usize = 64 * 1024 * 1024;

/// How one term occurs in one field of one section: term frequency and the field's quantized length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FieldOccurrence {
    /// 0 when the term is absent from the field.
    pub term_frequency: u32,
    /// The field's length in tokens as tantivy stores it (fieldnorm, quantized above 40 tokens).
    pub field_length: u32,
    /// tantivy's one-byte code for `field_length` (what the shards store).
    pub field_norm_id: u8,
}

/// All occurrences of one term in one section, per field in [`FIELD_NAMES`] order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    /// Position of the section in the input.
    pub ordinal: u32,
    pub fields: [FieldOccurrence; FIELD_COUNT],
}

/// A tantivy index over page sections, with a reader ready to search.
pub struct SectionIndex {
    searcher: Searcher,
    fields: [Field; FIELD_COUNT],
    document_count: u32,
    // Keeps the index alive for the searcher's segments.
    _reader: IndexReader,
}

impl SectionIndex {
    /// Index `documents`, in order; section `i` gets ordinal `i`.
    pub fn build(documents: &[SearchDocument]) -> tantivy::Result<SectionIndex> {
        let mut schema = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER_NAME)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let fields = FIELD_NAMES.map(|name| schema.add_text_field(name, text.clone()));
        let ordinal = schema.add_u64_field(ORDINAL_FIELD, NumericOptions::default().set_fast());
        let index = Index::create_in_ram(schema.build());
        index.tokenizers().register(TOKENIZER_NAME, CodeTokenizer);

        let mut writer = index.writer_with_num_threads(1, WRITER_MEMORY_BYTES)?;
        for (position, document) in documents.iter().enumerate() {
            let mut doc = TantivyDocument::default();
            for (field, texts) in fields.iter().zip(field_texts(document)) {
                for text in texts.into_iter().filter(|t| !t.is_empty()) {
                    doc.add_text(*field, text);
                }
            }
            doc.add_u64(ordinal, position as u64);
            writer.add_document(doc)?;
        }
        writer.commit()?;
        let reader = index.reader()?;
        let document_count = u32::try_from(documents.len()).unwrap_or(u32::MAX);
        Ok(SectionIndex {
            searcher: reader.searcher(),
            fields,
            document_count,
            _reader: reader,
        })
    }

    /// The tantivy searcher, for cross-checks against tantivy's own scoring.
    pub fn searcher(&self) -> &Searcher {
        &self.searcher
    }

    /// The tantivy fields, in [`FIELD_NAMES`] order.
    pub fn fields(&self) -> [Field; FIELD_COUNT] {
        self.fields
    }

    pub fn document_count(&self) -> u32 {
        self.document_count
    }

    /// Mean quantized length of each field over all sections (what BM25F normalises by).
    pub fn average_field_lengths(&self) -> tantivy::Result<[f64; FIELD_COUNT]> {
        let mut totals = [0u64; FIELD_COUNT];
        for segment in self.searcher.segment_readers() {
            for (total, field) in totals.iter_mut().zip(self.fields) {
                let norms = segment.get_fieldnorms_reader(field)?;
                *total += (0..segment.max_doc())
                    .map(|doc| u64::from(norms.fieldnorm(doc)))
                    .sum::<u64>();
            }
        }
        let count = f64::from(self.document_count.max(1));
        Ok(totals.map(|total| total as f64 / count))
    }

    /// Every indexed term with its postings sorted by ordinal; terms in byte order.
    pub fn all_postings(&self) -> tantivy::Result<BTreeMap<String, Vec<Posting>>> {
        let mut by_term: BTreeMap<String, BTreeMap<u32, Posting>> = BTreeMap::new();
        for (segment_number, segment) in self.searcher.segment_readers().iter().enumerate() {
            for (field_number, field) in self.fields.iter().enumerate() {
                let inverted = segment.inverted_index(*field)?;
                let mut stream = inverted.terms().stream()?;
                while stream.advance() {
                    let term = String::from_utf8_lossy(stream.key()).into_owned();
                    let postings = inverted.read_postings_from_terminfo(
                        stream.value(),
                        IndexRecordOption::WithFreqs,
                    )?;
                    let entry = by_term.entry(term).or_default();
                    self.collect_postings(segment_number, field_number, postings, entry)?;
                }
            }
        }
        Ok(by_term
            .into_iter()
            .map(|(term, postings)| (term, postings.into_values().collect()))
            .collect())
    }

    /// Postings of one term (every field), sorted by ordinal; empty when the term is not indexed.
    pub fn postings(&self, term: &str) -> tantivy::Result<Vec<Posting>> {
        let mut by_ordinal = BTreeMap::new();
        for (segment_number, segment) in self.searcher.segment_readers().iter().enumerate() {
            for (field_number, field) in self.fields.iter().enumerate() {
                let inverted = segment.inverted_index(*field)?;
                let term = Term::from_field_text(*field, term);
                if let Some(postings) =
                    inverted.read_postings(&term, IndexRecordOption::WithFreqs)?
                {
                    self.collect_postings(segment_number, field_number, postings, &mut by_ordinal)?;
                }
            }
        }
        Ok(by_ordinal.into_values().collect())
    }

    /// Indexed terms (any field) starting with `prefix`, in byte order.
    pub fn terms_with_prefix(&self, prefix: &str) -> tantivy::Result<Vec<String>> {
        let mut terms = std::collections::BTreeSet::new();
        for segment in self.searcher.segment_readers() {
            for field in self.fields {
                let inverted = segment.inverted_index(field)?;
                let mut stream = inverted
                    .terms()
                    .range()
                    .ge(prefix.as_bytes())
                    .into_stream()?;
                while stream.advance() && stream.key().starts_with(prefix.as_bytes()) {
                    terms.insert(String::from_utf8_lossy(stream.key()).into_owned());
                }
            }
        }
        Ok(terms.into_iter().collect())
    }

    fn collect_postings(
        &self,
        segment_number: usize,
        field_number: usize,
        mut postings: tantivy::postings::SegmentPostings,
        into: &mut BTreeMap<u32, Posting>,
    ) -> tantivy::Result<()> {
        let segment = &self.searcher.segment_readers()[segment_number];
        let ordinals = segment.fast_fields().u64(ORDINAL_FIELD)?;
        let norms = segment.get_fieldnorms_reader(self.fields[field_number])?;
        let mut doc = postings.doc();
        while doc != TERMINATED {
            let ordinal = ordinals
                .first(doc)
                .and_then(|o| u32::try_from(o).ok())
                .unwrap_or(u32::MAX);
            let posting = into.entry(ordinal).or_insert(Posting {
                ordinal,
                fields: [FieldOccurrence::default(); FIELD_COUNT],
            });
            posting.fields[field_number] = FieldOccurrence {
                term_frequency: postings.term_freq(),
                field_length: norms.fieldnorm(doc),
                field_norm_id: norms.fieldnorm_id(doc),
            };
            doc = postings.advance();
        }
        Ok(())
    }
}
