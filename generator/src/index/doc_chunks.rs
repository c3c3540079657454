//! Document chunks: what the client shows for a hit (URL, anchor, titles, and the text it cuts the excerpt
//! around the matched words from), in files of a fixed number of sections so a result list fetches only the
//! chunks of its hits; and the page map (`pages.bin`: each page's section count, varints).
//! Input: the sections in ordinal order; output: one JSON array per chunk,
//! `[[page_url, anchor, page_title, section_title, text], ...]`.

use super::shards::write_varint;
use crate::model::SearchDocument;
use std::borrow::Borrow;

/// The client cuts excerpts from the first `STORED_TEXT_FACTOR × excerpt_length` characters of a section.
pub const STORED_TEXT_FACTOR: usize = 2;

/// The stored text of a section: its prose (or its code when it has none), whitespace collapsed, cut at a
/// word boundary to at most `max_chars` characters, with `…` when cut.
pub fn excerpt(document: &SearchDocument, max_chars: usize) -> String {
    let source = if document.body.trim().is_empty() {
        &document.code
    } else {
        &document.body
    };
    // Only the first `max_chars` characters are kept: collapse no further than that.
    let collapsed = crate::model::collapse_whitespace(source, max_chars);
    if collapsed.chars().count() <= max_chars {
        return collapsed;
    }
    let cut = collapsed
        .char_indices()
        .nth(max_chars)
        .map_or(collapsed.len(), |(i, _)| i);
    let head = &collapsed[..cut];
    let at_word = head
        .rfind(' ')
        .filter(|&space| space > 0)
        .map_or(head, |space| &head[..space]);
    format!("{}…", at_word.trim_end())
}

/// Serialise `documents` (one chunk's sections, in ordinal order) as one chunk.
pub fn encode_chunk(documents: &[impl Borrow<SearchDocument>], excerpt_chars: usize) -> Vec<u8> {
    let rows: Vec<[String; 5]> = documents
        .iter()
        .map(|d| {
            let d = d.borrow();
            [
                d.page_url.clone(),
                d.anchor.clone(),
                d.page_title.clone(),
                d.section_title.clone(),
                excerpt(d, excerpt_chars * STORED_TEXT_FACTOR),
            ]
        })
        .collect();
    // Serialising strings cannot fail; an empty array is the harmless fallback.
    serde_json::to_vec(&rows).unwrap_or_else(|_| b"[]".to_vec())
}

/// `pages.bin` before compression: the section count of each page, in page order, as varints.
pub fn encode_page_map(page_starts: &[u32], document_count: u32) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(page_starts.len());
    let ends = page_starts
        .iter()
        .skip(1)
        .chain(std::iter::once(&document_count));
    for (start, end) in page_starts.iter().zip(ends) {
        write_varint(&mut bytes, u64::from(end.saturating_sub(*start)));
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(body: &str, code: &str) -> SearchDocument {
        SearchDocument {
            page_url: "/p/".into(),
            anchor: "a".into(),
            page_title: "P".into(),
            section_title: "A".into(),
            body: body.into(),
            code: code.into(),
            description: String::new(),
        }
    }

    #[test]
    fn excerpt_cuts_at_a_word_and_marks_the_cut() {
        assert_eq!(
            excerpt(&document("one two  three\nfour", ""), 11),
            "one two…"
        );
        assert_eq!(excerpt(&document("short", ""), 11), "short");
    }

    #[test]
    fn page_map_counts_sections_per_page() {
        assert_eq!(
            encode_page_map(&[0, 3, 4], 200),
            [3, 1, 196 & 0x7f | 0x80, 1]
        );
    }

    #[test]
    fn excerpt_falls_back_to_code() {
        assert_eq!(excerpt(&document("  ", "fn main() {}"), 40), "fn main() {}");
    }
}
