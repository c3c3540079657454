//! Watch the site's sources (section folders, `theme/`, `plugins/`, `docgen.toml`, and the folders of
//! files pages include from elsewhere) and report debounced batches of changed paths. Input: the site root and its section folders; output: `ChangeSet`s sent to a
//! callback, paths relative to the root.
//!
//! The watcher only says *what* moved; `rebuild` reloads the sources and decides what to re-render, so an
//! editor's temp file, a rename-over-write or a deleted file all end in the same correct rebuild.

use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Folders at the site root, besides the section folders, whose changes rebuild the site.
const WATCHED_DIRS: &[&str] = &["theme", "plugins"];

/// Files whose changes always rebuild everything: config changes every page, and plugins feed the catalog.
const FULL_REBUILD_PREFIXES: &[&str] = &["docgen.toml", "plugins"];

/// One debounced batch of changes, paths relative to the site root, sorted and de-duplicated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    pub paths: Vec<PathBuf>,
    /// True when a change (config, plugins) needs a full rebuild whatever the sources look like.
    pub full_rebuild: bool,
}

impl ChangeSet {
    /// A change set that rebuilds everything (the first build).
    pub fn everything() -> ChangeSet {
        ChangeSet {
            paths: Vec::new(),
            full_rebuild: true,
        }
    }

    /// Keep the paths that belong to the site and classify them; `None` when nothing relevant changed.
    pub fn from_paths(
        root: &Path,
        sections: &[String],
        paths: impl IntoIterator<Item = PathBuf>,
    ) -> Option<ChangeSet> {
        Self::from_paths_with_includes(root, sections, &BTreeSet::new(), paths)
    }

    /// `from_paths`, also keeping files in `include_dirs` (folders, relative to the root, holding files
    /// that pages include from outside the watched folders).
    pub fn from_paths_with_includes(
        root: &Path,
        sections: &[String],
        include_dirs: &BTreeSet<PathBuf>,
        paths: impl IntoIterator<Item = PathBuf>,
    ) -> Option<ChangeSet> {
        let mut relevant: Vec<PathBuf> = paths
            .into_iter()
            .filter_map(|p| p.strip_prefix(root).ok().map(Path::to_path_buf))
            .filter(|p| {
                is_site_source(p, sections)
                    || (p.parent().is_some_and(|d| include_dirs.contains(d)) && !is_editor_noise(p))
            })
            .collect();
        relevant.sort();
        relevant.dedup();
        if relevant.is_empty() {
            return None;
        }
        let full_rebuild = relevant
            .iter()
            .any(|p| FULL_REBUILD_PREFIXES.iter().any(|f| p.starts_with(f)));
        Some(ChangeSet {
            paths: relevant,
            full_rebuild,
        })
    }

    /// Fold a later batch into this one (the rebuild loop coalesces batches that queued up).
    pub fn merge(&mut self, later: ChangeSet) {
        self.paths.extend(later.paths);
        self.paths.sort();
        self.paths.dedup();
        self.full_rebuild |= later.full_rebuild;
    }
}

/// True for a path (relative to the root) the site is built from; editor swap and backup files are not.
fn is_site_source(relative: &Path, sections: &[String]) -> bool {
    if is_editor_noise(relative) {
        return false;
    }
    relative == Path::new("docgen.toml")
        || WATCHED_DIRS.iter().any(|d| relative.starts_with(d))
        || sections.iter().any(|s| relative.starts_with(s))
}

/// A file no one builds the site from (`load::is_editor_leftover`), or a path without a name.
fn is_editor_noise(relative: &Path) -> bool {
    relative
        .file_name()
        .is_none_or(crate::load::is_editor_leftover)
}

/// A running watcher; dropping it stops watching.
pub struct SourceWatcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    sections: Vec<String>,
    /// Folders (relative to the root) watched because pages include files from them.
    include_dirs: Arc<Mutex<BTreeSet<PathBuf>>>,
}

impl SourceWatcher {
    /// Also watch the folders of `included` files (relative to the root) that no watched folder
    /// covers, so saving an included file rebuilds the pages that include it. Folders already
    /// watched are skipped; one that cannot be watched is skipped too (the file still builds).
    pub fn watch_included<'a>(&mut self, included: impl IntoIterator<Item = &'a PathBuf>) {
        let Ok(mut dirs) = self.include_dirs.lock() else {
            return;
        };
        for file in included {
            let covered = is_site_source(file, &self.sections);
            let Some(dir) = file.parent().filter(|_| !covered) else {
                continue;
            };
            if dirs.contains(dir) {
                continue;
            }
            if self
                .debouncer
                .watch(self.root.join(dir), RecursiveMode::NonRecursive)
                .is_ok()
            {
                dirs.insert(dir.to_path_buf());
            }
        }
    }
}

/// Start watching `root`. `on_change` is called from the watcher's thread with each debounced batch.
/// Folders that do not exist yet are not watched (creating `theme/` later needs a restart).
pub fn watch_sources(
    root: &Path,
    sections: &[String],
    debounce: Duration,
    mut on_change: impl FnMut(ChangeSet) + Send + 'static,
) -> Result<SourceWatcher, notify_debouncer_full::notify::Error> {
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let handler_root = root.clone();
    let handler_sections = sections.to_vec();
    let include_dirs: Arc<Mutex<BTreeSet<PathBuf>>> = Arc::default();
    let handler_include_dirs = Arc::clone(&include_dirs);
    let mut debouncer = new_debouncer(debounce, None, move |result: DebounceEventResult| {
        let include_dirs = handler_include_dirs
            .lock()
            .map(|d| d.clone())
            .unwrap_or_default();
        // Watcher errors (e.g. a queue overflow) lose events; a full rebuild catches up on whatever moved.
        let change = match result {
            Ok(events) => ChangeSet::from_paths_with_includes(
                &handler_root,
                &handler_sections,
                &include_dirs,
                events
                    .into_iter()
                    // Reading a file (as every rebuild does) is an access event; only writes matter.
                    .filter(|e| !matches!(e.event.kind, EventKind::Access(_)))
                    .flat_map(|e| e.event.paths),
            ),
            Err(_) => Some(ChangeSet::everything()),
        };
        if let Some(change) = change {
            on_change(change);
        }
    })?;
    // The root itself non-recursively: `docgen.toml` is often replaced by rename, which a watch on the
    // file would lose, and the root may hold big folders (`target/`, `public/`) nobody edits.
    debouncer.watch(&root, RecursiveMode::NonRecursive)?;
    for dir in sections
        .iter()
        .map(String::as_str)
        .chain(WATCHED_DIRS.iter().copied())
    {
        let path = root.join(dir);
        if path.is_dir() {
            debouncer.watch(&path, RecursiveMode::Recursive)?;
        }
    }
    Ok(SourceWatcher {
        debouncer,
        root,
        sections: sections.to_vec(),
        include_dirs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sections() -> Vec<String> {
        vec!["content".into(), "tutorials".into()]
    }

    #[test]
    fn page_edit_is_relevant_and_incremental() {
        let change = ChangeSet::from_paths(
            Path::new("/site"),
            &sections(),
            [PathBuf::from("/site/content/guide/intro.md")],
        )
        .expect("a page is a site source");
        assert_eq!(change.paths, [PathBuf::from("content/guide/intro.md")]);
        assert!(!change.full_rebuild);
    }

    #[test]
    fn config_and_plugin_changes_force_a_full_rebuild() {
        for path in ["/site/docgen.toml", "/site/plugins/todo/init.lua"] {
            let change = ChangeSet::from_paths(Path::new("/site"), &sections(), [path.into()])
                .expect("relevant");
            assert!(change.full_rebuild, "{path}");
        }
    }

    #[test]
    fn included_files_outside_the_sections_are_relevant_once_watched() {
        let dirs: BTreeSet<PathBuf> = [PathBuf::from("listings/ch01")].into();
        let change = ChangeSet::from_paths_with_includes(
            Path::new("/site"),
            &sections(),
            &dirs,
            [PathBuf::from("/site/listings/ch01/main.rs")],
        )
        .expect("an included file is a site source");
        assert_eq!(change.paths, [PathBuf::from("listings/ch01/main.rs")]);
        assert!(!change.full_rebuild);
        assert_eq!(
            ChangeSet::from_paths(
                Path::new("/site"),
                &sections(),
                [PathBuf::from("/site/listings/ch01/main.rs")]
            ),
            None
        );
    }

    #[test]
    fn editor_noise_and_outside_files_are_ignored() {
        for path in [
            "/site/content/.intro.md.swp",
            "/site/content/4913",
            "/site/content/intro.md~",
            "/site/public/index.html",
            "/elsewhere/content/a.md",
        ] {
            assert_eq!(
                ChangeSet::from_paths(Path::new("/site"), &sections(), [path.into()]),
                None,
                "{path}"
            );
        }
    }
}
