//! The one thread that changes the index and the plugins while `ax serve` answers queries: it
//! re-indexes the files the project watcher reports (committing atomically, so queries see the last
//! committed generation until the next one lands) and hot-reloads changed plugins.
//! Input is `Work` from the watchers; output is commits, reloads, metrics and a log line each.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use ax::plugin::reload::reload_changed;
use ax::plugin::{HookKind, PluginHost};
use notify::{EventKind, RecursiveMode, Watcher};

use super::state::ServerState;

/// How long the tree must stay quiet before a re-index: one editor save is several events.
const SETTLE_WINDOW: Duration = Duration::from_millis(10);

pub enum Work {
    /// Re-index the whole tree (at start, and after an `on_index` plugin changed).
    Everything,
    /// Re-index these paths (files or folders, existing or deleted).
    Paths(Vec<PathBuf>),
    /// Reload the plugins in these folders.
    Plugins(Vec<PathBuf>),
    Stop,
}

/// Watches the project tree; events inside `.ax/` (our own commits) are dropped.
pub fn watch_project(
    root: &Path,
    work: Sender<Work>,
) -> notify::Result<notify::RecommendedWatcher> {
    let store = root.join(ax::STORE_DIR_NAME);
    let canonical_store = store.canonicalize().unwrap_or_else(|_| store.clone());
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else {
            let _ = work.send(Work::Everything);
            return;
        };
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        let paths: Vec<PathBuf> = event
            .paths
            .into_iter()
            .filter(|path| !path.starts_with(&store) && !path.starts_with(&canonical_store))
            .filter(|path| !path.components().any(|part| part.as_os_str() == ".git"))
            .collect();
        if !paths.is_empty() {
            let _ = work.send(Work::Paths(paths));
        }
    })?;
    watcher.watch(root, RecursiveMode::Recursive)?;
    Ok(watcher)
}

/// Runs until `Work::Stop`; a run in progress always finishes its commit first.
pub fn run(state: &ServerState, work: &Receiver<Work>) {
    while let Ok(first) = work.recv() {
        let mut everything = false;
        let mut paths = Vec::new();
        let mut plugins = Vec::new();
        let mut stop = false;
        let mut next = Some(first);
        while let Some(item) = next.take() {
            match item {
                Work::Everything => everything = true,
                Work::Paths(more) => paths.extend(more),
                Work::Plugins(more) => plugins.extend(more),
                Work::Stop => stop = true,
            }
            if stop {
                break;
            }
            match work.recv_timeout(SETTLE_WINDOW) {
                Ok(item) => next = Some(item),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {}
            }
        }
        if stop {
            return;
        }
        if !plugins.is_empty() {
            plugins.sort();
            plugins.dedup();
            everything |= reload_plugins(state, &plugins);
        }
        if everything || !paths.is_empty() {
            paths.sort();
            paths.dedup();
            reindex(state, everything, &paths);
        }
    }
}

fn reindex(state: &ServerState, everything: bool, paths: &[PathBuf]) {
    let engine = state.engine();
    let started = Instant::now();
    let result = if everything {
        engine.index()
    } else {
        engine.index_changed(paths)
    };
    let elapsed = started.elapsed();
    state.metrics.record_reindex(elapsed, result.is_ok());
    match result {
        Ok(report) => {
            state.refresh_stats();
            if report.files_parsed + report.files_removed > 0 || everything {
                eprintln!(
                    "indexed: {} parsed, {} removed, generation {} in {:.1} ms",
                    report.files_parsed,
                    report.files_removed,
                    report.generation,
                    elapsed.as_secs_f64() * 1000.0
                );
            }
        }
        Err(error) => eprintln!("error: re-index failed, still serving the last commit: {error}"),
    }
    if let Some(host) = engine.plugins() {
        for problem in host.take_problems() {
            eprintln!("warning: {problem}");
        }
    }
}

/// Reloads the changed plugins in place; a failed reload keeps the last good version. Returns
/// whether an `on_index` plugin is involved (then every file must be re-indexed).
fn reload_plugins(state: &ServerState, dirs: &[PathBuf]) -> bool {
    let mut affects_index = false;
    state.change_plugins(|host| {
        let host = host?;
        let mut host = match Arc::try_unwrap(host) {
            Ok(host) => host,
            Err(shared) => {
                eprintln!("warning: a plugin reload was skipped: the plugins are in use");
                return Some(shared);
            }
        };
        for outcome in reload_changed(&mut host, dirs) {
            let shown = outcome.dir.display();
            state.metrics.record_reload(outcome.result.is_ok());
            match outcome.result {
                Ok(elapsed) => eprintln!(
                    "reloaded plugin {shown} in {:.1} ms",
                    elapsed.as_secs_f64() * 1000.0
                ),
                Err(error) => {
                    eprintln!("error: reload failed, keeping the last good version: {error}")
                }
            }
        }
        affects_index = declares_on_index(&host, dirs);
        Some(Arc::new(host))
    });
    affects_index
}

fn declares_on_index(host: &PluginHost, dirs: &[PathBuf]) -> bool {
    host.plugins().iter().any(|plugin| {
        plugin.manifest().declares(HookKind::OnIndex)
            && dirs.iter().any(|dir| {
                dir == plugin.dir()
                    || dir.canonicalize().ok().as_deref()
                        == plugin.dir().canonicalize().ok().as_deref()
            })
    })
}
