//! Term shards: the dictionary and postings cut into contiguous term ranges, each a small binary file.
//! Input: every term with its postings, in byte order; output: shard bytes plus the separator that opens
//! each shard (the manifest's shard map). `decode_shard` reads them back, for tests and tools.
//!
//! Shard format (then zlib-deflated): `varint term_count`, then per term `varint shared_prefix_bytes`,
//! `varint suffix_bytes`, the suffix (UTF-8), `varint posting_count`, then per posting `varint
//! ordinal_delta` (absolute for the first), `u8 field_mask` (bit i = field i present), and per present field
//! `varint term_frequency`, `u8 field_norm_id` (tantivy's one-byte code of the quantized field length).

use super::section_index::{FIELD_COUNT, FieldOccurrence, Posting};
use tantivy::fieldnorm::FieldNormReader;

/// One encoded shard and the smallest string that sorts at or before its first term and after every term
/// of the previous shard (empty for the first shard).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedShard {
    pub separator: String,
    pub bytes: Vec<u8>,
}

/// Errors reading a shard back.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ShardDecodeError {
    #[error("shard ends in the middle of a value at byte {0}")]
    Truncated(usize),
    #[error("shard has a term that is not UTF-8 at byte {0}")]
    NotUtf8(usize),
    #[error("shard has {0} bytes after its last term")]
    TrailingBytes(usize),
}

/// Cut `terms` into shards of about `target_bytes` each (a term with larger postings gets a shard alone).
pub fn encode_shards(terms: &[(String, Vec<Posting>)], target_bytes: usize) -> Vec<EncodedShard> {
    let mut shards = Vec::new();
    let mut current: Vec<u8> = Vec::new();
    let mut count = 0u64;
    let mut previous = "";
    let mut first_of_shard: Option<&str> = None;
    let mut last_of_previous_shard: Option<&str> = None;
    for (term, postings) in terms {
        if count > 0 && current.len() >= target_bytes {
            shards.push(finish_shard(
                count,
                &current,
                last_of_previous_shard,
                first_of_shard.unwrap_or(""),
            ));
            last_of_previous_shard = Some(previous);
            current.clear();
            count = 0;
            previous = "";
            first_of_shard = None;
        }
        first_of_shard.get_or_insert(term);
        encode_term(&mut current, previous, term, postings);
        count += 1;
        previous = term;
    }
    if count > 0 {
        shards.push(finish_shard(
            count,
            &current,
            last_of_previous_shard,
            first_of_shard.unwrap_or(""),
        ));
    }
    shards
}

fn finish_shard(
    count: u64,
    body: &[u8],
    last_of_previous: Option<&str>,
    first: &str,
) -> EncodedShard {
    let mut bytes = Vec::with_capacity(body.len() + 4);
    write_varint(&mut bytes, count);
    bytes.extend_from_slice(body);
    let separator =
        last_of_previous.map_or_else(String::new, |previous| shortest_separator(previous, first));
    EncodedShard { separator, bytes }
}

/// The shortest prefix of `next` that sorts after `previous` (it exists because `previous < next`).
fn shortest_separator(previous: &str, next: &str) -> String {
    next.char_indices()
        .map(|(i, c)| &next[..i + c.len_utf8()])
        .find(|prefix| *prefix > previous)
        .unwrap_or(next)
        .to_owned()
}

fn encode_term(out: &mut Vec<u8>, previous: &str, term: &str, postings: &[Posting]) {
    write_front_coded(out, previous, term);
    write_varint(out, postings.len() as u64);
    let mut last_ordinal = 0;
    for posting in postings {
        write_varint(out, u64::from(posting.ordinal - last_ordinal));
        last_ordinal = posting.ordinal;
        let mut mask = 0u8;
        for (field, occurrence) in posting.fields.iter().enumerate() {
            if occurrence.term_frequency > 0 {
                mask |= 1 << field;
            }
        }
        out.push(mask);
        for occurrence in posting.fields.iter().filter(|o| o.term_frequency > 0) {
            write_varint(out, u64::from(occurrence.term_frequency));
            out.push(occurrence.field_norm_id);
        }
    }
}

/// `vocabulary.bin` before compression: `varint term_count`, then per term (byte order) `varint
/// shared_prefix_bytes`, `varint suffix_bytes`, the suffix and `varint document_frequency`.
pub fn encode_vocabulary(terms: &[(String, Vec<Posting>)]) -> Vec<u8> {
    let mut out = Vec::new();
    write_varint(&mut out, terms.len() as u64);
    let mut previous = "";
    for (term, postings) in terms {
        write_front_coded(&mut out, previous, term);
        write_varint(&mut out, postings.len() as u64);
        previous = term;
    }
    out
}

/// `term` front-coded against the term before it: `varint shared_prefix_bytes`, `varint suffix_bytes`,
/// the suffix (the layout shards and the vocabulary share).
fn write_front_coded(out: &mut Vec<u8>, previous: &str, term: &str) {
    let shared = shared_prefix_bytes(previous, term);
    write_varint(out, shared as u64);
    write_varint(out, (term.len() - shared) as u64);
    out.extend_from_slice(&term.as_bytes()[shared..]);
}

/// Shared prefix length in bytes, on a character boundary so suffixes stay valid UTF-8.
fn shared_prefix_bytes(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .find(|((_, ca), cb)| ca != cb)
        .map_or_else(|| a.len().min(b.len()), |((i, _), _)| i)
}

/// LEB128: seven bits a byte, low bits first, the high bit set on every byte but the last.
pub(super) fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, ShardDecodeError> {
        let byte = *self
            .bytes
            .get(self.at)
            .ok_or(ShardDecodeError::Truncated(self.at))?;
        self.at += 1;
        Ok(byte)
    }

    fn varint(&mut self) -> Result<u64, ShardDecodeError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(value);
            }
        }
        Err(ShardDecodeError::Truncated(self.at))
    }

    fn u32(&mut self) -> Result<u32, ShardDecodeError> {
        let at = self.at;
        u32::try_from(self.varint()?).map_err(|_| ShardDecodeError::Truncated(at))
    }

    /// The next front-coded term ([`write_front_coded`]); `previous` holds the term before it and is
    /// replaced by this one.
    fn front_coded_term(&mut self, previous: &mut Vec<u8>) -> Result<String, ShardDecodeError> {
        let shared = usize::try_from(self.varint()?).unwrap_or(usize::MAX);
        let suffix_len = usize::try_from(self.varint()?).unwrap_or(usize::MAX);
        let start = self.at;
        let end = start
            .checked_add(suffix_len)
            .filter(|&end| end <= self.bytes.len());
        let (Some(end), true) = (end, shared <= previous.len()) else {
            return Err(ShardDecodeError::Truncated(start));
        };
        previous.truncate(shared);
        previous.extend_from_slice(&self.bytes[start..end]);
        self.at = end;
        String::from_utf8(previous.clone()).map_err(|_| ShardDecodeError::NotUtf8(start))
    }
}

/// Read an (inflated) vocabulary back into terms and document frequencies, for tests and tools.
pub fn decode_vocabulary(bytes: &[u8]) -> Result<Vec<(String, u64)>, ShardDecodeError> {
    let mut reader = Reader { bytes, at: 0 };
    let count = reader.varint()?;
    let mut terms = Vec::new();
    let mut previous: Vec<u8> = Vec::new();
    for _ in 0..count {
        let term = reader.front_coded_term(&mut previous)?;
        terms.push((term, reader.varint()?));
    }
    if reader.at != bytes.len() {
        return Err(ShardDecodeError::TrailingBytes(bytes.len() - reader.at));
    }
    Ok(terms)
}

/// Read an (inflated) shard back into terms and postings.
pub fn decode_shard(bytes: &[u8]) -> Result<Vec<(String, Vec<Posting>)>, ShardDecodeError> {
    let mut reader = Reader { bytes, at: 0 };
    let count = reader.varint()?;
    let mut terms: Vec<(String, Vec<Posting>)> = Vec::new();
    let mut previous = Vec::new();
    for _ in 0..count {
        let text = reader.front_coded_term(&mut previous)?;
        let posting_count = reader.varint()?;
        let mut postings = Vec::new();
        let mut ordinal = 0u32;
        for _ in 0..posting_count {
            ordinal = ordinal.saturating_add(reader.u32()?);
            let mask = reader.byte()?;
            let mut fields = [FieldOccurrence::default(); FIELD_COUNT];
            for (field, occurrence) in fields.iter_mut().enumerate() {
                if mask & (1 << field) != 0 {
                    occurrence.term_frequency = reader.u32()?;
                    occurrence.field_norm_id = reader.byte()?;
                    occurrence.field_length =
                        FieldNormReader::id_to_fieldnorm(occurrence.field_norm_id);
                }
            }
            postings.push(Posting { ordinal, fields });
        }
        terms.push((text, postings));
    }
    if reader.at != bytes.len() {
        return Err(ShardDecodeError::TrailingBytes(bytes.len() - reader.at));
    }
    Ok(terms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posting(ordinal: u32, body_tf: u32) -> Posting {
        let mut fields = [FieldOccurrence::default(); FIELD_COUNT];
        fields[2] = FieldOccurrence {
            term_frequency: body_tf,
            field_length: 312,
            field_norm_id: 73,
        };
        Posting { ordinal, fields }
    }

    fn sample() -> Vec<(String, Vec<Posting>)> {
        ["alpha", "alphabet", "beta", "bundl", "zeta", "éclair"]
            .iter()
            .enumerate()
            .map(|(i, t)| {
                (
                    t.to_string(),
                    vec![posting(i as u32, 1), posting(i as u32 + 200, 3)],
                )
            })
            .collect()
    }

    use std::collections::BTreeMap;

    #[test]
    fn shards_round_trip() {
        let terms = sample();
        let shards = encode_shards(&terms, 1);
        let decoded: BTreeMap<String, Vec<Posting>> = shards
            .iter()
            .flat_map(|s| decode_shard(&s.bytes).unwrap())
            .collect();
        assert_eq!(decoded, terms.into_iter().collect());
    }

    #[test]
    fn separators_are_short_and_ordered() {
        let shards = encode_shards(&sample(), 1);
        let separators: Vec<&str> = shards.iter().map(|s| s.separator.as_str()).collect();
        assert_eq!(separators, ["", "alphab", "b", "bu", "z", "é"]);
    }

    #[test]
    fn truncated_shard_is_an_error_not_a_panic() {
        let shards = encode_shards(&sample(), 1 << 20);
        let bytes = &shards[0].bytes;
        for cut in 0..bytes.len() {
            assert!(decode_shard(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut extra = bytes.clone();
        extra.push(0);
        assert_eq!(
            decode_shard(&extra),
            Err(ShardDecodeError::TrailingBytes(1))
        );
    }
}
