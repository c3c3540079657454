//! `ax serve`: the long-running form of ax for editors and bots. It keeps the index open, answers
//! queries over HTTP/JSON (`http.rs`), re-indexes changed files and hot-reloads plugins on one
//! worker thread (`worker.rs`), exposes Prometheus metrics (`metrics.rs`) and drains in-flight
//! requests on SIGTERM. Input is the project root and a bind address; output is the HTTP service.

mod allocator;
mod http;
pub mod metrics;
mod pool;
mod state;
mod trace;
mod worker;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use ax::Engine;
use ax::plugin::reload::PluginWatcher;
use ax::plugin::seam::enabled_plugin_dirs;

pub use allocator::cap_arenas;
use state::ServerState;
use worker::Work;

/// What `ax serve` was asked to do.
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: SocketAddr,
    /// Binding anything but a loopback address needs this, and prints a warning.
    pub allow_non_loopback: bool,
}

/// Runs the server until SIGTERM or Ctrl-C; 0 after a clean drain, 1 when it could not start.
pub fn run(options: ServeOptions) -> ExitCode {
    match serve(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn serve(options: ServeOptions) -> Result<(), String> {
    if !options.bind.ip().is_loopback() {
        if !options.allow_non_loopback {
            return Err(format!(
                "{} is not a loopback address: ax serve has no authentication; pass \
                 --allow-non-loopback to serve it on the network anyway",
                options.bind
            ));
        }
        eprintln!(
            "warning: serving on {}, reachable from the network, without authentication",
            options.bind
        );
    }
    let engine = Engine::open(&options.root).map_err(|error| error.to_string())?;
    for warning in engine.config_warnings() {
        eprintln!("warning: {warning}");
    }
    let plugin_dirs = enabled_plugin_dirs(engine.root(), &engine.config().plugins)
        .map_err(|error| error.to_string())?;
    // The disk query cache is for one-shot processes; the server keeps the index open instead.
    let (engine, _host, load_errors) = engine
        .with_query_cache(false)
        .keeping_index_open()
        .with_enabled_plugins();
    drop(_host);
    for error in load_errors {
        eprintln!("error: {error}");
    }
    let state = Arc::new(
        ServerState::new(engine)
            .map_err(|error| format!("cannot start the query threads: {error}"))?,
    );
    state.refresh_stats();

    let (work, queue) = std::sync::mpsc::channel();
    let _project_watcher = worker::watch_project(&options.root, work.clone())
        .map_err(|error| format!("cannot watch {}: {error}", options.root.display()))?;
    let plugin_watcher_stop = spawn_plugin_watcher(&plugin_dirs, work.clone())?;
    // Catch up with edits made while the server was down (a no-op commit when there were none).
    let _ = work.send(Work::Everything);
    let worker_state = Arc::clone(&state);
    let worker = std::thread::Builder::new()
        .name("ax-serve-index".into())
        .spawn(move || worker::run(&worker_state, &queue))
        .map_err(|error| format!("cannot start the index thread: {error}"))?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("ax-serve-http")
        .build()
        .map_err(|error| format!("cannot start the HTTP runtime: {error}"))?;
    let served = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(options.bind)
            .await
            .map_err(|error| format!("cannot bind {}: {error}", options.bind))?;
        let local = listener
            .local_addr()
            .map_err(|error| format!("cannot read the bound address: {error}"))?;
        println!("listening on http://{local}");
        axum::serve(listener, http::router(Arc::clone(&state)))
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(|error| format!("the HTTP server failed: {error}"))
    });
    // Drained: let the worker finish a commit in progress, then stop.
    plugin_watcher_stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = work.send(Work::Stop);
    let _ = worker.join();
    runtime.shutdown_timeout(Duration::from_secs(1));
    eprintln!("stopped");
    served
}

/// Watches the enabled plugin folders on a thread of its own; set the returned flag to stop it.
fn spawn_plugin_watcher(
    dirs: &[PathBuf],
    work: std::sync::mpsc::Sender<Work>,
) -> Result<Arc<std::sync::atomic::AtomicBool>, String> {
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    if dirs.is_empty() {
        return Ok(stop);
    }
    let watcher = PluginWatcher::watch(dirs).map_err(|error| error.to_string())?;
    let stopped = Arc::clone(&stop);
    std::thread::Builder::new()
        .name("ax-serve-plugins".into())
        .spawn(move || {
            while !stopped.load(std::sync::atomic::Ordering::Relaxed) {
                let changed = watcher.wait_for_changes(Duration::from_millis(500));
                if !changed.is_empty() && work.send(Work::Plugins(changed)).is_err() {
                    return;
                }
            }
        })
        .map_err(|error| format!("cannot start the plugin watcher: {error}"))?;
    Ok(stop)
}

/// Resolves on SIGTERM (orchestrators) or Ctrl-C (a terminal).
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    eprintln!("shutting down: draining requests in flight");
}
