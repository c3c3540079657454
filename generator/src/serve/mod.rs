//! `docgen serve`: build the site in memory, serve it on 127.0.0.1, watch the sources, rebuild what an
//! edit touched and push a reload (or the build's errors) to the browser. Input: `ServeOptions`; output:
//! a server running until the process is stopped, and `ServeEvent`s for the command line to print.
//!
//! One job per file: `watch` (debounced file events), `rebuild` (incremental rebuilds over the build's own
//! stages), `http` (axum routes, content types, path checks), `reload` (websocket messages, the injected
//! client and its overlay). There is no global state: everything hangs off the `run` call.

pub mod http;
pub mod rebuild;
pub mod reload;
pub mod tutorials;
pub mod watch;

use crate::build::{self, BuildOptions};
use crate::diagnostics::Diagnostic;
use http::{AppState, BindError, ServedSite};
use rebuild::{RebuildKind, RebuildOutcome, Rebuilder};
use reload::{ReloadMessage, TutorialResult};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};
use tokio::sync::{broadcast, watch as state_watch};

/// What `docgen serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: BuildOptions,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    /// How long the watcher waits for a burst of file events to settle.
    pub debounce: Duration,
    /// Re-run a tutorial's blocks (`docgen test`) whenever it is saved; results show in the overlay.
    pub test_tutorials: bool,
    /// The `ax` binary tutorials run against (default: as `docgen test` finds it).
    pub ax_binary: Option<PathBuf>,
}

impl ServeOptions {
    pub fn new(root: impl Into<PathBuf>) -> ServeOptions {
        ServeOptions {
            build: BuildOptions::new(root),
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 1111,
            open: false,
            debounce: Duration::from_millis(20),
            test_tutorials: false,
            ax_binary: None,
        }
    }
}

/// Why serving stopped before it started.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("the site root {} is not a folder; pass --root DIR, the folder holding docgen.toml", .0.display())]
    NoRoot(PathBuf),
    #[error(transparent)]
    Bind(#[from] BindError),
    #[error("cannot watch the site's sources: {0}")]
    Watch(#[from] notify_debouncer_full::notify::Error),
    #[error("cannot start the server: {0}")]
    Runtime(#[from] std::io::Error),
}

/// What happened, for the command line to print.
#[derive(Debug)]
pub enum ServeEvent<'a> {
    /// The server is listening at this address.
    Listening(SocketAddr),
    /// A build or rebuild finished (successfully or not).
    Rebuilt(&'a RebuildOutcome),
    /// The search bundle was rebuilt after an edit, in this long.
    SearchRebuilt(Duration),
    /// The search bundle could not be rebuilt after an edit.
    SearchFailed(&'a Diagnostic),
    /// A saved tutorial was re-run (`--test-tutorials`).
    TutorialTested(&'a TutorialResult),
}

/// Serve until the process is interrupted. `report` is called with every event, from any thread.
pub fn run(
    options: ServeOptions,
    report: impl Fn(ServeEvent) + Send + Sync + 'static,
) -> Result<(), ServeError> {
    let report = Arc::new(report);
    if !options.build.root.is_dir() {
        return Err(ServeError::NoRoot(options.build.root.clone()));
    }
    let listener = http::bind(options.bind, options.port)?;
    let addr = listener.local_addr()?;

    // Watch before the first build, so a save made while it runs is rebuilt right after.
    let sections = build::resolved_config(&options.build)
        .map(|(config, _)| config.sections)
        .unwrap_or_else(|_| vec!["content".into(), "tutorials".into()]);
    let (event_sender, events) = mpsc::channel();
    let mut watcher = watch::watch_sources(&options.build.root, &sections, options.debounce, {
        let event_sender = event_sender.clone();
        move |change| {
            // The receiver only goes away when the server shuts down.
            let _ = event_sender.send(LoopEvent::Changed(change));
        }
    })?;
    let mut rebuilder = Rebuilder::new(options.build.clone());
    let first = rebuild_and_search(&mut rebuilder, &watch::ChangeSet::everything());
    report(ServeEvent::Rebuilt(&first));
    watcher.watch_included(&rebuilder.included_files());
    let (site_sender, site) = state_watch::channel(Arc::new(ServedSite {
        files: rebuilder.files(),
        status: status_of(&first),
        tutorial: None,
        version: 0,
    }));
    let site_sender = Arc::new(site_sender);
    let (messages, _) = broadcast::channel(64);
    let tutorial_runner = options.test_tutorials.then(|| {
        let site = Arc::clone(&site_sender);
        let messages = messages.clone();
        let report = Arc::clone(&report);
        tutorials::spawn_runner(
            options.build.root.clone(),
            options.ax_binary.clone(),
            move |result| {
                report(ServeEvent::TutorialTested(&result));
                let message = ReloadMessage::Tutorial(result);
                // Kept so a page that reloads (or opens) after the run still gets it; see `run`.
                site.send_modify(|s| {
                    *s = Arc::new(ServedSite {
                        files: s.files.clone(),
                        status: s.status.clone(),
                        tutorial: Some(message.clone()),
                        version: s.version,
                    })
                });
                let _ = messages.send(message);
            },
        )
    });

    std::thread::spawn({
        let messages = messages.clone();
        let report = Arc::clone(&report);
        move || {
            rebuild_loop(
                rebuilder,
                watcher,
                &events,
                &event_sender,
                &site_sender,
                &messages,
                tutorial_runner.as_ref(),
                &*report,
            )
        }
    });

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        report(ServeEvent::Listening(addr));
        if options.open {
            // Failing to open a browser is not a reason to stop serving; the URL is printed anyway.
            let _ = open::that_detached(format!("http://{addr}/"));
        }
        let app = http::router(AppState { site, messages });
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
    })?;
    Ok(())
}

/// What the rebuild loop waits for: a batch of saves, or a search bundle built in the background.
enum LoopEvent {
    Changed(watch::ChangeSet),
    SearchBuilt {
        generation: u64,
        bundle: Result<Vec<crate::model::OutputFile>, Diagnostic>,
        elapsed: Duration,
    },
}

/// Wait for changes, rebuild, publish the new site and tell the browsers. The search bundle (hundreds of
/// milliseconds on a large site) is built on its own thread so it never delays the next save's reload.
#[allow(clippy::too_many_arguments)]
fn rebuild_loop(
    mut rebuilder: Rebuilder,
    mut watcher: watch::SourceWatcher,
    events: &mpsc::Receiver<LoopEvent>,
    event_sender: &mpsc::Sender<LoopEvent>,
    site: &state_watch::Sender<Arc<ServedSite>>,
    messages: &broadcast::Sender<ReloadMessage>,
    tutorial_runner: Option<&mpsc::Sender<Vec<PathBuf>>>,
    report: &(dyn Fn(ServeEvent) + Send + Sync),
) {
    let mut search_stale = false;
    let mut search_running = false;
    while let Ok(event) = events.recv() {
        match event {
            LoopEvent::Changed(mut change) => {
                // Saves that queued up while the last rebuild ran are handled in one go.
                let mut later_events = Vec::new();
                while let Ok(later) = events.try_recv() {
                    match later {
                        LoopEvent::Changed(later) => change.merge(later),
                        other => later_events.push(other),
                    }
                }
                for other in later_events {
                    // Only search results can be here; handled on the next turn, in order.
                    let _ = event_sender.send(other);
                }
                let outcome = rebuilder.rebuild(&change);
                report(ServeEvent::Rebuilt(&outcome));
                // An edit may have added an include from a folder nobody watches yet.
                watcher.watch_included(&rebuilder.included_files());
                if let Some(runner) = tutorial_runner {
                    let saved = tutorials::saved_tutorials(&change);
                    if !saved.is_empty() {
                        // The runner lives as long as this loop.
                        let _ = runner.send(saved);
                    }
                }
                publish(site, messages, &outcome);
                if outcome.kind == RebuildKind::Full && outcome.succeeded() {
                    search_stale = false;
                }
                search_stale |= outcome.search_pending;
            }
            LoopEvent::SearchBuilt {
                generation,
                bundle,
                elapsed,
            } => {
                search_running = false;
                match bundle {
                    Ok(bundle) => {
                        // `None`: pages changed while it was built; the next build starts below.
                        if let Some(files) = rebuilder.apply_search(generation, bundle) {
                            search_stale = false;
                            site.send_modify(|s| {
                                *s = Arc::new(ServedSite {
                                    files,
                                    status: s.status.clone(),
                                    tutorial: s.tutorial.clone(),
                                    version: s.version,
                                })
                            });
                            report(ServeEvent::SearchRebuilt(elapsed));
                        }
                    }
                    Err(e) => {
                        // Retried after the next successful rebuild, not in a loop.
                        search_stale = false;
                        report(ServeEvent::SearchFailed(&e));
                    }
                }
            }
        }
        if search_stale
            && !search_running
            && let Some(job) = rebuilder.search_job()
        {
            search_running = true;
            let sender = event_sender.clone();
            std::thread::spawn(move || {
                let started = Instant::now();
                let bundle = job.build();
                let _ = sender.send(LoopEvent::SearchBuilt {
                    generation: job.generation,
                    bundle,
                    elapsed: started.elapsed(),
                });
            });
        }
    }
}

/// Serve the outcome: the new site and a reload on success, the errors (over the last good site) on failure.
fn publish(
    site: &state_watch::Sender<Arc<ServedSite>>,
    messages: &broadcast::Sender<ReloadMessage>,
    outcome: &RebuildOutcome,
) {
    let was_failing = matches!(site.borrow().status, ReloadMessage::Errors { .. });
    let status = status_of(outcome);
    match &outcome.files {
        Some(files) => {
            let reload = !outcome.changed_files.is_empty() || was_failing;
            site.send_modify(|s| {
                *s = Arc::new(ServedSite {
                    files: files.clone(),
                    status: status.clone(),
                    tutorial: s.tutorial.clone(),
                    version: s.version + u64::from(reload),
                })
            });
            if reload {
                // No receiver just means no browser is open.
                let _ = messages.send(ReloadMessage::Reload {
                    changed: outcome.changed_files.clone(),
                });
            }
        }
        None => {
            site.send_modify(|s| {
                *s = Arc::new(ServedSite {
                    files: s.files.clone(),
                    status: status.clone(),
                    tutorial: s.tutorial.clone(),
                    version: s.version,
                })
            });
            let _ = messages.send(status);
        }
    }
}

/// A rebuild, followed by the search bundle when it was left stale (the first build in `run`).
fn rebuild_and_search(rebuilder: &mut Rebuilder, change: &watch::ChangeSet) -> RebuildOutcome {
    let mut outcome = rebuilder.rebuild(change);
    if outcome.search_pending
        && let Ok(files) = rebuilder.rebuild_search()
    {
        outcome.files = Some(files);
        outcome.search_pending = false;
    }
    outcome
}

fn status_of(outcome: &RebuildOutcome) -> ReloadMessage {
    if outcome.succeeded() {
        ReloadMessage::Ok
    } else {
        ReloadMessage::errors(&outcome.diagnostics)
    }
}

impl RebuildKind {
    /// How the command line names it.
    pub fn describe(self) -> &'static str {
        match self {
            RebuildKind::Full => "full rebuild",
            RebuildKind::Incremental => "incremental rebuild",
            RebuildKind::Unchanged => "no change",
        }
    }
}
