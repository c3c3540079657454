//! One loaded plugin: its manifest, its sandboxed Lua state and the table `init.lua` returned.
//! Input is a plugin folder; output is typed hook calls that return values or a `PluginError`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mlua::{Function, IntoLuaMulti, Table, Value};

use crate::plugin::api::{IndexSlot, LogBuffer, install_api};
use crate::plugin::convert::describe_lua_error;
use crate::plugin::error::{LimitKind, PluginError, SourceLocation};
use crate::plugin::limits::{BudgetGuard, PluginLimits};
use crate::plugin::manifest::{HookKind, Manifest, read_manifest};
use crate::plugin::marshal::{FromLuaRecord, ToLuaRecord};
use crate::plugin::records::{LintFinding, PluginFile, PluginHit, PluginSymbol, RawLintFinding};
use crate::plugin::sandbox::{INIT_CHUNK, Sandbox};

/// Services a host shares with every plugin it loads.
#[derive(Clone, Default)]
pub struct HostServices {
    pub logs: LogBuffer,
    pub index: IndexSlot,
}

/// How one hook call went, for traces and profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallCost {
    pub duration: Duration,
    /// Counted to the precision of the check interval.
    pub instructions: u64,
}

/// Limit hits after which the host stops calling a plugin until it is reloaded: a plugin that always
/// runs into its timeout would otherwise cost `timeout_ms` per file of `ax index`.
pub const MAX_LIMIT_HITS: u32 = 3;

/// A plugin whose manifest is valid and whose `init.lua` ran to completion.
pub struct PluginInstance {
    limit_hits: std::sync::atomic::AtomicU32,
    call_lock: std::sync::Mutex<()>,
    /// Hash of the manifest and `init.lua`: changes exactly when the plugin's code or settings do.
    source_fingerprint: String,
    manifest: Manifest,
    dir: PathBuf,
    sandbox: Sandbox,
    exports: Table,
    guard: Arc<BudgetGuard>,
    last_cost: std::sync::Mutex<CallCost>,
}

impl PluginInstance {
    /// Reads the manifest, builds the sandbox and runs `init.lua` under the limits.
    pub fn load(
        dir: &Path,
        limits: PluginLimits,
        check_interval: u32,
        services: &HostServices,
    ) -> Result<Self, PluginError> {
        let manifest = read_manifest(dir)?;
        let init_path = dir.join(INIT_CHUNK);
        let source = std::fs::read_to_string(&init_path).map_err(|source| PluginError::Io {
            path: init_path.clone(),
            source: source.into(),
        })?;
        let guard = Arc::new(BudgetGuard::new(limits, check_interval));
        let plugin_name = manifest.name.clone();
        let startup_error = |error: mlua::Error| PluginError::Startup {
            plugin: plugin_name.clone(),
            message: error.to_string(),
        };
        let sandbox = Sandbox::new(Arc::clone(&guard), init_path.clone()).map_err(startup_error)?;
        install_api(
            &sandbox.lua,
            &sandbox.env,
            &manifest,
            Arc::clone(&services.logs),
            Arc::clone(&services.index),
        )
        .map_err(startup_error)?;

        let chunk = sandbox
            .lua
            .load(source.as_str())
            .set_name(format!("@{INIT_CHUNK}"))
            .set_mode(mlua::chunk::ChunkMode::Text)
            .set_environment(sandbox.env.clone())
            .into_function()
            .map_err(|error| {
                let (message, line) = describe_lua_error(&error);
                PluginError::Syntax {
                    plugin: manifest.name.clone(),
                    location: SourceLocation {
                        path: init_path.clone(),
                        line: line.unwrap_or(1),
                    },
                    message,
                }
            })?;

        let source_fingerprint = {
            let mut hasher = blake3::Hasher::new();
            hasher.update(format!("{manifest:?}").as_bytes());
            hasher.update(source.as_bytes());
            hasher.finalize().to_hex().to_string()
        };
        let mut instance = Self {
            limit_hits: std::sync::atomic::AtomicU32::new(0),
            call_lock: std::sync::Mutex::new(()),
            source_fingerprint,
            manifest,
            dir: dir.to_path_buf(),
            exports: sandbox.lua.create_table().map_err(startup_error)?,
            sandbox,
            guard,
            last_cost: std::sync::Mutex::new(CallCost {
                duration: Duration::ZERO,
                instructions: 0,
            }),
        };
        let returned = instance.call_function("load", &chunk, ())?;
        instance.exports = match returned {
            Value::Table(table) => table,
            other => {
                return Err(instance.bad_return(
                    "load",
                    format!(
                        "init.lua must return a table of hooks, it returned a {}",
                        other.type_name()
                    ),
                ));
            }
        };
        instance.check_declared_hooks()?;
        Ok(instance)
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    pub fn name(&self) -> &str {
        &self.manifest.name
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Hash of the manifest and `init.lua`, for `ax index` to tell when the plugin changed.
    pub fn source_fingerprint(&self) -> &str {
        &self.source_fingerprint
    }

    /// Counts a limit hit; true exactly when this hit disables the plugin.
    pub fn record_limit_hit(&self) -> bool {
        self.limit_hits
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1
            == MAX_LIMIT_HITS
    }

    /// Whether the plugin hit its limits `MAX_LIMIT_HITS` times; the host then skips it.
    pub fn is_disabled(&self) -> bool {
        self.limit_hits.load(std::sync::atomic::Ordering::Relaxed) >= MAX_LIMIT_HITS
    }

    /// Time and instructions of the most recent hook call.
    pub fn last_cost(&self) -> CallCost {
        *self
            .last_cost
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Bytes of Lua heap the plugin holds now.
    pub fn used_memory_bytes(&self) -> usize {
        self.sandbox.lua.used_memory()
    }

    /// `on_index(file, symbols)`: the symbols the plugin adds, each forced into `file.path`.
    pub fn on_index(
        &self,
        file: &PluginFile,
        symbols: &[PluginSymbol],
    ) -> Result<Vec<PluginSymbol>, PluginError> {
        let hook = HookKind::OnIndex.as_str();
        let function = self.hook_function(hook)?;
        let args = (
            self.encode_argument(hook, file)?,
            self.encode_argument(hook, symbols)?,
        );
        let returned = self.call_function(hook, &function, args)?;
        let mut added: Vec<PluginSymbol> = self
            .decode_return(hook, &function, returned)?
            .unwrap_or_default();
        for symbol in &mut added {
            symbol.path.clone_from(&file.path);
        }
        Ok(added)
    }

    /// `on_query(query)`: the rewritten query, or `None` to keep it.
    pub fn on_query(&self, query: &str) -> Result<Option<String>, PluginError> {
        let hook = HookKind::OnQuery.as_str();
        let function = self.hook_function(hook)?;
        let returned = self.call_function(hook, &function, query)?;
        self.decode_return(hook, &function, returned)
    }

    /// `on_results(query, results)`: the reranked or filtered hits, or `None` to keep them.
    pub fn on_results(
        &self,
        query: &str,
        hits: &[PluginHit],
    ) -> Result<Option<Vec<PluginHit>>, PluginError> {
        let hook = HookKind::OnResults.as_str();
        let function = self.hook_function(hook)?;
        let args = (query, self.encode_argument(hook, hits)?);
        let returned = self.call_function(hook, &function, args)?;
        self.decode_return(hook, &function, returned)
    }

    /// Names of the functions in the plugin's `commands` table, sorted.
    pub fn command_names(&self) -> Vec<String> {
        self.table_function_names(HookKind::Commands)
    }

    /// Names of the functions in the plugin's `lint` table, sorted.
    pub fn lint_rule_names(&self) -> Vec<String> {
        self.table_function_names(HookKind::Lint)
    }

    /// Runs `commands[name](args)`; a string result is the command's output.
    pub fn run_command(&self, name: &str, args: &[String]) -> Result<Option<String>, PluginError> {
        let hook = format!("commands.{name}");
        let function = self
            .member_function(HookKind::Commands, name)
            .ok_or_else(|| PluginError::UnknownCommand {
                plugin: self.name().to_string(),
                command: name.to_string(),
                available: self.command_names().join(", "),
            })?;
        let args = self.encode_argument(&hook, args)?;
        let returned = self.call_function(&hook, &function, args)?;
        self.decode_return(&hook, &function, returned)
    }

    /// Runs one lint rule over one file.
    pub fn lint_file(
        &self,
        rule: &str,
        file: &PluginFile,
    ) -> Result<Vec<LintFinding>, PluginError> {
        let hook = format!("lint.{rule}");
        let Some(function) = self.member_function(HookKind::Lint, rule) else {
            return Ok(Vec::new());
        };
        let returned = self.call_function(&hook, &function, self.encode_argument(&hook, file)?)?;
        let raw: Vec<RawLintFinding> = self
            .decode_return(&hook, &function, returned)?
            .unwrap_or_default();
        Ok(raw
            .into_iter()
            .map(|finding| LintFinding {
                path: file.path.clone(),
                line: finding.line,
                plugin: self.name().to_string(),
                rule: rule.to_string(),
                message: finding.message,
            })
            .collect())
    }

    /// Calls a Lua function under the limits; every failure becomes a `PluginError` naming the hook.
    fn call_function(
        &self,
        hook: &str,
        function: &Function,
        args: impl IntoLuaMulti,
    ) -> Result<Value, PluginError> {
        // One call at a time per plugin: the guard's counters belong to the running call, and a
        // second thread starting its call would otherwise reset them mid-flight.
        let _one_call = self
            .call_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.guard.start_call();
        let started = Instant::now();
        let result = function.call::<Value>(args);
        *self
            .last_cost
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = CallCost {
            duration: started.elapsed(),
            instructions: self.guard.instructions(),
        };
        if let Some((kind, location)) = self.guard.tripped() {
            return Err(self.limit_error(hook, kind, location));
        }
        match result {
            Ok(value) => Ok(value),
            Err(mlua::Error::MemoryError(_)) => Err(self.limit_error(
                hook,
                LimitKind::Memory {
                    limit_bytes: self.guard.limits().memory_limit_bytes,
                },
                None,
            )),
            Err(error) => {
                let (message, line) = describe_lua_error(&error);
                Err(PluginError::Runtime {
                    plugin: self.name().to_string(),
                    hook: hook.to_string(),
                    location: line.map(|line| self.location(line)),
                    message,
                })
            }
        }
    }

    fn limit_error(
        &self,
        hook: &str,
        kind: LimitKind,
        location: Option<SourceLocation>,
    ) -> PluginError {
        // After a memory error the heap may be full of garbage; collect it so the next call starts clean.
        if matches!(kind, LimitKind::Memory { .. }) {
            let _ = self.sandbox.lua.gc_collect();
        }
        PluginError::Limit {
            plugin: self.name().to_string(),
            hook: hook.to_string(),
            location: location.or_else(|| self.guard.last_seen()),
            kind,
        }
    }

    fn location(&self, line: usize) -> SourceLocation {
        SourceLocation {
            path: self.dir.join(INIT_CHUNK),
            line,
        }
    }

    fn hook_function(&self, hook: &str) -> Result<Function, PluginError> {
        match self.exports.get::<Value>(hook) {
            Ok(Value::Function(function)) => Ok(function),
            _ => Err(self.bad_return(
                hook,
                format!("init.lua does not return a function `{hook}`"),
            )),
        }
    }

    fn member_function(&self, kind: HookKind, name: &str) -> Option<Function> {
        let table = self
            .exports
            .get::<Option<Table>>(kind.as_str())
            .ok()
            .flatten()?;
        match table.get::<Value>(name) {
            Ok(Value::Function(function)) => Some(function),
            _ => None,
        }
    }

    fn table_function_names(&self, kind: HookKind) -> Vec<String> {
        let Ok(Some(table)) = self.exports.get::<Option<Table>>(kind.as_str()) else {
            return Vec::new();
        };
        let mut names: Vec<String> = table
            .pairs::<String, Value>()
            .filter_map(Result::ok)
            .filter(|(_, value)| matches!(value, Value::Function(_)))
            .map(|(name, _)| name)
            .collect();
        names.sort();
        names
    }

    /// Every hook `plugin.toml` declares must be exported with the right type.
    fn check_declared_hooks(&self) -> Result<(), PluginError> {
        for hook in &self.manifest.hooks {
            let value = self
                .exports
                .get::<Value>(hook.as_str())
                .unwrap_or(Value::Nil);
            let expected = match hook {
                HookKind::Commands | HookKind::Lint => "table",
                _ => "function",
            };
            if value.type_name() != expected {
                return Err(self.bad_return(
                    "load",
                    format!(
                        "plugin.toml declares hook `{hook}`, but init.lua returns a {} for it (expected a {expected})",
                        value.type_name()
                    ),
                ));
            }
        }
        Ok(())
    }

    fn encode_argument<T: ToLuaRecord + ?Sized>(
        &self,
        hook: &str,
        value: &T,
    ) -> Result<Value, PluginError> {
        self.unmetered(|| value.to_lua_record(&self.sandbox.lua))
            .map_err(|error| match error {
                // Converting host data only fails when the plugin's heap is full.
                mlua::Error::MemoryError(_) => self.limit_error(
                    hook,
                    LimitKind::Memory {
                        limit_bytes: self.guard.limits().memory_limit_bytes,
                    },
                    None,
                ),
                other => PluginError::Runtime {
                    plugin: self.name().to_string(),
                    hook: hook.to_string(),
                    location: None,
                    message: format!("cannot pass the arguments: {other}"),
                },
            })
    }

    /// Converts a hook's return value; a bad one is reported at the line the hook is defined on.
    fn decode_return<T: FromLuaRecord>(
        &self,
        hook: &str,
        function: &Function,
        value: Value,
    ) -> Result<Option<T>, PluginError> {
        if value.is_nil() {
            return Ok(None);
        }
        self.unmetered(|| T::from_lua_record(value))
            .map(Some)
            .map_err(|message| {
                let line = function.info().line_defined.filter(|&line| line > 0);
                PluginError::BadReturn {
                    plugin: self.name().to_string(),
                    hook: hook.to_string(),
                    location: line.map(|line| self.location(line)),
                    message,
                }
            })
    }

    /// Runs host-side marshalling with the memory limit lifted. With a limit set, mlua guards every
    /// string it pushes with a protected call, which made marshalling five times slower; the memory
    /// used here is the host's own data, bounded by it, and the limit is back before plugin code runs.
    fn unmetered<R>(&self, marshal: impl FnOnce() -> R) -> R {
        let lua = &self.sandbox.lua;
        let lifted = lua.set_memory_limit(0).is_ok();
        let result = marshal();
        if lifted {
            // Setting a limit cannot fail once lifting one succeeded: the allocator is ours.
            let _ = lua.set_memory_limit(self.guard.limits().memory_limit_bytes);
        }
        result
    }

    fn bad_return(&self, hook: &str, message: String) -> PluginError {
        PluginError::BadReturn {
            plugin: self.name().to_string(),
            hook: hook.to_string(),
            location: None,
            message,
        }
    }
}
