//! The plugin host: loads every enabled plugin and runs each hook across them in name order.
//! A plugin that fails is skipped for that call and its error is queued; the host always returns a
//! usable result (the input unchanged when every plugin failed).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::plugin::api::{IndexReader, LogLine};
use crate::plugin::error::PluginError;
use crate::plugin::limits::{DEFAULT_CHECK_INTERVAL, PluginLimits};
use crate::plugin::manifest::HookKind;
use crate::plugin::records::{LintFinding, PluginFile, PluginHit, PluginSymbol};
use crate::plugin::runtime::{HostServices, MAX_LIMIT_HITS, PluginInstance};
use crate::plugin::trace::HookCall;

/// All enabled plugins and what the host observed while running them.
pub struct PluginHost {
    limits: PluginLimits,
    check_interval: u32,
    services: HostServices,
    /// Sorted by plugin name.
    plugins: Vec<PluginInstance>,
    problems: Mutex<Vec<PluginError>>,
    /// `Some` while tracing: every hook call is recorded.
    trace: Mutex<Option<Vec<HookCall>>>,
    /// Running totals per plugin and hook kind, for metrics; kept across reloads.
    totals: Mutex<BTreeMap<(String, &'static str), HookTotals>>,
}

/// What one plugin's hook of one kind has cost since the host started.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HookTotals {
    pub calls: u64,
    pub errors: u64,
    /// Calls stopped by the memory limit, the instruction budget or the timeout.
    pub limit_hits: u64,
    pub seconds: f64,
}

impl PluginHost {
    pub fn new(limits: PluginLimits) -> Self {
        Self {
            limits,
            check_interval: DEFAULT_CHECK_INTERVAL,
            services: HostServices::default(),
            plugins: Vec::new(),
            problems: Mutex::new(Vec::new()),
            trace: Mutex::new(None),
            totals: Mutex::new(BTreeMap::new()),
        }
    }

    /// Totals per (plugin name, hook kind), sorted; the hook kind is `on_index`, `on_query`,
    /// `on_results`, `commands` or `lint` (never a command or rule name, so the set stays small).
    pub fn hook_totals(&self) -> Vec<(String, &'static str, HookTotals)> {
        lock(&self.totals)
            .iter()
            .map(|((plugin, hook), totals)| (plugin.clone(), *hook, *totals))
            .collect()
    }

    /// Instructions between two limit checks; smaller is more precise for `profile` and slower.
    pub fn with_check_interval(mut self, check_interval: u32) -> Self {
        self.check_interval = check_interval.max(1);
        self
    }

    pub fn limits(&self) -> PluginLimits {
        self.limits
    }

    /// Loads each plugin folder; a plugin that fails to load is left out and its error returned.
    pub fn load_dirs(&mut self, dirs: &[PathBuf]) -> Vec<PluginError> {
        let mut errors = Vec::new();
        for dir in dirs {
            if let Err(error) = self.load_dir(dir) {
                errors.push(error);
            }
        }
        errors
    }

    /// Loads (or replaces) the plugin in `dir`. On failure the previous version, if any, stays.
    pub fn load_dir(&mut self, dir: &Path) -> Result<&PluginInstance, PluginError> {
        let instance = PluginInstance::load(dir, self.limits, self.check_interval, &self.services)?;
        let same_dir = self.plugins.iter().position(|plugin| plugin.dir() == dir);
        let same_name = self
            .plugins
            .iter()
            .position(|plugin| plugin.name() == instance.name());
        let index = match (same_dir, same_name) {
            (_, Some(other)) if same_dir != Some(other) => {
                return Err(PluginError::DuplicateName {
                    name: instance.name().to_string(),
                    first: self.plugins[other].dir().to_path_buf(),
                    second: dir.to_path_buf(),
                });
            }
            (Some(index), _) => {
                self.plugins[index] = instance;
                index
            }
            (None, _) => {
                self.plugins.push(instance);
                self.plugins.len() - 1
            }
        };
        let name = self.plugins[index].name().to_string();
        self.plugins.sort_by(|a, b| a.name().cmp(b.name()));
        let index = self
            .plugins
            .iter()
            .position(|plugin| plugin.name() == name)
            .unwrap_or(index);
        Ok(&self.plugins[index])
    }

    /// Reloads the plugin in `dir`, keeping the last good version when the new one fails.
    pub fn reload(&mut self, dir: &Path) -> Result<Duration, PluginError> {
        let started = Instant::now();
        self.load_dir(dir)?;
        Ok(started.elapsed())
    }

    /// Whether any loaded plugin declares `hook`; call sites skip all conversion work otherwise.
    pub fn has_hook(&self, hook: HookKind) -> bool {
        self.declaring(hook).next().is_some()
    }

    pub fn plugins(&self) -> &[PluginInstance] {
        &self.plugins
    }

    pub fn plugin(&self, name: &str) -> Option<&PluginInstance> {
        self.plugins.iter().find(|plugin| plugin.name() == name)
    }

    /// Lends the index to plugins granted `index.read`.
    pub fn set_index_reader(&self, reader: Arc<dyn IndexReader>) {
        *self
            .services
            .index
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Some(reader);
    }

    /// Errors of hook calls since the last call to this; the calls themselves were skipped.
    pub fn take_problems(&self) -> Vec<PluginError> {
        std::mem::take(&mut *lock(&self.problems))
    }

    /// Lines plugins logged since the last call to this.
    pub fn take_logs(&self) -> Vec<LogLine> {
        std::mem::take(&mut *lock(&self.services.logs))
    }

    /// Starts recording every hook call (dropping any earlier record).
    pub fn start_trace(&self) {
        *lock(&self.trace) = Some(Vec::new());
    }

    /// The calls recorded since `start_trace` or the last call to this; recording goes on.
    pub fn take_trace(&self) -> Vec<HookCall> {
        lock(&self.trace)
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Runs `on_index` of every plugin that declares it; returns the symbols they add.
    pub fn on_index(&self, file: &PluginFile, symbols: &[PluginSymbol]) -> Vec<PluginSymbol> {
        let mut added = Vec::new();
        for plugin in self.declaring(HookKind::OnIndex) {
            let result = traced(plugin, "on_index", || plugin.on_index(file, symbols));
            self.observe(
                plugin,
                "on_index",
                || format!("file={} symbols={}", file.path, symbols.len()),
                &result,
                Vec::len,
            );
            if let Ok(symbols) = result {
                added.extend(symbols);
            }
        }
        added
    }

    /// Runs `on_query` of every plugin in turn, each seeing the previous one's rewrite.
    pub fn on_query(&self, query: &str) -> String {
        let mut current = query.to_string();
        for plugin in self.declaring(HookKind::OnQuery) {
            let result = traced(plugin, "on_query", || plugin.on_query(&current));
            self.observe(
                plugin,
                "on_query",
                || format!("query={current:?}"),
                &result,
                |rewrite| usize::from(rewrite.is_some()),
            );
            if let Ok(Some(rewritten)) = result {
                current = rewritten;
            }
        }
        current
    }

    /// Runs `on_results` of every plugin in turn, each seeing the previous one's ranking.
    pub fn on_results(&self, query: &str, hits: Vec<PluginHit>) -> Vec<PluginHit> {
        let mut current = hits;
        for plugin in self.declaring(HookKind::OnResults) {
            let result = traced(plugin, "on_results", || plugin.on_results(query, &current));
            self.observe(
                plugin,
                "on_results",
                || format!("query={query:?} results={}", current.len()),
                &result,
                |hits| hits.as_ref().map_or(0, Vec::len),
            );
            if let Ok(Some(reranked)) = result {
                current = reranked;
            }
        }
        current
    }

    /// Runs `commands[command](args)` of one plugin; its error is returned, not queued.
    pub fn run_command(
        &self,
        plugin_name: &str,
        command: &str,
        args: &[String],
    ) -> Result<Option<String>, PluginError> {
        let plugin = self
            .plugin(plugin_name)
            .filter(|plugin| plugin.manifest().declares(HookKind::Commands))
            .ok_or_else(|| PluginError::UnknownPlugin {
                name: plugin_name.to_string(),
            })?;
        let hook = format!("commands.{command}");
        let result = traced(plugin, &hook, || plugin.run_command(command, args));
        self.observe(
            plugin,
            &hook,
            || format!("args={args:?}"),
            &result,
            |output| output.as_deref().map_or(0, |text| text.lines().count()),
        );
        result
    }

    /// Runs every lint rule of every plugin over every file; findings sorted by path and line.
    pub fn lint(&self, files: &[PluginFile]) -> Vec<LintFinding> {
        let mut findings = Vec::new();
        for plugin in self.declaring(HookKind::Lint) {
            for rule in plugin.lint_rule_names() {
                for file in files {
                    let hook = format!("lint.{rule}");
                    let result = traced(plugin, &hook, || plugin.lint_file(&rule, file));
                    self.observe(
                        plugin,
                        &hook,
                        || format!("file={}", file.path),
                        &result,
                        Vec::len,
                    );
                    if let Ok(found) = result {
                        findings.extend(found);
                    }
                }
            }
        }
        findings.sort();
        findings
    }

    /// Plugins that declare `hook` and are not disabled for hitting limits too often.
    fn declaring(&self, hook: HookKind) -> impl Iterator<Item = &PluginInstance> {
        self.plugins
            .iter()
            .filter(move |plugin| plugin.manifest().declares(hook) && !plugin.is_disabled())
    }

    /// Queues the error of a failed call and records the call when tracing.
    fn observe<T>(
        &self,
        plugin: &PluginInstance,
        hook: &str,
        arguments: impl FnOnce() -> String,
        result: &Result<T, PluginError>,
        result_size: impl FnOnce(&T) -> usize,
    ) {
        let cost = plugin.last_cost();
        let kind = hook_kind_label(hook);
        {
            let mut totals = lock(&self.totals);
            let entry = totals.entry((plugin.name().to_string(), kind)).or_default();
            entry.calls += 1;
            entry.seconds += cost.duration.as_secs_f64();
            if let Err(error) = result {
                entry.errors += 1;
                if matches!(error, PluginError::Limit { .. }) {
                    entry.limit_hits += 1;
                }
            }
        }
        if let Some(trace) = lock(&self.trace).as_mut() {
            trace.push(HookCall {
                plugin: plugin.name().to_string(),
                hook: hook.to_string(),
                arguments: arguments(),
                result_size: result.as_ref().map_or(0, result_size),
                duration: cost.duration,
                instructions: cost.instructions,
                error: result.as_ref().err().map(ToString::to_string),
            });
        }
        if let Err(error) = result {
            let mut problems = lock(&self.problems);
            problems.push(error.clone());
            if matches!(error, PluginError::Limit { .. }) && plugin.record_limit_hit() {
                problems.push(PluginError::Disabled {
                    plugin: plugin.name().to_string(),
                    limit_hits: MAX_LIMIT_HITS,
                });
            }
        }
    }
}

impl std::fmt::Debug for PluginHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginHost")
            .field("limits", &self.limits)
            .field(
                "plugins",
                &self
                    .plugins
                    .iter()
                    .map(PluginInstance::name)
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// The hook kind of a call name: `commands.build` is `commands`, `lint.todo` is `lint`.
/// Runs one hook call inside its `ax.plugin.hook` span (free when no subscriber is installed).
fn traced<T>(
    plugin: &PluginInstance,
    hook: &str,
    call: impl FnOnce() -> Result<T, PluginError>,
) -> Result<T, PluginError> {
    let span = tracing::info_span!(
        "ax.plugin.hook",
        ax.plugin.name = plugin.name(),
        ax.plugin.hook = hook,
        ax.plugin.error = tracing::field::Empty,
        otel.status_code = tracing::field::Empty,
    );
    let result = span.in_scope(call);
    if let Err(error) = &result {
        span.record("ax.plugin.error", tracing::field::display(error));
        span.record("otel.status_code", "ERROR");
    }
    result
}

fn hook_kind_label(hook: &str) -> &'static str {
    match hook.split('.').next().unwrap_or(hook) {
        "on_index" => "on_index",
        "on_query" => "on_query",
        "on_results" => "on_results",
        "commands" => "commands",
        "lint" => "lint",
        _ => "other",
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
