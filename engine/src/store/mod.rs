//! The on-disk index in `.ax/`: a tantivy index of symbols and references, the manifest, the file
//! table and the query cache. Input is scanned files (writes) or a root (reads); output is a searcher
//! for `query/`. This is the only module that touches `.ax/`; a run's changes land in one atomic commit.

mod manifest;
mod merge;
mod postings;
mod refs;
mod schema;
mod table;
pub mod tokenizer;
mod update;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tantivy::directory::MmapDirectory;
use tantivy::schema::Value;
use tantivy::{Index, ReloadPolicy, Searcher, TantivyDocument};

pub use manifest::{FORMAT_VERSION, Manifest};
pub(crate) use postings::{for_each_live_posting, store_error};
pub use schema::Fields;
pub use table::{FileEntry, FileTable};
pub use update::Update;
pub(crate) use update::{FREE_IN_BACKGROUND_FROM_FILES, drop_in_background};

use crate::error::{Error, Result};
use crate::model::{ContentHash, FileStat, Language, Symbol, SymbolKind};

/// The folder under the root that holds everything `ax` writes.
pub const STORE_DIR_NAME: &str = ".ax";
const INDEX_DIR: &str = "index";
const CACHE_DIR: &str = "cache";
const MANIFEST_FILE: &str = "manifest.json";
/// The store of one root. Opening it reads nothing; each method reads what it needs.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    /// For a long-running process: the last opened snapshot and its generation, reused by every
    /// query until a newer generation is committed. `None` opens the index per query (the CLI).
    open: Option<Arc<Mutex<Option<KeptSnapshot>>>>,
    /// For the same process: the file table of the last generation it committed or read, so a
    /// one-file re-index does not parse megabytes of JSON again. `None` for the CLI.
    tables: Option<Arc<Mutex<Option<KeptTable>>>>,
}

/// A file table kept in memory with the generation it belongs to.
type KeptTable = (u64, Arc<FileTable>);

/// A snapshot kept open with the generation it shows.
type KeptSnapshot = (u64, Snapshot);

/// An open, read-only view of the index for one query.
#[derive(Clone)]
pub(crate) struct Snapshot {
    pub searcher: Searcher,
    pub fields: Fields,
    /// Per-document tables `find` scores into, kept between the queries of this snapshot.
    pub scratch: ScratchTables,
}

/// Tables of one `u32` per document (`find`'s per-segment slot table, 1.7 MB on a 420k-document
/// segment), handed from one query to the next: allocating, filling and freeing one per query was a
/// tenth of a common-word query's CPU and left the allocator's heap fragmented under load. At most
/// one table per core is kept, so memory stays bounded however many queries run at once.
#[derive(Clone, Default)]
pub(crate) struct ScratchTables(Arc<Mutex<Vec<Vec<u32>>>>);

impl ScratchTables {
    /// A table whose every entry is `fill`, at least `len` long.
    pub fn take(&self, len: usize, fill: u32) -> Vec<u32> {
        let kept = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .pop();
        let mut table = kept.unwrap_or_default();
        if table.len() < len {
            table.resize(len, fill);
        }
        table
    }

    /// Returns a table for the next query; the caller has set every entry back to the `fill` it
    /// was taken with. A table not given back (an error or panic mid-query) is simply dropped.
    pub fn give_back(&self, table: Vec<u32>) {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let mut kept = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if kept.len() < cores {
            kept.push(table);
        }
    }
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Snapshot")
            .field("segments", &self.searcher.segment_readers().len())
            .finish()
    }
}

/// A reference as stored in a file document's payload when it does not pack: (name, line, column).
type StoredReference = (String, u32, u32);

impl Store {
    pub fn new(root: &Path) -> Store {
        Store::new_in(root.join(STORE_DIR_NAME))
    }

    fn new_in(dir: PathBuf) -> Store {
        Store {
            dir,
            open: None,
            tables: None,
        }
    }

    /// This store keeping the index open between queries (one open per committed generation).
    pub fn keeping_index_open(mut self) -> Store {
        self.open = Some(Arc::new(Mutex::new(None)));
        self.tables = Some(Arc::new(Mutex::new(None)));
        self
    }

    /// The manifest of the last commit, checked for its format version.
    ///
    /// The commit point is tantivy's `meta.json`, whose payload carries the manifest; `manifest.json`
    /// is written after it. A run killed between the two leaves `manifest.json` one generation
    /// behind: the newer manifest in the index payload is the committed one, so it wins.
    pub fn manifest(&self) -> Result<Manifest> {
        let root = self.dir.parent().unwrap_or(&self.dir).to_owned();
        let written = manifest::read_manifest(&self.dir.join(MANIFEST_FILE))?
            .ok_or(Error::NoIndex { root })?;
        match self.committed_payload() {
            Some(Payload::Manifest(committed)) if committed.generation > written.generation => {
                Ok(committed)
            }
            _ => Ok(written),
        }
    }

    /// The payload of the last tantivy commit, read straight from `meta.json` (no index open).
    fn committed_payload(&self) -> Option<Payload> {
        let bytes = std::fs::read(self.dir.join(INDEX_DIR).join("meta.json")).ok()?;
        #[derive(serde::Deserialize)]
        struct Meta {
            payload: Option<String>,
        }
        let meta: Meta = serde_json::from_slice(&bytes).ok()?;
        Payload::parse(meta.payload.as_deref()?)
    }

    /// The file table of the commit `manifest` describes (shared with the store's kept copy).
    pub fn file_table(&self, manifest: &Manifest) -> Result<Arc<FileTable>> {
        if let Some(tables) = &self.tables {
            let kept = tables
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if let Some((generation, table)) = kept.as_ref()
                && *generation == manifest.generation
            {
                return Ok(Arc::clone(table));
            }
        }
        self.read_file_table(manifest).map(Arc::new)
    }

    /// The file table for an update to change: the kept copy taken out of the store (a commit puts
    /// the new one back; a failed run leaves the next to read it from disk), else read from disk.
    fn take_file_table(&self, manifest: &Manifest) -> Result<FileTable> {
        if let Some(tables) = &self.tables {
            let mut kept = tables
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if kept
                .as_ref()
                .is_some_and(|(generation, _)| *generation == manifest.generation)
                && let Some((_, table)) = kept.take()
            {
                // Unshared unless a reader still holds it (then it is copied once).
                return Ok(Arc::try_unwrap(table).unwrap_or_else(|shared| (*shared).clone()));
            }
        }
        self.read_file_table(manifest)
    }

    /// The table of `manifest`'s generation; a missing one is damage (a run would otherwise take
    /// every file for new and add its documents a second time), unless the index is empty.
    fn read_file_table(&self, manifest: &Manifest) -> Result<FileTable> {
        let path = self.dir.join(file_table_name(manifest.generation));
        match table::read_file_table(&path)? {
            Some(table) => Ok(table),
            None if manifest.files == 0 => Ok(FileTable::new()),
            None => Err(self.corrupt(format!(
                "the file table of generation {} is missing",
                manifest.generation
            ))),
        }
    }

    /// Bytes on disk under `.ax/`.
    pub fn size_bytes(&self) -> u64 {
        walkdir_size(&self.dir)
    }

    /// A read-only view of the index matching `manifest`: the kept one when it is of that
    /// generation, else freshly opened.
    pub(crate) fn snapshot(&self, manifest: &Manifest) -> Result<Snapshot> {
        let Some(open) = &self.open else {
            return self.open_snapshot(manifest);
        };
        // A poisoned lock only means a query panicked; the kept snapshot is still whole.
        let mut kept = open.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((generation, snapshot)) = kept.as_ref()
            && *generation == manifest.generation
        {
            return Ok(snapshot.clone());
        }
        let snapshot = self.open_snapshot(manifest)?;
        *kept = Some((manifest.generation, snapshot.clone()));
        Ok(snapshot)
    }

    fn open_snapshot(&self, manifest: &Manifest) -> Result<Snapshot> {
        let index = self.open_index(manifest)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|error| self.corrupt(format!("cannot open a reader: {error}")))?;
        let fields = schema::fields_of(&index.schema())
            .ok_or_else(|| self.corrupt("the schema is not ax's".into()))?;
        Ok(Snapshot {
            searcher: reader.searcher(),
            fields,
            scratch: ScratchTables::default(),
        })
    }

    fn open_index(&self, manifest: &Manifest) -> Result<Index> {
        let index_dir = self.dir.join(INDEX_DIR);
        let index = Index::open_in_dir(&index_dir)
            .map_err(|error| self.corrupt(format!("cannot open the tantivy index: {error}")))?;
        register_analyzers(&index);
        let metas = index
            .load_metas()
            .map_err(|error| self.corrupt(format!("cannot read the index metadata: {error}")))?;
        let committed_generation = metas
            .payload
            .as_deref()
            .and_then(Payload::parse)
            .map(|payload| payload.generation());
        if committed_generation != Some(manifest.generation) {
            return Err(self.corrupt(format!(
                "the manifest is at generation {} but the index at {}",
                manifest.generation,
                committed_generation.map_or_else(|| "none".to_owned(), |value| value.to_string())
            )));
        }
        Ok(index)
    }

    fn corrupt(&self, detail: String) -> Error {
        Error::IndexCorrupt {
            path: self.dir.clone(),
            detail,
        }
    }

    /// Starts an update: the previous manifest and file table, and the index open for writing (the
    /// writer itself starts at [`Update::start_writing`], so a run that changes nothing never
    /// starts one). An old-format or damaged index is discarded (the reason is returned) so the run
    /// rebuilds it from scratch.
    pub fn begin_update(&self) -> Result<Update> {
        std::fs::create_dir_all(&self.dir).map_err(|error| Error::io(&self.dir, error))?;
        let previous = self.manifest().and_then(|manifest| {
            let table = self.take_file_table(&manifest)?;
            let index = self.open_index(&manifest)?;
            Ok((manifest, table, index))
        });
        let (manifest, table, index, rebuilt_reason) = match previous {
            Ok((manifest, table, index)) => (manifest, table, index, None),
            Err(Error::NoIndex { .. }) => {
                self.wipe()?;
                (
                    Manifest::default(),
                    FileTable::new(),
                    self.create_index()?,
                    None,
                )
            }
            Err(error @ (Error::IndexVersion { .. } | Error::IndexCorrupt { .. })) => {
                let reason = error.to_string();
                self.wipe()?;
                let fresh = self.create_index()?;
                (Manifest::default(), FileTable::new(), fresh, Some(reason))
            }
            Err(error) => return Err(error),
        };
        let fields = schema::fields_of(&index.schema())
            .ok_or_else(|| self.corrupt("the schema is not ax's".into()))?;
        Ok(Update {
            dir: self.dir.clone(),
            index,
            writer: None,
            fields,
            previous_generation: manifest.generation,
            previous_plugins: manifest.plugins.clone(),
            tables: self.tables.clone(),
            plugins: None,
            previous_files: table,
            rebuilt_reason,
        })
    }

    fn wipe(&self) -> Result<()> {
        for name in [INDEX_DIR, CACHE_DIR] {
            let path = self.dir.join(name);
            if path.exists() {
                std::fs::remove_dir_all(&path).map_err(|error| Error::io(&path, error))?;
            }
        }
        let path = self.dir.join(MANIFEST_FILE);
        if path.exists() {
            std::fs::remove_file(&path).map_err(|error| Error::io(&path, error))?;
        }
        self.remove_file_tables_except(None)
    }

    /// Deletes every file table but the one of generation `keep`.
    fn remove_file_tables_except(&self, keep: Option<u64>) -> Result<()> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Ok(());
        };
        let kept = keep.map(file_table_name);
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            // Format 3 wrote JSON tables (`files.json`, `files-GEN.json`).
            let is_table = name == "files.json"
                || (name.starts_with("files-")
                    && (name.ends_with(".bin") || name.ends_with(".json")));
            if is_table && Some(&name) != kept.as_ref() {
                let path = entry.path();
                std::fs::remove_file(&path).map_err(|error| Error::io(&path, error))?;
            }
        }
        Ok(())
    }

    fn create_index(&self) -> Result<Index> {
        let index_dir = self.dir.join(INDEX_DIR);
        std::fs::create_dir_all(&index_dir).map_err(|error| Error::io(&index_dir, error))?;
        let directory = MmapDirectory::open(&index_dir).map_err(|error| Error::Store {
            path: index_dir.clone(),
            message: error.to_string(),
        })?;
        let (schema, _) = schema::build();
        let index =
            Index::create(directory, schema, Default::default()).map_err(|error| Error::Store {
                path: index_dir.clone(),
                message: error.to_string(),
            })?;
        register_analyzers(&index);
        Ok(index)
    }

    /// A cached query result, if one was stored under `key` since the last commit.
    pub fn cache_get(&self, key: &str) -> Option<Vec<u8>> {
        std::fs::read(self.dir.join(CACHE_DIR).join(format!("{key}.json"))).ok()
    }

    /// Stores a query result. The cache is an optimisation: failing to write it is not an error.
    pub fn cache_put(&self, key: &str, bytes: &[u8]) {
        let dir = self.dir.join(CACHE_DIR);
        if std::fs::create_dir_all(&dir).is_ok() {
            let path = dir.join(format!("{key}.json"));
            let temporary = dir.join(format!("{key}.{}.tmp", std::process::id()));
            if std::fs::write(&temporary, bytes).is_ok() {
                let _ignored = std::fs::rename(&temporary, path);
            }
        }
    }
}

fn register_analyzers(index: &Index) {
    index
        .tokenizers()
        .register(tokenizer::CODE_ANALYZER, tokenizer::code_analyzer());
    index
        .tokenizers()
        .register(tokenizer::DOC_ANALYZER, tokenizer::doc_analyzer());
}

fn walkdir_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.file_type() {
            Ok(kind) if kind.is_dir() => walkdir_size(&entry.path()),
            _ => entry.metadata().map(|metadata| metadata.len()).unwrap_or(0),
        })
        .sum()
}

/// The commit payload in tantivy's `meta.json`: the manifest, or (indexes written before the
/// manifest moved into the commit) the bare generation number.
enum Payload {
    Manifest(Manifest),
    Generation(u64),
}

impl Payload {
    fn parse(text: &str) -> Option<Payload> {
        if let Ok(manifest) = serde_json::from_str::<Manifest>(text) {
            return Some(Payload::Manifest(manifest));
        }
        text.parse().ok().map(Payload::Generation)
    }

    fn generation(&self) -> u64 {
        match self {
            Payload::Manifest(manifest) => manifest.generation,
            Payload::Generation(generation) => *generation,
        }
    }
}

fn file_table_name(generation: u64) -> String {
    format!("files-{generation}.bin")
}

/// Builds the file-table entry of a parsed file.
pub fn file_entry(
    content_hash: ContentHash,
    language: Language,
    symbols: &[Symbol],
    references: usize,
    syntax_errors: bool,
    stat: Option<FileStat>,
) -> FileEntry {
    let mut kinds: Vec<(SymbolKind, usize)> = Vec::new();
    for symbol in symbols {
        match kinds.iter_mut().find(|(kind, _)| *kind == symbol.kind) {
            Some((_, count)) => *count += 1,
            None => kinds.push((symbol.kind.clone(), 1)),
        }
    }
    kinds.sort_by(|(left, _), (right, _)| left.as_str().cmp(right.as_str()));
    FileEntry {
        content_hash,
        language,
        symbols: symbols.len(),
        references,
        kinds,
        syntax_errors,
        stat,
    }
}

impl Snapshot {
    /// Decodes a symbol document's payload.
    pub fn symbol(&self, document: &TantivyDocument) -> Option<Symbol> {
        let bytes = document.get_first(self.fields.payload)?.as_bytes()?;
        serde_json::from_slice(bytes).ok()
    }

    /// The relative path of a file document.
    pub fn file_of(&self, document: &TantivyDocument) -> Option<String> {
        document
            .get_first(self.fields.file)
            .and_then(|value| value.as_str())
            .map(str::to_owned)
    }
}
