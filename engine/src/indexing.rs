//! Indexing runs: the whole tree (`ax index`) or only the files a watcher saw change (`ax serve`).
//! Input is the engine's root, settings and plugins; output is one atomic commit and its report.
//! Both runs share one tail (`apply`): parse in parallel, run `on_index`, commit.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::error::Result;
use crate::model::{FileStat, IndexReport, Language, SkippedFile};
use crate::{Engine, plugin, scan, store};

/// Files whose change can alter what the walk includes: the targeted run hands them to a full one.
const WALK_RULE_FILES: [&str; 4] = [".gitignore", ".axignore", ".ignore", "ax.toml"];

/// A tree indexed with at least this many files last time is walked on every core.
const PARALLEL_WALK_FROM_FILES: usize = 1024;

/// What a run found before parsing: files to parse, files kept as they were, files to drop.
struct Plan {
    files_seen: usize,
    unchanged: store::FileTable,
    to_parse: Vec<ToParse>,
    removed: BTreeSet<String>,
    skipped: Vec<SkippedFile>,
    syntax_errors: Vec<String>,
    /// When the run started: only stats settled before it are recorded.
    run_started_ns: i64,
}

/// A file to parse, and whether the last commit had it (its documents are deleted first).
struct ToParse {
    source: scan::SourceFile,
    replaces: bool,
}

/// The full run: walk, read and hash everything, parse what changed.
pub(crate) fn index_tree(
    engine: &Engine,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<IndexReport> {
    let _span = index_span("full").entered();
    let run_started_ns = FileStat::now_ns();
    let (walked, skipped, mut update) = walk_and_begin_update(engine)?;
    let fingerprint = plugin::seam::index_fingerprint(engine.plugins());
    let trust_stats = update.same_plugins(fingerprint.as_deref());
    let (paired, removed) = pair_with_previous(walked, update.take_previous_files());
    // A file whose size, times and inode are what the last run recorded is not read again.
    let read: Vec<_> = paired
        .par_iter()
        .map(|(file, previous)| match previous {
            Some(entry) if trust_stats && entry.stat.is_some() && entry.stat == file.stat => {
                Ok(None)
            }
            _ => scan::read(file).map(|source| {
                Some(plugin::seam::salt_content_hash(
                    source,
                    fingerprint.as_deref(),
                ))
            }),
        })
        .collect();
    let mut plan = Plan {
        files_seen: paired.len(),
        unchanged: store::FileTable::new(),
        to_parse: Vec::new(),
        removed,
        skipped,
        syntax_errors: Vec::new(),
        run_started_ns,
    };
    // Kept entries arrive in path order, so the table is built in one pass at the end (no
    // string comparisons per entry, which a large tree's shared path prefixes make costly).
    let mut kept: Vec<(String, store::FileEntry)> = Vec::with_capacity(paired.len());
    let mut absolute_paths = Vec::with_capacity(paired.len());
    for ((file, previous), outcome) in paired.into_iter().zip(read) {
        match outcome {
            Ok(Some(source)) => {
                if let Some(entry) = plan.check_hash(previous, source) {
                    kept.push((file.relative_path, entry));
                }
            }
            Ok(None) => {
                if let Some(entry) = previous {
                    plan.note_syntax_errors(&file.relative_path, &entry);
                    kept.push((file.relative_path, entry));
                }
            }
            Err(skip) => {
                // Indexed before, unreadable now: its documents go.
                if previous.is_some() {
                    plan.removed.insert(file.relative_path);
                }
                plan.skipped.push(skip);
            }
        }
        absolute_paths.push(file.absolute_path);
    }
    plan.unchanged = kept.into_iter().collect();
    let report = apply(engine, update, plan, progress);
    if absolute_paths.len() >= store::FREE_IN_BACKGROUND_FROM_FILES {
        store::drop_in_background(absolute_paths);
    }
    report
}

/// Walks the tree and starts the update (reads the last run's file table, opens the index). A
/// tree the last run saw large is walked on every core while this thread starts the update; a small
/// one is walked on one thread, then the update starts (see `scan::walk`).
fn walk_and_begin_update(
    engine: &Engine,
) -> Result<(Vec<scan::WalkedFile>, Vec<SkippedFile>, store::Update)> {
    let config = &engine.config().index;
    let large = engine
        .store()
        .manifest()
        .is_ok_and(|manifest| manifest.files >= PARALLEL_WALK_FROM_FILES);
    if !large {
        let (walked, skipped) = scan::walk(engine.root(), config, false)?;
        let update = engine.store().begin_update()?;
        return Ok((walked, skipped, update));
    }
    std::thread::scope(|scope| {
        let walk = scope.spawn(|| scan::walk(engine.root(), config, true));
        let update = engine.store().begin_update();
        let walked = walk
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let (walked, skipped) = walked?;
        Ok((walked, skipped, update?))
    })
}

/// The targeted run: re-reads only `changed` (absolute paths under the root). A new file, or a
/// change to an ignore file or `ax.toml`, can change what the walk includes, so those fall back to
/// the full run; so does a first run or an index that must be rebuilt.
pub(crate) fn index_changed(engine: &Engine, changed: &[PathBuf]) -> Result<IndexReport> {
    let root = engine.root();
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_owned());
    let relative_paths: Vec<(PathBuf, String)> = changed
        .iter()
        .filter_map(|path| {
            let relative = path
                .strip_prefix(root)
                .or_else(|_| path.strip_prefix(&canonical_root))
                .ok()?;
            let text = relative
                .components()
                .map(|component| component.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            (!text.is_empty() && !text.starts_with(".ax/") && text != ".ax")
                .then(|| (path.clone(), text))
        })
        .collect();
    let touches_rules = relative_paths.iter().any(|(path, _)| {
        path.file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| WALK_RULE_FILES.contains(&name))
    });
    if touches_rules {
        return index_tree(engine, &|_, _| {});
    }
    let mut update = engine.store().begin_update()?;
    if update.previous_generation() == 0 || update.rebuilt_reason().is_some() {
        drop(update);
        return index_tree(engine, &|_, _| {});
    }
    let _span = index_span("changed").entered();
    let run_started_ns = FileStat::now_ns();
    let fingerprint = plugin::seam::index_fingerprint(engine.plugins());
    // Recorded for the commit; the stats of the files this run reads are taken afresh.
    update.same_plugins(fingerprint.as_deref());
    let mut plan = Plan {
        files_seen: 0,
        unchanged: update.take_previous_files(),
        to_parse: Vec::new(),
        removed: BTreeSet::new(),
        skipped: Vec::new(),
        syntax_errors: Vec::new(),
        run_started_ns,
    };
    for (absolute, relative) in &relative_paths {
        // A removed folder: every indexed file under it goes.
        let prefix = format!("{relative}/");
        let under: Vec<String> = plan
            .unchanged
            .range(prefix.clone()..)
            .take_while(|(path, _)| path.starts_with(&prefix))
            .map(|(path, _)| path.clone())
            .collect();
        if !absolute.exists() {
            let known = plan.unchanged.remove(relative).map(|_| relative.clone());
            for path in under.into_iter().chain(known) {
                plan.unchanged.remove(&path);
                plan.removed.insert(path);
            }
            continue;
        }
        let Some(entry) = plan.unchanged.remove(relative) else {
            let is_source = absolute.is_file() && language_of(engine, absolute).is_some();
            if is_source || (absolute.is_dir() && !under.is_empty()) {
                drop(update);
                return index_tree(engine, &|_, _| {});
            }
            continue;
        };
        let file = scan::WalkedFile {
            absolute_path: absolute.clone(),
            relative_path: relative.clone(),
            language: entry.language,
            // Taken before the read, so a write during it shows as a newer time next run.
            stat: std::fs::metadata(absolute)
                .ok()
                .map(|metadata| scan::file_stat(&metadata)),
        };
        match scan::read(&file) {
            Ok(source) => {
                let source = plugin::seam::salt_content_hash(source, fingerprint.as_deref());
                plan.keep_or_parse(Some(entry), source);
            }
            Err(skip) => {
                plan.removed.insert(relative.clone());
                plan.skipped.push(skip);
            }
        }
    }
    plan.files_seen = plan.unchanged.len() + plan.to_parse.len();
    // Files kept from the last run keep their recorded syntax errors.
    plan.syntax_errors = plan
        .unchanged
        .iter()
        .filter(|(_, entry)| entry.syntax_errors)
        .map(|(path, _)| path.clone())
        .collect();
    apply(engine, update, plan, &|_, _| {})
}

fn language_of(engine: &Engine, path: &Path) -> Option<Language> {
    let language = path
        .extension()
        .and_then(|extension| extension.to_str())
        .and_then(Language::from_extension)?;
    engine
        .config()
        .index
        .languages
        .contains(&language)
        .then_some(language)
}

/// Pairs each walked file with its entry in the last run's table, in one merge pass over both
/// (the walk sorts by path, as the table is); returns the pairs and the paths the walk no longer
/// finds.
fn pair_with_previous(
    walked: Vec<scan::WalkedFile>,
    previous: store::FileTable,
) -> (
    Vec<(scan::WalkedFile, Option<store::FileEntry>)>,
    BTreeSet<String>,
) {
    let mut previous = previous.into_iter().peekable();
    let mut removed = Vec::new();
    let mut paired = Vec::with_capacity(walked.len());
    for file in walked {
        while let Some((path, _)) = previous.next_if(|(path, _)| *path < file.relative_path) {
            removed.push(path);
        }
        let entry = previous
            .next_if(|(path, _)| *path == file.relative_path)
            .map(|(_, entry)| entry);
        paired.push((file, entry));
    }
    removed.extend(previous.map(|(path, _)| path));
    // Sorted already: the set is built in one pass.
    (paired, removed.into_iter().collect())
}

impl Plan {
    /// Keeps the file's last entry (`previous`) when its hash is unchanged, recording the stat it
    /// was read with; else queues it for parsing.
    fn keep_or_parse(&mut self, previous: Option<store::FileEntry>, source: scan::SourceFile) {
        let path = source.relative_path.clone();
        if let Some(entry) = self.check_hash(previous, source) {
            self.unchanged.insert(path, entry);
        }
    }

    /// The file's last entry (`previous`) when its hash is unchanged, with the stat it was read
    /// with (its syntax errors noted); else `None`, and the file is queued for parsing.
    fn check_hash(
        &mut self,
        previous: Option<store::FileEntry>,
        source: scan::SourceFile,
    ) -> Option<store::FileEntry> {
        match previous {
            Some(mut entry) if entry.content_hash == source.content_hash => {
                entry.stat = source
                    .stat
                    .and_then(|stat| stat.settled_before(self.run_started_ns));
                self.note_syntax_errors(&source.relative_path, &entry);
                Some(entry)
            }
            known => {
                self.to_parse.push(ToParse {
                    source,
                    replaces: known.is_some(),
                });
                None
            }
        }
    }

    fn note_syntax_errors(&mut self, relative_path: &str, entry: &store::FileEntry) {
        if entry.syntax_errors {
            self.syntax_errors.push(relative_path.to_owned());
        }
    }
}

/// Parses the planned files in parallel, runs `on_index`, and commits (or keeps the generation
/// when nothing changed).
fn apply(
    engine: &Engine,
    mut update: store::Update,
    plan: Plan,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<IndexReport> {
    let Plan {
        files_seen,
        unchanged,
        to_parse,
        removed,
        mut skipped,
        mut syntax_errors,
        run_started_ns,
    } = plan;
    let files_unchanged = unchanged.len();
    let mut files = unchanged;
    let done = AtomicUsize::new(0);
    let total = to_parse.len();
    // A run with nothing to parse or remove over a committed index starts no writer.
    if total > 0
        || !removed.is_empty()
        || update.rebuilt_reason().is_some()
        || update.previous_generation() == 0
    {
        update.start_writing(total)?;
    }
    let parsed: Vec<_> = to_parse
        .into_par_iter()
        .map(|file| {
            let extraction = scan::parse(&file.source);
            progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            (file, extraction)
        })
        .collect();

    let mut report = IndexReport {
        files_seen,
        files_unchanged,
        rebuilt_reason: update.rebuilt_reason().map(str::to_owned),
        ..IndexReport::default()
    };
    for (ToParse { source, replaces }, extraction) in parsed {
        let path = source.relative_path.as_str();
        if replaces {
            update.remove_file(path)?;
        }
        let mut extraction = match extraction {
            Ok(extraction) => extraction,
            Err(skip) => {
                skipped.push(skip);
                continue;
            }
        };
        plugin::seam::extend_symbols(
            engine.plugins(),
            path,
            source.language,
            &source.text,
            &mut extraction.symbols,
        );
        if extraction.has_syntax_errors {
            syntax_errors.push(source.relative_path.clone());
        }
        update.add_file(path, &extraction.symbols, &extraction.references)?;
        let entry = store::file_entry(
            source.content_hash,
            source.language,
            &extraction.symbols,
            extraction.references.len(),
            extraction.has_syntax_errors,
            source
                .stat
                .and_then(|stat| stat.settled_before(run_started_ns)),
        );
        files.insert(source.relative_path.clone(), entry);
        report.files_parsed += 1;
    }
    for path in &removed {
        update.remove_file(path)?;
    }
    report.files_removed = removed.len();
    skipped.sort();
    skipped.dedup();
    report.skipped = skipped;
    syntax_errors.sort();
    syntax_errors.dedup();
    report.files_with_syntax_errors = syntax_errors;

    let nothing_changed =
        report.files_parsed == 0 && removed.is_empty() && report.rebuilt_reason.is_none();
    let manifest = if nothing_changed && update.previous_generation() > 0 {
        drop(update);
        engine.store().manifest()?
    } else {
        let _span = tracing::info_span!("ax.commit").entered();
        update.commit(files)?
    };
    report.generation = manifest.generation;
    report.symbols = manifest.symbols;
    report.references = manifest.references;
    let span = tracing::Span::current();
    span.record("ax.index.files_parsed", report.files_parsed);
    span.record("ax.index.files_removed", report.files_removed);
    span.record("ax.index.generation", report.generation);
    Ok(report)
}

/// The `ax.index` span of one run (`mode` is `full` or `changed`); `apply` records the outcome.
fn index_span(mode: &'static str) -> tracing::Span {
    tracing::info_span!(
        "ax.index",
        ax.index.mode = mode,
        ax.index.files_parsed = tracing::field::Empty,
        ax.index.files_removed = tracing::field::Empty,
        ax.index.generation = tracing::field::Empty,
    )
}
