//! The file table (`.ax/files-GENERATION.bin`): per indexed file its content hash, language, counts
//! and settled stat, in a compact binary layout read and written once per run. Input/output: a
//! [`FileTable`] and its bytes; the bytes are checked (magic, version, bounds, order, checksum), so
//! a damaged table is an error, never a panic or a wrong table.
//!
//! Format 4 of the index replaced the JSON table of format 3 (5.9 MB and ~6 allocations per entry on
//! a 17k-file tree; decision 0108). Layout, integers little-endian, `varint` = LEB128:
//!
//! ```text
//! magic "AXFILES\0", layout version u32
//! kind names: varint count, then each: varint length, UTF-8 bytes
//! entries: varint count, then each, sorted by path:
//!   varint bytes shared with the previous path, varint suffix length, suffix bytes
//!   content hash [32], language u8 (index in Language::ALL), flags u8 (1 syntax errors, 2 stat)
//!   varint symbols, varint references, varint kinds, each: varint kind name index, varint count
//!   stat (flag 2): varint size, i64 modified_ns, i64 changed_ns, varint inode
//! blake3 of all the bytes before it [32]
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};
use crate::model::{ContentHash, FileStat, Language, SymbolKind};

const MAGIC: &[u8; 8] = b"AXFILES\0";
/// The layout above; the index format version changes with it.
const LAYOUT_VERSION: u32 = 1;
const HASH_BYTES: usize = ContentHash::BYTES;
const FLAG_SYNTAX_ERRORS: u8 = 1;
const FLAG_STAT: u8 = 2;

/// What the store remembers about one indexed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    pub content_hash: ContentHash,
    pub language: Language,
    pub symbols: usize,
    pub references: usize,
    /// Symbol count per kind, sorted by kind name, no zero counts.
    pub kinds: Vec<(SymbolKind, usize)>,
    /// Whether the parse met syntax errors (its symbols may be partial).
    pub syntax_errors: bool,
    /// The file's stat when it was read, if it had settled by then ([`FileStat::settled_before`]):
    /// an unchanged stat means unchanged content, so the file is not read again.
    pub stat: Option<FileStat>,
}

/// Relative path to entry, sorted.
pub type FileTable = BTreeMap<String, FileEntry>;

/// Reads the table at `path`: absent is `Ok(None)`; damaged is [`Error::IndexCorrupt`].
pub fn read_file_table(path: &Path) -> Result<Option<FileTable>> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(Error::io(path, error)),
    };
    decode(&bytes)
        .map(Some)
        .map_err(|detail| Error::IndexCorrupt {
            path: path.to_owned(),
            detail: format!("unreadable file table: {detail}"),
        })
}

/// Writes the table to a temporary sibling and renames it over `path` (readers never see half).
pub fn write_file_table(path: &Path, table: &FileTable) -> Result<()> {
    let temporary = path.with_extension("bin.tmp");
    std::fs::write(&temporary, encode(table)).map_err(|error| Error::io(&temporary, error))?;
    std::fs::rename(&temporary, path).map_err(|error| Error::io(path, error))
}

/// The table's bytes (deterministic: equal tables give equal bytes).
pub fn encode(table: &FileTable) -> Vec<u8> {
    let kind_names: Vec<&str> = {
        let mut names: Vec<&str> = table
            .values()
            .flat_map(|entry| entry.kinds.iter().map(|(kind, _)| kind.as_str()))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    };
    let mut out = Vec::with_capacity(64 + table.len() * 96);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&LAYOUT_VERSION.to_le_bytes());
    put_varint(&mut out, kind_names.len() as u64);
    for name in &kind_names {
        put_bytes(&mut out, name.as_bytes());
    }
    put_varint(&mut out, table.len() as u64);
    let mut previous: &str = "";
    for (path, entry) in table {
        let shared = shared_prefix(previous, path);
        put_varint(&mut out, shared as u64);
        put_bytes(&mut out, &path.as_bytes()[shared..]);
        previous = path;
        out.extend_from_slice(&entry.content_hash.0);
        out.push(language_index(entry.language));
        let mut flags = 0;
        if entry.syntax_errors {
            flags |= FLAG_SYNTAX_ERRORS;
        }
        if entry.stat.is_some() {
            flags |= FLAG_STAT;
        }
        out.push(flags);
        put_varint(&mut out, entry.symbols as u64);
        put_varint(&mut out, entry.references as u64);
        put_varint(&mut out, entry.kinds.len() as u64);
        for (kind, count) in &entry.kinds {
            // Every kind of the table is in `kind_names` (built from the same entries).
            let index = kind_names.binary_search(&kind.as_str()).unwrap_or_default();
            put_varint(&mut out, index as u64);
            put_varint(&mut out, *count as u64);
        }
        if let Some(stat) = entry.stat {
            put_varint(&mut out, stat.size);
            out.extend_from_slice(&stat.modified_ns.to_le_bytes());
            out.extend_from_slice(&stat.changed_ns.to_le_bytes());
            put_varint(&mut out, stat.inode);
        }
    }
    let checksum = blake3::hash(&out);
    out.extend_from_slice(checksum.as_bytes());
    out
}

/// Decodes [`encode`]'s bytes; any inconsistency is an error naming what is wrong.
pub fn decode(bytes: &[u8]) -> std::result::Result<FileTable, String> {
    let body_len = bytes
        .len()
        .checked_sub(HASH_BYTES)
        .ok_or("shorter than its checksum")?;
    let (body, checksum) = bytes.split_at(body_len);
    if blake3::hash(body).as_bytes() != checksum {
        return Err("checksum mismatch (the file was changed or cut short)".into());
    }
    let mut reader = Reader { bytes: body, at: 0 };
    if reader.take(MAGIC.len())? != MAGIC {
        return Err("not an ax file table".into());
    }
    let version = u32::from_le_bytes(reader.array()?);
    if version != LAYOUT_VERSION {
        return Err(format!(
            "layout version {version}, this ax reads {LAYOUT_VERSION}"
        ));
    }
    let kind_count = reader.count()?;
    let mut kinds = Vec::with_capacity(kind_count);
    for _ in 0..kind_count {
        kinds.push(SymbolKind::from(reader.text()?.to_owned()));
    }
    let entry_count = reader.count()?;
    let mut entries: Vec<(String, FileEntry)> = Vec::with_capacity(entry_count);
    for _ in 0..entry_count {
        let shared = reader.count()?;
        let suffix = reader.bytes_with_length()?;
        let previous = entries.last().map_or("", |(path, _)| path.as_str());
        if shared > previous.len() || !previous.is_char_boundary(shared) {
            return Err(format!(
                "entry {} shares more than its predecessor",
                entries.len()
            ));
        }
        let mut path = String::with_capacity(shared + suffix.len());
        path.push_str(&previous[..shared]);
        path.push_str(std::str::from_utf8(suffix).map_err(|error| error.to_string())?);
        if path.as_str() <= previous && !entries.is_empty() {
            return Err(format!("entry {} is out of order: {path}", entries.len()));
        }
        let entry = reader.entry(&kinds)?;
        entries.push((path, entry));
    }
    if reader.at != body.len() {
        return Err(format!(
            "{} bytes after the last entry",
            body.len() - reader.at
        ));
    }
    // Sorted and distinct (checked above): the map is built in one pass.
    Ok(entries.into_iter().collect())
}

fn language_index(language: Language) -> u8 {
    Language::ALL
        .iter()
        .position(|known| *known == language)
        .and_then(|index| u8::try_from(index).ok())
        .unwrap_or(u8::MAX)
}

fn shared_prefix(left: &str, right: &str) -> usize {
    let mut shared = left
        .bytes()
        .zip(right.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !right.is_char_boundary(shared) {
        shared -= 1;
    }
    shared
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// A bounds-checked cursor over the table's body.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, length: usize) -> std::result::Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(length)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| format!("cut short at byte {}", self.at))?;
        let bytes = self.bytes;
        let taken = &bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn array<const N: usize>(&mut self) -> std::result::Result<[u8; N], String> {
        let mut array = [0; N];
        array.copy_from_slice(self.take(N)?);
        Ok(array)
    }

    fn byte(&mut self) -> std::result::Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn varint(&mut self) -> std::result::Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(format!("varint too long at byte {}", self.at))
    }

    /// A count or length, no larger than the bytes left (each item takes at least one byte).
    fn count(&mut self) -> std::result::Result<usize, String> {
        let value = self.varint()?;
        usize::try_from(value)
            .ok()
            .filter(|count| *count <= self.bytes.len() - self.at)
            .ok_or_else(|| format!("count {value} at byte {} exceeds the table", self.at))
    }

    fn bytes_with_length(&mut self) -> std::result::Result<&'a [u8], String> {
        let length = self.count()?;
        self.take(length)
    }

    fn text(&mut self) -> std::result::Result<&'a str, String> {
        std::str::from_utf8(self.bytes_with_length()?).map_err(|error| error.to_string())
    }

    fn usize(&mut self) -> std::result::Result<usize, String> {
        let value = self.varint()?;
        usize::try_from(value).map_err(|_| format!("{value} does not fit this machine"))
    }

    fn entry(&mut self, kinds: &[SymbolKind]) -> std::result::Result<FileEntry, String> {
        let content_hash = ContentHash(self.array()?);
        let language_byte = self.byte()?;
        let language = *Language::ALL
            .get(usize::from(language_byte))
            .ok_or_else(|| format!("unknown language {language_byte}"))?;
        let flags = self.byte()?;
        if flags & !(FLAG_SYNTAX_ERRORS | FLAG_STAT) != 0 {
            return Err(format!("unknown flags {flags:#x}"));
        }
        let symbols = self.usize()?;
        let references = self.usize()?;
        let kind_count = self.count()?;
        let mut entry_kinds = Vec::with_capacity(kind_count);
        for _ in 0..kind_count {
            let index = self.usize()?;
            let kind = kinds
                .get(index)
                .ok_or_else(|| format!("unknown kind {index}"))?;
            entry_kinds.push((kind.clone(), self.usize()?));
        }
        let stat = if flags & FLAG_STAT != 0 {
            Some(FileStat {
                size: self.varint()?,
                modified_ns: i64::from_le_bytes(self.array()?),
                changed_ns: i64::from_le_bytes(self.array()?),
                inode: self.varint()?,
            })
        } else {
            None
        };
        Ok(FileEntry {
            content_hash,
            language,
            symbols,
            references,
            kinds: entry_kinds,
            syntax_errors: flags & FLAG_SYNTAX_ERRORS != 0,
            stat,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> FileTable {
        let mut table = FileTable::new();
        table.insert(
            "src/lib.rs".into(),
            FileEntry {
                content_hash: ContentHash::of(b"lib"),
                language: Language::Rust,
                symbols: 3,
                references: 40,
                kinds: vec![(SymbolKind::Function, 2), (SymbolKind::Struct, 1)],
                syntax_errors: false,
                stat: Some(FileStat {
                    size: 1234,
                    modified_ns: 1_700_000_000_123_456_789,
                    changed_ns: -5,
                    inode: u64::MAX,
                }),
            },
        );
        table.insert(
            "src/lÿb/todo.py".into(),
            FileEntry {
                content_hash: ContentHash::of(b"todo"),
                language: Language::Python,
                symbols: 1,
                references: 0,
                kinds: vec![(SymbolKind::Other("todo".into()), 1)],
                syntax_errors: true,
                stat: None,
            },
        );
        table.insert(
            "src/lÿc.go".into(),
            FileEntry {
                content_hash: ContentHash::default(),
                language: Language::Go,
                symbols: 0,
                references: 0,
                kinds: Vec::new(),
                syntax_errors: false,
                stat: None,
            },
        );
        table
    }

    #[test]
    fn a_table_round_trips_byte_for_byte() {
        let table = sample();
        let bytes = encode(&table);
        assert_eq!(decode(&bytes), Ok(table.clone()));
        assert_eq!(encode(&decode(&bytes).expect("decodes")), bytes);
        assert_eq!(decode(&encode(&FileTable::new())), Ok(FileTable::new()));
    }

    #[test]
    fn paths_share_prefixes_only_at_character_boundaries() {
        // "src/lÿb" and "src/lÿc" share "src/lÿ" (ÿ is two bytes); "src/lib" and "src/lÿb" share "src/l".
        assert_eq!(
            shared_prefix("src/lÿb/todo.py", "src/lÿc.go"),
            "src/lÿ".len()
        );
        assert_eq!(shared_prefix("src/lib.rs", "src/lÿb"), "src/l".len());
        assert_eq!(shared_prefix("é", "è"), 0);
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let bytes = encode(&sample());
        for length in 0..bytes.len() {
            assert!(decode(&bytes[..length]).is_err(), "cut at {length}");
        }
    }

    #[test]
    fn a_changed_byte_fails_the_checksum() {
        let bytes = encode(&sample());
        for at in 0..bytes.len() {
            let mut changed = bytes.clone();
            changed[at] ^= 0x40;
            assert!(decode(&changed).is_err(), "byte {at} changed");
        }
    }

    /// Re-signs a body changed by hand, to reach the checks behind the checksum.
    fn signed(mut body: Vec<u8>) -> Vec<u8> {
        let checksum = blake3::hash(&body);
        body.extend_from_slice(checksum.as_bytes());
        body
    }

    #[test]
    fn consistent_but_wrong_bodies_are_named() {
        let bytes = encode(&sample());
        let body = bytes[..bytes.len() - HASH_BYTES].to_vec();
        let mut magic = body.clone();
        magic[0] = b'X';
        assert_eq!(decode(&signed(magic)), Err("not an ax file table".into()));
        let mut version = body.clone();
        version[8] = 9;
        assert!(
            decode(&signed(version))
                .unwrap_err()
                .contains("layout version 9")
        );
        let mut trailing = body.clone();
        trailing.push(0);
        assert!(
            decode(&signed(trailing))
                .unwrap_err()
                .contains("after the last entry")
        );
        // A count far larger than the bytes left is refused before anything is allocated.
        let mut huge = body[..12].to_vec();
        huge.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0x0f]);
        assert!(
            decode(&signed(huge))
                .unwrap_err()
                .contains("exceeds the table")
        );
    }

    #[test]
    fn entries_out_of_order_are_refused() {
        let mut table = FileTable::new();
        let entry = sample()["src/lÿc.go"].clone();
        table.insert("a.go".into(), entry.clone());
        table.insert("b.go".into(), entry);
        let mut bytes = encode(&table);
        bytes.truncate(bytes.len() - HASH_BYTES);
        // The second path's suffix byte `b` becomes `a`: a duplicate of the first.
        let second = bytes
            .iter()
            .rposition(|byte| *byte == b'b')
            .expect("second path");
        bytes[second] = b'a';
        assert!(decode(&signed(bytes)).unwrap_err().contains("out of order"));
    }
}
