//! The small JSON files beside the tantivy index: the manifest (format version, generation, totals)
//! and the file table (content hash and counts per file). Input/output: `.ax/*.json`, written atomically.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{FileStat, Language};

/// Bumped whenever the schema, tokenizer or payload encoding changes; older indexes are rebuilt.
pub const FORMAT_VERSION: u32 = 3;

/// `.ax/manifest.json`: read by every command, so it stays small.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    /// Incremented by every committed `ax index`; keys the query cache.
    pub generation: u64,
    pub files: usize,
    pub symbols: usize,
    pub references: usize,
    /// The fingerprint of the `on_index` plugins the content hashes were salted with (none when
    /// no plugin has that hook): a run with other plugins cannot trust any file's stat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugins: Option<String>,
}

/// What the store remembers about one indexed file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub content_hash: String,
    pub language: Language,
    pub symbols: usize,
    pub references: usize,
    /// Symbol count per kind.
    pub kinds: BTreeMap<String, usize>,
    /// Whether the parse met syntax errors (its symbols may be partial).
    #[serde(default)]
    pub syntax_errors: bool,
    /// The file's stat when it was read, if it had settled by then ([`FileStat::settled_before`]):
    /// an unchanged stat means unchanged content, so the file is not read again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stat: Option<FileStat>,
}

/// `.ax/files.json`: relative path to entry, sorted.
pub type FileTable = BTreeMap<String, FileEntry>;

/// Only the version, read first so a newer or older layout gives a version error, not a parse error.
#[derive(Deserialize)]
struct VersionProbe {
    format_version: u32,
}

/// Reads the manifest; `Ok(None)` when there is none.
pub fn read_manifest(path: &Path) -> Result<Option<Manifest>> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(Error::io(path, error)),
    };
    let corrupt = |detail: String| Error::IndexCorrupt {
        path: path.to_owned(),
        detail,
    };
    let probe: VersionProbe = serde_json::from_slice(&bytes)
        .map_err(|error| corrupt(format!("unreadable manifest: {error}")))?;
    if probe.format_version != FORMAT_VERSION {
        return Err(Error::IndexVersion {
            path: path.to_owned(),
            found: probe.format_version,
            expected: FORMAT_VERSION,
        });
    }
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|error| corrupt(format!("unreadable manifest: {error}")))
}

/// Reads the file table; an absent table is empty.
pub fn read_file_table(path: &Path) -> Result<FileTable> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|error| Error::IndexCorrupt {
            path: path.to_owned(),
            detail: format!("unreadable file table: {error}"),
        }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(FileTable::new()),
        Err(error) => Err(Error::io(path, error)),
    }
}

/// Writes JSON to a temporary sibling and renames it over `path`, so readers never see half a file.
/// `pretty` for the small files people read; the file table (megabytes on a large tree) is compact.
pub fn write_json_atomically<T: Serialize>(path: &Path, value: &T, pretty: bool) -> Result<()> {
    let encoded = if pretty {
        serde_json::to_vec_pretty(value)
    } else {
        serde_json::to_vec(value)
    };
    let bytes = encoded.map_err(|error| Error::Store {
        path: path.to_owned(),
        message: error.to_string(),
    })?;
    let temporary = path.with_extension("json.tmp");
    std::fs::write(&temporary, bytes).map_err(|error| Error::io(&temporary, error))?;
    std::fs::rename(&temporary, path).map_err(|error| Error::io(path, error))
}
