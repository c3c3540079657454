//! The manifest beside the tantivy index (format version, generation, totals), as JSON. Input/output:
//! `.ax/manifest.json` and the commit payload, written atomically. The file table is `table.rs`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Bumped whenever the schema, tokenizer or payload encoding changes; older indexes are rebuilt.
/// 4: the file table became binary (`table.rs`).
pub const FORMAT_VERSION: u32 = 4;

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

/// Writes the manifest (pretty JSON, people read it) to a temporary sibling and renames it over
/// `path`, so readers never see half a file.
pub fn write_manifest(path: &Path, manifest: &Manifest) -> Result<()> {
    let bytes = serde_json::to_vec_pretty(manifest).map_err(|error| Error::Store {
        path: path.to_owned(),
        message: error.to_string(),
    })?;
    let temporary = path.with_extension("json.tmp");
    std::fs::write(&temporary, bytes).map_err(|error| Error::io(&temporary, error))?;
    std::fs::rename(&temporary, path).map_err(|error| Error::io(path, error))
}
