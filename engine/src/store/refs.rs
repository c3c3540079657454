//! The per-name layout of references (decision 0104). A file's document indexes each referenced
//! name once in `ref_name`, with one *position* per use: the use's line and column packed into the
//! postings' `u32` (line in the high [`LINE_BITS`], column in the low [`COLUMN_BITS`]). `refs NAME`
//! then reads only the postings of that one term (no stored document, no decoding of a file's
//! other references) and takes each file's path from the `file` fast field. A use whose line or
//! column does not fit (a line past ~1M, a column past 4095: generated or minified code) is kept
//! in the document's stored payload instead, and its name goes in `ref_overflow`, so only those
//! rare files are ever read from the document store. Input is a file's occurrences (writes) or a
//! name (reads); output is a tantivy document or the references.

use tantivy::postings::Postings;
use tantivy::schema::{IndexRecordOption, Term, Value};
use tantivy::tokenizer::{PreTokenizedString, Token};
use tantivy::{DocAddress, TantivyDocument};

use super::postings::{for_each_live_posting, store_error};
use super::schema::{FILE_DOC, Fields};
use super::{Snapshot, StoredReference};
use crate::error::{Error, Result};
use crate::model::{Occurrence, Reference};

/// Bits of a packed position that hold the column.
pub const COLUMN_BITS: u32 = 12;
/// Bits of a packed position that hold the line.
pub const LINE_BITS: u32 = 32 - COLUMN_BITS;

/// The packed position of a use, or `None` when it does not fit. The largest line is one short of
/// the field so the packed value is never `u32::MAX` (tantivy stores `position + 1`).
pub fn pack(line: u32, column: u32) -> Option<u32> {
    (line < (1 << LINE_BITS) - 1 && column < (1 << COLUMN_BITS))
        .then_some((line << COLUMN_BITS) | column)
}

/// The line and column of a packed position.
pub fn unpack(position: u32) -> (u32, u32) {
    (position >> COLUMN_BITS, position & ((1 << COLUMN_BITS) - 1))
}

/// The file document of `relative_path`: its path (stored and fast), every referenced name with
/// its packed uses, and the uses that do not pack in the payload.
pub fn file_document(
    fields: Fields,
    relative_path: &str,
    references: &[Occurrence],
) -> std::result::Result<TantivyDocument, serde_json::Error> {
    let mut sorted: Vec<&Occurrence> = references.iter().collect();
    // Each name's positions must rise within the document: emit every use in (line, column) order.
    sorted.sort_unstable_by_key(|reference| (reference.line, reference.column));
    let mut tokens = Vec::with_capacity(sorted.len());
    let mut overflow: Vec<StoredReference> = Vec::new();
    for reference in sorted {
        match pack(reference.line, reference.column) {
            Some(position) => tokens.push(Token {
                offset_from: 0,
                offset_to: 0,
                position: position as usize,
                text: reference.name.clone(),
                position_length: 1,
            }),
            None => overflow.push((reference.name.clone(), reference.line, reference.column)),
        }
    }
    let mut document = TantivyDocument::default();
    document.add_text(fields.doc_type, FILE_DOC);
    document.add_text(fields.file, relative_path);
    if !tokens.is_empty() {
        document.add_pre_tokenized_text(
            fields.ref_name,
            PreTokenizedString {
                text: String::new(),
                tokens,
            },
        );
    }
    if !overflow.is_empty() {
        let mut names: Vec<&str> = overflow.iter().map(|(name, _, _)| name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        for name in names {
            document.add_text(fields.ref_overflow, name);
        }
        document.add_bytes(fields.payload, &serde_json::to_vec(&overflow)?);
    }
    Ok(document)
}

impl Snapshot {
    /// Every use of exactly `name` (case-sensitive), unsorted.
    pub fn references_named(&self, name: &str) -> Result<Vec<Reference>> {
        let mut found = Vec::new();
        let term = Term::from_field_text(self.fields.ref_name, name);
        let overflow_term = Term::from_field_text(self.fields.ref_overflow, name);
        let mut positions = Vec::new();
        for (segment_ord, segment) in self.searcher.segment_readers().iter().enumerate() {
            let paths = segment
                .fast_fields()
                .str(super::schema::FILE_FIELD)
                .map_err(store_error)?
                .ok_or_else(|| store_error_text("the `file` field is not a fast field".into()))?;
            // Each using file's path ordinal and its packed positions; the paths are then decoded
            // in ordinal order, one pass over the dictionary.
            let mut files: Vec<(u64, std::ops::Range<usize>)> = Vec::new();
            for_each_live_posting(
                segment,
                &term,
                IndexRecordOption::WithFreqsAndPositions,
                |doc, postings| {
                    if let Some(ord) = paths.ords().first(doc) {
                        let start = positions.len();
                        postings.append_positions_with_offset(0, &mut positions);
                        files.push((ord, start..positions.len()));
                    }
                    Ok(())
                },
            )?;
            if !files.is_empty() {
                files.sort_unstable_by_key(|(ord, _)| *ord);
                let ords: Vec<u64> = files.iter().map(|(ord, _)| *ord).collect();
                let mut next = files.iter();
                paths
                    .dictionary()
                    .sorted_ords_to_term_cb(&ords, |bytes| {
                        let Some((_, range)) = next.next() else {
                            return;
                        };
                        let path = String::from_utf8_lossy(bytes);
                        found.extend(positions[range.clone()].iter().map(|&position| {
                            let (line, column) = unpack(position);
                            Reference {
                                name: name.to_owned(),
                                path: path.clone().into_owned(),
                                line,
                                column,
                            }
                        }));
                    })
                    .map_err(|error| store_error_text(error.to_string()))?;
                positions.clear();
            }
            for_each_live_posting(
                segment,
                &overflow_term,
                IndexRecordOption::Basic,
                |doc, _| {
                    let document: TantivyDocument = self
                        .searcher
                        .doc(DocAddress::new(segment_ord as u32, doc))
                        .map_err(store_error)?;
                    found.extend(self.overflow_references(&document, name));
                    Ok(())
                },
            )?;
        }
        Ok(found)
    }

    /// The uses of `name` kept in a file document's payload because they do not pack.
    fn overflow_references(&self, document: &TantivyDocument, name: &str) -> Vec<Reference> {
        let Some(path) = self.file_of(document) else {
            return Vec::new();
        };
        let Some(bytes) = document
            .get_first(self.fields.payload)
            .and_then(|value| value.as_bytes())
        else {
            return Vec::new();
        };
        let stored: Vec<StoredReference> = serde_json::from_slice(bytes).unwrap_or_default();
        stored
            .into_iter()
            .filter(|(stored_name, _, _)| stored_name == name)
            .map(|(name, line, column)| Reference {
                name,
                path: path.clone(),
                line,
                column,
            })
            .collect()
    }
}

fn store_error_text(message: String) -> Error {
    Error::Store {
        path: ".ax/index".into(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_round_trips_and_refuses_what_does_not_fit() {
        for (line, column) in [(1, 0), (1, 1), (12_345, 4095), ((1 << LINE_BITS) - 2, 4095)] {
            let packed = pack(line, column).expect("fits");
            assert_eq!(unpack(packed), (line, column));
        }
        assert_eq!(pack(1, 4096), None);
        assert_eq!(pack((1 << LINE_BITS) - 1, 0), None);
        assert_ne!(pack((1 << LINE_BITS) - 2, 4095), Some(u32::MAX));
        // Packing keeps (line, column) order, so a name's positions rise within a document.
        assert!(pack(7, 4095) < pack(8, 0));
        assert!(pack(8, 3) < pack(8, 4));
    }
}
