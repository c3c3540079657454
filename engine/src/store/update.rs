//! One indexing run's writes to the store: the index writer (started by the first change, sized by
//! how many files the run parses), the commit (file table, tantivy commit point carrying the
//! manifest, `manifest.json`), and the merges after it. Input is files' symbols and references;
//! output is one atomic commit and its manifest.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tantivy::indexer::NoMergePolicy;
use tantivy::schema::Term;
use tantivy::{Index, IndexWriter, TantivyDocument, doc};

use super::schema::{Fields, SYMBOL_DOC};
use super::{
    CACHE_DIR, FORMAT_VERSION, FileTable, KeptTable, MANIFEST_FILE, Manifest, Store,
    file_table_name, manifest, merge, refs, table,
};
use crate::error::{Error, Result};
use crate::model::{Occurrence, Symbol};

const WRITER_MEMORY_BYTES: usize = 96 * 1024 * 1024;
/// A file table of at least this many entries that no one keeps is freed on a thread of its own.
pub(crate) const FREE_IN_BACKGROUND_FROM_FILES: usize = 1024;
/// A run that parses fewer files than this indexes with one writer thread. With several, tantivy
/// hands documents to whichever thread is free, so a small tree ends up in one or two segments split
/// at a point that depends on timing, and the cost of every later query with it (an `ax find` over
/// a 6-file tree: 10.0M instructions on one segment, 10.9M-11.2M on two). One thread gives one
/// segment in file order, the same on every run. Parsing, most of a run's work, stays parallel;
/// only tantivy's inverting of this few files' documents is serial.
const ONE_WRITER_THREAD_BELOW_FILES: usize = 256;

/// One run's changes to the index, applied at [`Update::commit`].
pub struct Update {
    pub(super) dir: PathBuf,
    pub(super) index: Index,
    /// Started by the first change (see [`Update::start_writing`]).
    pub(super) writer: Option<IndexWriter>,
    pub(super) fields: Fields,
    pub(super) previous_generation: u64,
    pub(super) previous_files: FileTable,
    /// The store's kept file table, refreshed by the commit.
    pub(super) tables: Option<Arc<Mutex<Option<KeptTable>>>>,
    /// The plugin fingerprint the previous generation's content hashes were salted with.
    pub(super) previous_plugins: Option<String>,
    /// This run's, recorded in the manifest at commit.
    pub(super) plugins: Option<String>,
    pub(super) rebuilt_reason: Option<String>,
}

impl Update {
    /// What the last commit recorded per file (empty after a rebuild), taken out of the update:
    /// the run moves each kept entry into the table it commits instead of copying it.
    pub fn take_previous_files(&mut self) -> FileTable {
        std::mem::take(&mut self.previous_files)
    }

    /// The generation of the last commit (0 when there was none).
    pub fn previous_generation(&self) -> u64 {
        self.previous_generation
    }

    /// Whether the previous generation hashed with the same plugin fingerprint as this run (so a
    /// file's recorded stat still vouches for its entry); records `plugins` for the commit.
    pub fn same_plugins(&mut self, plugins: Option<&str>) -> bool {
        self.plugins = plugins.map(str::to_owned);
        self.previous_plugins.as_deref() == plugins
    }

    /// Why the previous index was discarded, if it was.
    pub fn rebuilt_reason(&self) -> Option<&str> {
        self.rebuilt_reason.as_deref()
    }

    /// Starts the index writer for a run that parses `files` files (one indexer thread below
    /// [`ONE_WRITER_THREAD_BELOW_FILES`]); the first change starts it for no files if this was not
    /// called. Taking the writer's lock fails while another run writes.
    pub fn start_writing(&mut self, files: usize) -> Result<()> {
        if self.writer.is_none() {
            self.writer = Some(self.open_writer(files)?);
        }
        Ok(())
    }

    fn open_writer(&self, files: usize) -> Result<IndexWriter> {
        let writer: tantivy::Result<IndexWriter> = if files < ONE_WRITER_THREAD_BELOW_FILES {
            self.index.writer_with_num_threads(1, WRITER_MEMORY_BYTES)
        } else {
            self.index.writer(WRITER_MEMORY_BYTES)
        };
        let writer = writer.map_err(|error| {
            self.store_error(format!(
                "cannot start writing (is another `ax index` running?): {error}"
            ))
        })?;
        // Merges are ours to schedule (`merge.rs`), so the segment count after a run does not
        // depend on thread timing.
        writer.set_merge_policy(Box::new(NoMergePolicy));
        // A run killed mid-write leaves files registered but never committed; delete files are named
        // by segment and opstamp, so the next run would collide with them. Collect before writing.
        writer.garbage_collect_files().wait().map_err(|error| {
            self.store_error(format!(
                "cannot remove files of an interrupted run: {error}"
            ))
        })?;
        Ok(writer)
    }

    /// The writer, started for no files if no change started it yet.
    fn writer(&mut self) -> Result<&mut IndexWriter> {
        let writer = match self.writer.take() {
            Some(writer) => writer,
            None => self.open_writer(0)?,
        };
        Ok(self.writer.insert(writer))
    }

    /// Removes every document of a file (its symbols and its references).
    pub fn remove_file(&mut self, relative_path: &str) -> Result<()> {
        let term = Term::from_field_text(self.fields.file, relative_path);
        self.writer()?.delete_term(term);
        Ok(())
    }

    /// Adds a file's symbols and references (call [`Update::remove_file`] first for a changed file).
    pub fn add_file(
        &mut self,
        relative_path: &str,
        symbols: &[Symbol],
        references: &[Occurrence],
    ) -> Result<()> {
        let fields = self.fields;
        for symbol in symbols {
            let payload =
                serde_json::to_vec(symbol).map_err(|error| self.store_error(error.to_string()))?;
            let mut document = doc!(
                fields.doc_type => SYMBOL_DOC,
                fields.file => relative_path,
                fields.name => symbol.name.as_str(),
                fields.name_exact => symbol.name.to_lowercase(),
                fields.name_raw => symbol.name.as_str(),
                fields.signature => symbol.signature.as_str(),
                fields.doc => symbol.doc.as_str(),
                fields.path => symbol.path.as_str(),
                fields.kind => symbol.kind.as_str(),
                fields.lang => symbol.lang.as_str(),
                fields.payload => payload,
            );
            if let Some(container) = &symbol.container {
                document.add_text(fields.container, container);
            }
            self.add_document(document)?;
        }
        let document = refs::file_document(fields, relative_path, references)
            .map_err(|error| self.store_error(error.to_string()))?;
        self.add_document(document)
    }

    fn add_document(&mut self, document: TantivyDocument) -> Result<()> {
        let added = self.writer()?.add_document(document);
        added
            .map(|_| ())
            .map_err(|error| self.store_error(error.to_string()))
    }

    fn store_error(&self, message: String) -> Error {
        Error::Store {
            path: self.dir.clone(),
            message,
        }
    }

    /// Commits the run: the file table of the new generation, then the tantivy commit whose
    /// payload is the new manifest (the commit point), then `manifest.json`. A process killed at any
    /// moment leaves either the previous generation or the new one readable. Returns the manifest.
    pub fn commit(mut self, files: FileTable) -> Result<Manifest> {
        let mut writer = match self.writer.take() {
            Some(writer) => writer,
            None => self.open_writer(0)?,
        };
        let generation = self.previous_generation + 1;
        let manifest = Manifest {
            format_version: FORMAT_VERSION,
            generation,
            files: files.len(),
            symbols: files.values().map(|entry| entry.symbols).sum(),
            references: files.values().map(|entry| entry.references).sum(),
            plugins: self.plugins.clone(),
        };
        let payload = serde_json::to_string(&manifest)
            .map_err(|error| self.store_error(error.to_string()))?;
        let dir = self.dir.clone();
        let store_error = |error: tantivy::TantivyError| Error::Store {
            path: dir.clone(),
            message: error.to_string(),
        };
        // The table is written while tantivy writes the new segment, and is on disk before the
        // commit point names its generation.
        let table_path = self.dir.join(file_table_name(generation));
        std::thread::scope(|scope| {
            let table = scope.spawn(|| table::write_file_table(&table_path, &files));
            let prepared = writer.prepare_commit();
            table
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            let mut prepared = prepared.map_err(store_error)?;
            prepared.set_payload(&payload);
            prepared.commit().map_err(store_error)
        })?;
        if let Some(to_merge) = segments_to_merge(&self.index).map_err(store_error)? {
            writer.merge(&to_merge).wait().map_err(store_error)?;
        }
        writer.wait_merging_threads().map_err(store_error)?;
        let cache = self.dir.join(CACHE_DIR);
        if cache.exists() {
            std::fs::remove_dir_all(&cache).map_err(|error| Error::io(&cache, error))?;
        }
        manifest::write_manifest(&self.dir.join(MANIFEST_FILE), &manifest)?;
        match &self.tables {
            Some(tables) => {
                *tables
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()) =
                    Some((generation, Arc::new(files)));
            }
            // The CLI exits after this run: freeing a large tree's entries one by one is ~10 ms
            // of its wall time.
            None if files.len() >= FREE_IN_BACKGROUND_FROM_FILES => drop_in_background(files),
            None => {}
        }
        Store::new_in(self.dir.clone()).remove_file_tables_except(Some(generation))?;
        Ok(manifest)
    }
}

/// The committed segments `merge::segments_to_merge` picks, if any.
fn segments_to_merge(index: &Index) -> tantivy::Result<Option<Vec<tantivy::index::SegmentId>>> {
    let segments = index.searchable_segment_metas()?;
    let sizes: Vec<merge::SegmentSize> = segments
        .iter()
        .map(|segment| merge::SegmentSize {
            max_doc: segment.max_doc(),
            deleted: segment.num_deleted_docs(),
        })
        .collect();
    let chosen = merge::segments_to_merge(&sizes);
    Ok((!chosen.is_empty()).then(|| chosen.iter().map(|&index| segments[index].id()).collect()))
}

/// Drops `value` on a short-lived thread of its own, for a large value a process that is about to
/// exit should not spend its time freeing entry by entry.
pub(crate) fn drop_in_background<T: Send + 'static>(value: T) {
    // When no thread can start, `spawn` drops the closure, and `value` with it, right here.
    let _ = std::thread::Builder::new()
        .name("ax-free".into())
        .spawn(move || drop(value));
}
