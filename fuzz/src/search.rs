//! The search bundle's binary formats: term shards decoded from arbitrary bytes (an error, never a
//! panic), shards encoded then decoded (the same terms and postings back, separators in order), and
//! real sections through tantivy, the exporter and back (shards hold exactly the index's postings,
//! document chunks hold the sections in order).

use crate::input::Bytes;
use docgen::config::SearchConfig;
use docgen::index::inverter::InvertedIndex;
use docgen::index::section_index::{FIELD_COUNT, FieldOccurrence, Posting};
use docgen::index::shards::{decode_shard, encode_shards};
use docgen::index::{deflate, export_bundle, inflate};
use docgen::model::SearchDocument;
use std::collections::BTreeMap;

/// The first byte picks the part of the format under test.
pub fn search_bundle(data: &[u8]) {
    let mut bytes = Bytes::new(data);
    match bytes.below(3) {
        0 => decode_arbitrary(bytes.rest()),
        1 => round_trip_terms(&mut bytes),
        _ => round_trip_sections(&mut bytes),
    }
}

fn decode_arbitrary(shard: &[u8]) {
    let Ok(terms) = decode_shard(shard) else {
        return;
    };
    let canonical = terms.windows(2).all(|w| w[0].0 < w[1].0)
        && terms.iter().all(|(_, postings)| {
            postings.windows(2).all(|w| w[0].ordinal < w[1].ordinal)
                && postings
                    .iter()
                    .all(|p| p.fields.iter().any(|f| f.term_frequency > 0))
        });
    if canonical {
        // A decoded canonical shard re-encodes to a shard that decodes to the same terms.
        let shards = encode_shards(&terms, usize::MAX);
        let decoded: Vec<_> = shards
            .iter()
            .flat_map(|s| decode_shard(&s.bytes).expect("a shard we encoded decodes"))
            .collect();
        assert_eq!(decoded, terms);
    }
}

fn round_trip_terms(bytes: &mut Bytes) {
    let target_bytes = usize::from(bytes.byte()) + 1;
    let mut terms: BTreeMap<String, Vec<Posting>> = BTreeMap::new();
    while !bytes.is_empty() && terms.len() < 64 {
        let term = bytes.string(24);
        let mut postings = Vec::new();
        let mut ordinal = 0u32;
        for _ in 0..bytes.below(6) {
            ordinal = ordinal.saturating_add(bytes.u32() % 1000 + u32::from(!postings.is_empty()));
            if postings
                .last()
                .is_some_and(|p: &Posting| p.ordinal == ordinal)
            {
                break;
            }
            let mut fields = [FieldOccurrence::default(); FIELD_COUNT];
            for field in &mut fields {
                let term_frequency = u32::from(bytes.byte() % 4);
                if term_frequency > 0 {
                    let id = bytes.byte();
                    *field = FieldOccurrence {
                        term_frequency,
                        field_norm_id: id,
                        field_length: tantivy_fieldnorm(id),
                    };
                }
            }
            if fields.iter().all(|f| f.term_frequency == 0) {
                fields[0] = FieldOccurrence {
                    term_frequency: 1,
                    field_norm_id: 0,
                    field_length: tantivy_fieldnorm(0),
                };
            }
            postings.push(Posting { ordinal, fields });
        }
        terms.insert(term, postings);
    }
    let terms: Vec<(String, Vec<Posting>)> = terms.into_iter().collect();
    let shards = encode_shards(&terms, target_bytes);
    let mut decoded: Vec<(String, Vec<Posting>)> = Vec::new();
    for (i, shard) in shards.iter().enumerate() {
        let inflated =
            inflate(&deflate(&shard.bytes).expect("deflate in memory")).expect("inflate");
        assert_eq!(inflated, shard.bytes, "deflate round trip");
        let shard_terms = decode_shard(&shard.bytes).expect("a shard we encoded decodes");
        assert!(!shard_terms.is_empty(), "shard {i} is empty");
        if i == 0 {
            assert_eq!(shard.separator, "", "the first shard has no separator");
        } else {
            let (last_before, _) = decoded.last().expect("an earlier shard has terms");
            let first = &shard_terms[0].0;
            assert!(
                shard.separator.as_str() > last_before.as_str() && &shard.separator <= first,
                "separator {:?} not between {last_before:?} and {first:?}",
                shard.separator
            );
        }
        decoded.extend(shard_terms);
    }
    assert_eq!(decoded, terms, "terms do not survive encode then decode");
}

/// The field length tantivy stores for a one-byte fieldnorm code (what `decode_shard` fills in).
fn tantivy_fieldnorm(id: u8) -> u32 {
    tantivy::fieldnorm::FieldNormReader::id_to_fieldnorm(id)
}

fn round_trip_sections(bytes: &mut Bytes) {
    let mut documents = Vec::new();
    while !bytes.is_empty() && documents.len() < 8 {
        documents.push(SearchDocument {
            page_url: format!("/p{}/", documents.len()),
            anchor: bytes.string(8),
            page_title: bytes.string(16),
            section_title: bytes.string(16),
            body: bytes.string(120),
            code: bytes.string(60),
            description: bytes.string(30),
        });
    }
    if documents.is_empty() {
        return;
    }
    let config = SearchConfig {
        shard_size_bytes: usize::from(bytes.byte()) * 4 + 1,
        doc_chunk_sections: bytes.below(4) + 1,
        excerpt_length: bytes.below(40) + 1,
        ..SearchConfig::default()
    };
    let index = InvertedIndex::build(&documents);
    let files = export_bundle(&index, &documents, &config).expect("the bundle exports");
    let mut terms = Vec::new();
    let mut rows: Vec<[String; 5]> = Vec::new();
    let mut shard_names: Vec<&str> = Vec::new();
    let mut chunk_names: Vec<&str> = Vec::new();
    for file in &files {
        let name = file.path.rsplit('/').next().unwrap_or("");
        if name.starts_with('t') && name.ends_with(".bin") {
            shard_names.push(&file.path);
        } else if name.starts_with('d') && name.ends_with(".bin") {
            chunk_names.push(&file.path);
        }
    }
    // Files are named t0, t1, ... d0, d1, ...: read them back in number order.
    let number = |path: &str| -> usize {
        let name = path.rsplit('/').next().unwrap_or("");
        name[1..name.len() - 4].parse().unwrap_or(usize::MAX)
    };
    shard_names.sort_by_key(|p| number(p));
    chunk_names.sort_by_key(|p| number(p));
    let bytes_of = |path: &str| {
        let file = files.iter().find(|f| f.path == path).expect("named file");
        inflate(&file.bytes).expect("bundle files inflate")
    };
    for path in shard_names {
        terms.extend(decode_shard(&bytes_of(path)).expect("bundle shards decode"));
    }
    for path in chunk_names {
        let chunk: Vec<[String; 5]> =
            serde_json_from_slice(&bytes_of(path)).expect("document chunks are JSON rows");
        rows.extend(chunk);
    }
    let expected = index.terms().to_vec();
    assert_eq!(terms, expected, "shards do not hold the index's postings");
    assert_eq!(rows.len(), documents.len(), "one chunk row per section");
    for (row, document) in rows.iter().zip(&documents) {
        assert_eq!(row[0], document.page_url);
        assert_eq!(row[1], document.anchor);
    }
}

fn serde_json_from_slice(bytes: &[u8]) -> Result<Vec<[String; 5]>, serde_json::Error> {
    serde_json::from_slice(bytes)
}
