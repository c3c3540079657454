//! What the server's threads share: the engine (behind a lock only plugin reloads take for
//! writing), the last committed index's stats, and the metrics. Input is engine results; output is
//! what handlers and `/metrics` read.

use std::sync::{Arc, Mutex, PoisonError, RwLock};

use ax::plugin::PluginHost;
use ax::{Engine, Stats};

use super::metrics::Metrics;
use super::pool::QueryPool;

pub struct ServerState {
    engine: RwLock<Engine>,
    /// The committed index's stats, refreshed after each commit; `None` until one is open.
    stats: RwLock<Option<Stats>>,
    not_ready: Mutex<String>,
    pub metrics: Metrics,
    /// The query threads, one per core (decision 0109).
    pub queries: QueryPool,
}

impl ServerState {
    /// The state around `engine`, with one query thread per core.
    pub fn new(engine: Engine) -> std::io::Result<ServerState> {
        Ok(ServerState {
            engine: RwLock::new(engine),
            stats: RwLock::new(None),
            not_ready: Mutex::new("the first index is being built".into()),
            metrics: Metrics::default(),
            queries: QueryPool::new(std::thread::available_parallelism().map_or(2, usize::from))?,
        })
    }

    /// Runs `query` against the current engine (queries run in parallel).
    pub fn with_engine<T>(&self, query: impl FnOnce(&Engine) -> T) -> T {
        let engine = self.engine.read().unwrap_or_else(PoisonError::into_inner);
        query(&engine)
    }

    /// A clone of the engine, for a re-index run that must not hold the lock.
    pub fn engine(&self) -> Engine {
        self.with_engine(Engine::clone)
    }

    /// Detaches the plugin host so `change` holds its only reference (a reload needs `&mut`),
    /// then attaches what `change` returns; queries wait meanwhile.
    pub fn change_plugins(
        &self,
        change: impl FnOnce(Option<Arc<PluginHost>>) -> Option<Arc<PluginHost>>,
    ) {
        let mut engine = self.engine.write().unwrap_or_else(PoisonError::into_inner);
        let (bare, host) = engine.clone().without_plugins();
        // Dropping the attached engine drops its reference to the host.
        *engine = bare.clone();
        *engine = match change(host) {
            Some(host) => bare.with_plugins(host),
            None => bare,
        };
    }

    pub fn stats(&self) -> Option<Stats> {
        self.stats
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Re-reads the committed index's stats; on failure the server is not ready and says why.
    pub fn refresh_stats(&self) {
        let result = self.with_engine(Engine::stats);
        let mut stats = self.stats.write().unwrap_or_else(PoisonError::into_inner);
        match result {
            Ok(fresh) => *stats = Some(fresh),
            Err(error) => {
                *stats = None;
                *self
                    .not_ready
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = error.to_string();
            }
        }
    }

    pub fn not_ready_reason(&self) -> String {
        self.not_ready
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn render_metrics(&self) -> String {
        let stats = self.stats();
        self.with_engine(|engine| {
            self.metrics
                .render(stats.as_ref(), stats.is_some(), engine.plugins())
        })
    }
}
