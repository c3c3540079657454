//! The `ax` table plugins call into: `ax.log`, `ax.version`, `ax.plugin`, and `ax.index` (read-only,
//! behind the `index.read` permission). Input is the plugin's manifest and the host's shared services;
//! output is the table, installed in the plugin's environment.

use std::sync::{Arc, Mutex, RwLock};

use mlua::{Lua, MultiValue, Table};

use crate::plugin::manifest::{Manifest, Permission};
use crate::plugin::marshal::ToLuaRecord;
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

/// Log lines kept until the host drains them; the rest are dropped, so a plugin cannot grow the
/// host's memory (which its Lua memory limit does not cover) by logging in a loop.
pub const MAX_BUFFERED_LOG_LINES: usize = 1_000;

/// Longest log line kept, in bytes; longer ones are cut.
pub const MAX_LOG_LINE_BYTES: usize = 4_096;

/// A value as `ax.log` prints it; long strings are read only up to the line limit.
fn log_text(value: &mlua::Value) -> String {
    match value {
        mlua::Value::String(text) => {
            let bytes = text.as_bytes();
            String::from_utf8_lossy(&bytes[..bytes.len().min(MAX_LOG_LINE_BYTES + 1)]).into_owned()
        }
        other => other
            .to_string()
            .unwrap_or_else(|_| format!("<{}>", other.type_name())),
    }
}

fn push_bounded(logs: &mut Vec<LogLine>, plugin: &str, mut message: String) {
    if logs.len() > MAX_BUFFERED_LOG_LINES {
        return;
    }
    if logs.len() == MAX_BUFFERED_LOG_LINES {
        logs.push(LogLine {
            plugin: plugin.to_string(),
            message: format!("further log lines dropped (over {MAX_BUFFERED_LOG_LINES} unread)"),
        });
        return;
    }
    if message.len() > MAX_LOG_LINE_BYTES {
        let mut cut = MAX_LOG_LINE_BYTES;
        while !message.is_char_boundary(cut) {
            cut -= 1;
        }
        message.truncate(cut);
        message.push_str(" [cut]");
    }
    logs.push(LogLine {
        plugin: plugin.to_string(),
        message,
    });
}

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
        let mut logs = logs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Checked before formatting: a flood of dropped lines must not cost a copy each.
        if logs.len() > MAX_BUFFERED_LOG_LINES {
            return Ok(());
        }
        let message = parts.iter().map(log_text).collect::<Vec<_>>().join(" ");
        push_bounded(&mut logs, &plugin_name, message);
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
        hits.to_lua_record(lua)
    })?;
    table.set("find", find)?;

    let def = lua.create_function(move |lua, name: String| {
        let symbols = match reader()? {
            Some(reader) => reader.def(&name).map_err(mlua::Error::runtime)?,
            None => Vec::new(),
        };
        symbols.to_lua_record(lua)
    })?;
    table.set("def", def)?;
    Ok(table)
}
