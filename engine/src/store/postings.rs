//! Reading a term's postings in one segment while skipping the documents a later commit deleted:
//! the one walk `refs` (per-name uses, overflow payloads) and `find`'s BM25F scoring share. Input
//! is a segment reader and a term; output is a callback per live document, the postings positioned
//! on it (for its frequency or positions).

use tantivy::index::SegmentReader;
use tantivy::postings::SegmentPostings;
use tantivy::schema::{IndexRecordOption, Term};
use tantivy::{DocId, DocSet, TERMINATED};

use crate::error::{Error, Result};

/// Calls `each(doc, postings)` for every live document holding `term` in `segment`, in doc id
/// order; nothing when the segment has no such term.
pub(crate) fn for_each_live_posting(
    segment: &SegmentReader,
    term: &Term,
    record: IndexRecordOption,
    mut each: impl FnMut(DocId, &mut SegmentPostings) -> Result<()>,
) -> Result<()> {
    let inverted = segment.inverted_index(term.field()).map_err(store_error)?;
    let Some(mut postings) = inverted
        .read_postings(term, record)
        .map_err(|error| store_error(error.into()))?
    else {
        return Ok(());
    };
    let mut doc = postings.doc();
    while doc != TERMINATED {
        if !segment.is_deleted(doc) {
            each(doc, &mut postings)?;
        }
        doc = postings.advance();
    }
    Ok(())
}

/// A tantivy error while reading the index, as the store reports it.
pub(crate) fn store_error(error: tantivy::TantivyError) -> Error {
    Error::Store {
        path: ".ax/index".into(),
        message: error.to_string(),
    }
}
