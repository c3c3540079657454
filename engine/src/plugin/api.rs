//! The `ax` table plugins call into: `ax.log`, `ax.version`, `ax.plugin`, and `ax.index` (read-only,
//! behind the `index.read` permission). Input is the plugin's manifest and the host's shared services;
//! output is the table, installed in the plugin's environment.

use std::sync::{Arc, Mutex, RwLock};

use mlua::{Lua, LuaSerdeExt, MultiValue, Table};

use crate::plugin::manifest::{Manifest, Permission};
use crate::plugin::records::{PluginHit, PluginSymbol};

/// Read-only index access the engine lends to plugins granted `index.read`.
pub trait IndexReader: Send + Sync {
    /// The best `limit` hits for `query`, without running plugin hooks (no recursion into plugins).
    fn find(&self, query: &str, limit: usize) -> Result<Vec<PluginHit>, String>;
    /// The definitions named `name`, as `ax def` finds them.
    fn def(&self, name: &str) -> Result<Vec<PluginSymbol>, String>;
}

/// The index a host lends its plugins; empty until the engine provides one.
pub type IndexSlot = Arc<RwLock<Option<Arc<dyn IndexReader>>>>;

/// One line a plugin logged with `ax.log` or `print`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub plugin: String,
    pub message: String,
}

/// Where log lines go until the host drains them.
pub type LogBuffer = Arc<Mutex<Vec<LogLine>>>;

/// Most hits `ax.index.find` returns, whatever the plugin asks for.
const MAX_FIND_LIMIT: usize = 100;

/// Builds the `ax` table and installs it (and `print`, an alias of `ax.log`) into `env`.
pub fn install_api(
    lua: &Lua,
    env: &Table,
    manifest: &Manifest,
    logs: LogBuffer,
    index: IndexSlot,
) -> mlua::Result<()> {
    let ax = lua.create_table()?;
    ax.set("version", crate::VERSION)?;
    let plugin = lua.create_table()?;
    plugin.set("name", manifest.name.as_str())?;
    plugin.set("version", manifest.version.to_string())?;
    ax.set("plugin", plugin)?;

    let plugin_name = manifest.name.clone();
    let log = lua.create_function(move |_, parts: MultiValue| {
        let message = parts
            .iter()
            .map(|part| {
                part.to_string()
                    .unwrap_or_else(|_| format!("<{}>", part.type_name()))
            })
            .collect::<Vec<_>>()
            .join(" ");
        logs.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(LogLine {
                plugin: plugin_name.clone(),
                message,
            });
        Ok(())
    })?;
    ax.set("log", log.clone())?;
    env.set("print", log)?;

    ax.set("index", index_table(lua, manifest, index)?)?;
    env.set("ax", ax)?;
    Ok(())
}

fn index_table(lua: &Lua, manifest: &Manifest, index: IndexSlot) -> mlua::Result<Table> {
    let table = lua.create_table()?;
    let granted = manifest.grants(Permission::IndexRead);
    let reader = move || -> mlua::Result<Option<Arc<dyn IndexReader>>> {
        if !granted {
            return Err(mlua::Error::runtime(
                "ax.index needs the `index.read` permission in plugin.toml (permissions = [\"index.read\"])",
            ));
        }
        Ok(index
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone())
    };

    let find_reader = reader.clone();
    let find = lua.create_function(move |lua, (query, limit): (String, Option<usize>)| {
        let hits = match find_reader()? {
            Some(reader) => reader
                .find(&query, limit.unwrap_or(10).min(MAX_FIND_LIMIT))
                .map_err(mlua::Error::runtime)?,
            None => Vec::new(),
        };
        lua.to_value_with(&hits, super::convert::serialize_options())
    })?;
    table.set("find", find)?;

    let def = lua.create_function(move |lua, name: String| {
        let symbols = match reader()? {
            Some(reader) => reader.def(&name).map_err(mlua::Error::runtime)?,
            None => Vec::new(),
        };
        lua.to_value_with(&symbols, super::convert::serialize_options())
    })?;
    table.set("def", def)?;
    Ok(table)
}
