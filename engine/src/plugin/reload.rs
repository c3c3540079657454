//! Hot reload: watch plugin folders with `notify` and reload the plugins whose files changed.
//! Input is the plugin folders; output is one `ReloadOutcome` per changed plugin (the new version's
//! load time, or its error while the last good version keeps running).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::plugin::error::PluginError;
use crate::plugin::host::PluginHost;

/// How long the folder must stay quiet before a reload: an editor's save is often several events
/// (truncate, write, rename), and reloading mid-save would report a half-written file.
pub const SETTLE_WINDOW: Duration = Duration::from_millis(5);

/// The files whose change triggers a reload.
const WATCHED_FILES: [&str; 2] = ["plugin.toml", "init.lua"];

/// Watches plugin folders for changes to `plugin.toml` and `init.lua`.
pub struct PluginWatcher {
    // Dropping the watcher stops the events, so it lives as long as the receiver.
    _watcher: RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    /// Each folder as given and as canonicalized, because events may report either form.
    dirs: Vec<(PathBuf, PathBuf)>,
}

/// What a reload did to one plugin.
#[derive(Debug)]
pub struct ReloadOutcome {
    pub dir: PathBuf,
    /// Time from the start of the reload to the new version serving, or why the old one still does.
    pub result: Result<Duration, PluginError>,
}

impl PluginWatcher {
    pub fn watch(dirs: &[PathBuf]) -> Result<Self, PluginError> {
        let (sender, events) = channel();
        let watch_error = |path: &Path, error: notify::Error| PluginError::Watch {
            path: path.to_path_buf(),
            message: error.to_string(),
        };
        let mut watcher = notify::recommended_watcher(sender)
            .map_err(|error| watch_error(Path::new("."), error))?;
        let mut watched = Vec::new();
        for dir in dirs {
            watcher
                .watch(dir, RecursiveMode::NonRecursive)
                .map_err(|error| watch_error(dir, error))?;
            let canonical = dir.canonicalize().unwrap_or_else(|_| dir.clone());
            watched.push((dir.clone(), canonical));
        }
        Ok(Self {
            _watcher: watcher,
            events,
            dirs: watched,
        })
    }

    /// Waits up to `timeout` for a change, then until the folders settle; returns the plugin folders
    /// that changed, sorted. Empty when nothing changed in time.
    pub fn wait_for_changes(&self, timeout: Duration) -> Vec<PathBuf> {
        let mut changed = BTreeSet::new();
        let deadline = Instant::now() + timeout;
        loop {
            let wait = if changed.is_empty() {
                deadline.saturating_duration_since(Instant::now())
            } else {
                SETTLE_WINDOW
            };
            match self.events.recv_timeout(wait) {
                Ok(Ok(event)) => changed.extend(self.changed_dirs(&event)),
                // A watcher error (e.g. an overflowed queue) says nothing about which file changed:
                // reload everything rather than miss a change.
                Ok(Err(_)) => changed.extend(self.dirs.iter().map(|(given, _)| given.clone())),
                Err(RecvTimeoutError::Timeout)
                    if changed.is_empty() && Instant::now() < deadline => {}
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
            }
        }
        changed.into_iter().collect()
    }

    fn changed_dirs<'a>(&'a self, event: &'a notify::Event) -> impl Iterator<Item = PathBuf> + 'a {
        let relevant = !matches!(event.kind, EventKind::Access(_));
        event
            .paths
            .iter()
            .filter(move |_| relevant)
            .filter(|path| {
                path.file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| WATCHED_FILES.contains(&name))
            })
            .filter_map(|path| {
                let parent = path.parent()?;
                self.dirs
                    .iter()
                    .find(|(given, canonical)| parent == given || parent == canonical)
                    .map(|(given, _)| given.clone())
            })
    }
}

/// Reloads each changed folder into `host`; a failed reload leaves the last good version running.
pub fn reload_changed(host: &mut PluginHost, changed: &[PathBuf]) -> Vec<ReloadOutcome> {
    changed
        .iter()
        .map(|dir| ReloadOutcome {
            dir: dir.clone(),
            result: host.reload(dir),
        })
        .collect()
}
