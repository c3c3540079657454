//! Connects an [`Engine`] to the plugin runtime: loads the plugins `ax.toml` enables and lends them
//! the index (`index.read`). Input is an engine; output is the engine with its hooks attached, the
//! host, and the plugins' load errors. The plugin runtime itself never sees an `Engine`.

use std::sync::Arc;

use crate::Engine;
use crate::model::FindOptions;
use crate::plugin::seam::{hit_record, load_enabled, symbol_record};
use crate::plugin::{IndexReader, PluginError, PluginHit, PluginHost, PluginSymbol};

/// The index as plugins granted `index.read` see it: an engine without plugins, so a plugin's
/// query never runs plugin hooks again.
pub struct EngineIndex {
    engine: Engine,
}

impl EngineIndex {
    pub fn new(engine: Engine) -> Self {
        Self { engine }
    }
}

impl IndexReader for EngineIndex {
    fn find(&self, query: &str, limit: usize) -> Result<Vec<PluginHit>, String> {
        let options = FindOptions {
            limit: Some(limit),
            ..FindOptions::default()
        };
        let hits = self
            .engine
            .find(query, &options)
            .map_err(|error| error.to_string())?;
        Ok(hits.iter().map(hit_record).collect())
    }

    fn def(&self, name: &str) -> Result<Vec<PluginSymbol>, String> {
        let symbols = self.engine.def(name).map_err(|error| error.to_string())?;
        Ok(symbols.iter().map(symbol_record).collect())
    }
}

impl Engine {
    /// Loads the enabled plugins into this engine, lending them the index; returns the engine with
    /// its hooks attached, the host, and the errors of the plugins that failed to load.
    pub fn with_enabled_plugins(self) -> (Engine, Arc<PluginHost>, Vec<PluginError>) {
        let (host, errors) = load_enabled(self.root(), &self.config().plugins);
        host.set_index_reader(Arc::new(EngineIndex::new(self.clone())));
        let host = Arc::new(host);
        (self.with_plugins(Arc::clone(&host)), host, errors)
    }
}
