//! The `ax plugin new|list|check|dev|trace|profile`, `ax run` and `ax lint` commands of the binary:
//! arguments (clap), the calls into the plugin runtime, and the text they print. Input is parsed arguments and the
//! project root; output is stdout/stderr text and an exit code.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Subcommand};

use ax::plugin::check::check_plugin;
use ax::plugin::error::PluginError;
use ax::plugin::host::PluginHost;
use ax::plugin::limits::PluginLimits;
use ax::plugin::records::PluginFile;
use ax::plugin::reload::{PluginWatcher, reload_changed};
use ax::plugin::scaffold::create_plugin;
use ax::plugin::seam::enabled_plugin_dirs;
use ax::plugin::trace::{profile, render_profile};
use ax::plugin::workload::{Project, project_files, run_workload};
use ax::{Engine, EngineIndex};

#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// Create a plugin folder (plugin.toml, init.lua, README.md) that passes `ax plugin check`.
    New {
        name: String,
        /// Parent folder (default: `[plugins] dir` from ax.toml, else `plugins`).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// List the enabled plugins with their version, hooks and permissions.
    List,
    /// Check plugins: manifest, load, and each declared hook called once on a sample.
    Check {
        /// Plugin folders (default: every enabled plugin).
        paths: Vec<PathBuf>,
    },
    /// Watch plugins, reload them on change, and print each hook call and its errors.
    Dev {
        /// Plugin folders (default: every enabled plugin).
        paths: Vec<PathBuf>,
        /// Stop after this many reloads (default: run until interrupted).
        #[arg(long, value_name = "N")]
        max_reloads: Option<usize>,
        /// Query the workload runs through on_query and on_results.
        #[arg(long, short)]
        query: Option<String>,
    },
    /// Run the hooks on the project (or a sample) and print each call: arguments, result size, time.
    Trace {
        /// Query run through on_query and on_results (default: a sample query).
        query: Option<String>,
    },
    /// Run the hooks on the project (or a sample) and print time and instructions per hook, most instructions first.
    Profile {
        /// Query run through on_query and on_results (default: a sample query).
        query: Option<String>,
        /// Times the workload runs.
        #[arg(long, default_value_t = 10)]
        runs: usize,
    },
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The plugin's name (from its plugin.toml).
    pub plugin: String,
    /// A command in the plugin's `commands` table.
    pub command: String,
    /// Arguments passed to the command as a list of strings.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Only files under these paths, relative to the root (default: every indexable file).
    pub paths: Vec<PathBuf>,
}

/// `ax plugin ...`.
pub fn plugin_command(command: &PluginCommand, root: &Path, json: bool) -> ExitCode {
    let result = Engine::open(root)
        .map_err(|error| error.to_string())
        .and_then(|engine| match command {
            PluginCommand::New { name, dir } => new(&engine, name, dir.as_deref()),
            PluginCommand::List => list(&engine, json),
            PluginCommand::Check { paths } => check(&engine, paths),
            PluginCommand::Dev {
                paths,
                max_reloads,
                query,
            } => dev(&engine, paths, *max_reloads, query.as_deref()),
            PluginCommand::Trace { query } => trace(&engine, query.as_deref(), json),
            PluginCommand::Profile { query, runs } => {
                profile_command(&engine, query.as_deref(), *runs, json)
            }
        });
    finish(result)
}

/// `ax run PLUGIN CMD [ARGS]`.
pub fn run_command(args: &RunArgs, root: &Path) -> ExitCode {
    let result = Engine::open(root)
        .map_err(|error| error.to_string())
        .and_then(|engine| {
            let (_engine, host, load_errors) = engine.with_enabled_plugins();
            report_load_errors(&load_errors);
            let outcome = host.run_command(&args.plugin, &args.command, &args.args);
            print_logs(&host);
            match outcome {
                Ok(Some(output)) => {
                    print(&format!("{}\n", output.trim_end_matches('\n')));
                    Ok(true)
                }
                Ok(None) => Ok(true),
                Err(error) => Err(error.to_string()),
            }
        });
    finish(result)
}

/// `ax lint [PATHS]`: exit 1 when there are findings or a rule failed.
pub fn lint_command(args: &LintArgs, root: &Path, json: bool) -> ExitCode {
    let result = Engine::open(root)
        .map_err(|error| error.to_string())
        .map(|engine| {
            let files: Vec<PluginFile> = project_files(engine.root(), &engine.config().index)
                .into_iter()
                .map(|(file, _)| file)
                .filter(|file| {
                    args.paths.is_empty()
                        || args
                            .paths
                            .iter()
                            .any(|path| Path::new(&file.path).starts_with(path))
                })
                .collect();
            let (_engine, host, load_errors) = engine.with_enabled_plugins();
            report_load_errors(&load_errors);
            let findings = host.lint(&files);
            print_logs(&host);
            let problems = host.take_problems();
            for problem in &problems {
                eprintln!("warning: {problem}");
            }
            if json {
                print(&format!(
                    "{:#}\n",
                    serde_json::json!({ "command": "lint", "findings": findings })
                ));
            } else {
                let lines: String = findings
                    .iter()
                    .map(|finding| format!("{finding}\n"))
                    .collect();
                print(&lines);
            }
            findings.is_empty() && problems.is_empty() && load_errors.is_empty()
        });
    finish(result)
}

/// Loads enabled plugins into `engine` for `index` and `find`; the returned guard prints plugin
/// logs and hook errors to stderr when it goes out of scope, after the command's own output.
pub fn attach_plugins(engine: Engine) -> (Engine, PluginReport) {
    let (engine, host, load_errors) = engine.with_enabled_plugins();
    report_load_errors(&load_errors);
    (engine, PluginReport { host })
}

/// Prints what plugins logged and which hook calls failed, on drop.
pub struct PluginReport {
    host: Arc<PluginHost>,
}

impl Drop for PluginReport {
    fn drop(&mut self) {
        print_logs(&self.host);
        for problem in self.host.take_problems() {
            eprintln!("warning: {problem}");
        }
    }
}

fn new(engine: &Engine, name: &str, dir: Option<&Path>) -> Result<bool, String> {
    let config = &engine.config().plugins;
    let parent = match dir.or(config.dir.as_deref()) {
        Some(dir) => engine.root().join(dir),
        None => engine.root().join("plugins"),
    };
    let created = create_plugin(&parent, name).map_err(|error| error.to_string())?;
    let shown = created.strip_prefix(engine.root()).unwrap_or(&created);
    print(&format!("created {}\n", shown.display()));
    let enabled =
        enabled_plugin_dirs(engine.root(), config).is_ok_and(|dirs| dirs.contains(&created));
    if !enabled {
        let parent_shown = parent.strip_prefix(engine.root()).unwrap_or(&parent);
        eprintln!(
            "note: enable it in ax.toml with `[plugins] dir = \"{}\"` (or add it to `paths`)",
            parent_shown.display()
        );
    }
    Ok(true)
}

fn list(engine: &Engine, json: bool) -> Result<bool, String> {
    let dirs = enabled_plugin_dirs(engine.root(), &engine.config().plugins)
        .map_err(|error| error.to_string())?;
    let mut host = PluginHost::new(PluginLimits::from(&engine.config().plugins));
    let errors = host.load_dirs(&dirs);
    if json {
        let plugins: Vec<_> = host
            .plugins()
            .iter()
            .map(|plugin| {
                serde_json::json!({
                    "manifest": plugin.manifest(),
                    "path": relative(engine.root(), plugin.dir()),
                    "commands": plugin.command_names(),
                    "lint_rules": plugin.lint_rule_names(),
                })
            })
            .collect();
        let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
        print(&format!(
            "{:#}\n",
            serde_json::json!({ "command": "plugin list", "plugins": plugins, "errors": errors })
        ));
        return Ok(errors.is_empty());
    }
    if host.plugins().is_empty() && errors.is_empty() {
        eprintln!("no plugins enabled (set `[plugins] dir` or `paths` in ax.toml)");
    }
    let mut out = String::new();
    for plugin in host.plugins() {
        let manifest = plugin.manifest();
        let hooks: Vec<&str> = manifest.hooks.iter().map(|hook| hook.as_str()).collect();
        let permissions: Vec<&str> = manifest
            .permissions
            .iter()
            .map(|permission| permission.as_str())
            .collect();
        out.push_str(&format!(
            "{} {}  {}\n  hooks: {}\n  permissions: {}\n  path: {}\n",
            manifest.name,
            manifest.version,
            manifest.description,
            hooks.join(", "),
            if permissions.is_empty() {
                "none".to_string()
            } else {
                permissions.join(", ")
            },
            relative(engine.root(), plugin.dir()),
        ));
    }
    print(&out);
    report_load_errors(&errors);
    Ok(errors.is_empty())
}

fn check(engine: &Engine, paths: &[PathBuf]) -> Result<bool, String> {
    let dirs = dirs_or_enabled(engine, paths)?;
    if dirs.is_empty() {
        return Err(
            "no plugins to check: name a plugin folder or enable plugins in ax.toml".to_string(),
        );
    }
    let limits = PluginLimits::from(&engine.config().plugins);
    let mut passed = true;
    for dir in &dirs {
        let mut report = check_plugin(dir, limits);
        report.dir = PathBuf::from(relative(engine.root(), dir));
        passed &= report.passed();
        print(&report.render());
    }
    Ok(passed)
}

fn dev(
    engine: &Engine,
    paths: &[PathBuf],
    max_reloads: Option<usize>,
    query: Option<&str>,
) -> Result<bool, String> {
    let dirs = dirs_or_enabled(engine, paths)?;
    if dirs.is_empty() {
        return Err(
            "no plugins to watch: name a plugin folder or enable plugins in ax.toml".to_string(),
        );
    }
    let mut host = PluginHost::new(PluginLimits::from(&engine.config().plugins));
    host.set_index_reader(Arc::new(EngineIndex::new(engine.clone())));
    for error in host.load_dirs(&dirs) {
        print(&format!("error: {error}\n"));
    }
    host.start_trace();
    let watcher = PluginWatcher::watch(&dirs).map_err(|error| error.to_string())?;
    run_and_print(engine, &host, query);
    print(&format!(
        "watching {} plugin folder(s) for changes\n",
        dirs.len()
    ));

    let mut reloads = 0;
    while max_reloads.is_none_or(|max| reloads < max) {
        let changed = watcher.wait_for_changes(Duration::from_secs(3600));
        if changed.is_empty() {
            continue;
        }
        for outcome in reload_changed(&mut host, &changed) {
            reloads += 1;
            let shown = relative(engine.root(), &outcome.dir);
            match outcome.result {
                Ok(elapsed) => print(&format!(
                    "reloaded {shown} in {:.1} ms\n",
                    elapsed.as_secs_f64() * 1000.0
                )),
                Err(error) => print(&format!(
                    "reload failed, keeping the last good version: {error}\n"
                )),
            }
        }
        run_and_print(engine, &host, query);
    }
    Ok(true)
}

fn run_and_print(engine: &Engine, host: &PluginHost, query: Option<&str>) {
    workload(engine, host, query);
    let mut out = String::new();
    for call in host.take_trace() {
        out.push_str(&format!("  {}\n", call.render()));
    }
    for line in host.take_logs() {
        out.push_str(&format!("  [{}] {}\n", line.plugin, line.message));
    }
    host.take_problems();
    print(&out);
}

fn trace(engine: &Engine, query: Option<&str>, json: bool) -> Result<bool, String> {
    let host = enabled_host(engine)?;
    host.start_trace();
    let summary = workload(engine, &host, query);
    let calls = host.take_trace();
    if json {
        print(&format!(
            "{:#}\n",
            serde_json::json!({ "command": "plugin trace", "calls": calls })
        ));
    } else {
        let mut out = format!(
            "{} file(s), query {:?}, {}\n",
            summary.files,
            summary.query,
            if summary.hits_from_index {
                "hits from the index"
            } else {
                "sample hits (no index)"
            }
        );
        for call in &calls {
            out.push_str(&format!("{}\n", call.render()));
        }
        print(&out);
    }
    print_logs(&host);
    host.take_problems();
    Ok(true)
}

fn profile_command(
    engine: &Engine,
    query: Option<&str>,
    runs: usize,
    json: bool,
) -> Result<bool, String> {
    // Count instructions every 100 rather than every 1,000: finer counts for a little more overhead.
    let host = enabled_host_with_interval(engine, 100)?;
    host.start_trace();
    for _ in 0..runs.max(1) {
        workload(engine, &host, query);
        host.take_logs();
        host.take_problems();
    }
    let rows = profile(&host.take_trace());
    if json {
        print(&format!(
            "{:#}\n",
            serde_json::json!({ "command": "plugin profile", "runs": runs.max(1), "hooks": rows })
        ));
    } else {
        print(&render_profile(&rows));
    }
    Ok(true)
}

/// Runs the plugin workload on this project, querying its index without plugins.
fn workload(
    engine: &Engine,
    host: &PluginHost,
    query: Option<&str>,
) -> ax::plugin::workload::WorkloadSummary {
    let index = EngineIndex::new(engine.clone());
    let project = Project {
        root: engine.root(),
        index_config: &engine.config().index,
        index: &index,
        limit: engine.config().query.default_limit,
    };
    run_workload(Some(&project), host, query)
}

fn enabled_host(engine: &Engine) -> Result<PluginHost, String> {
    enabled_host_with_interval(engine, ax::plugin::limits::DEFAULT_CHECK_INTERVAL)
}

fn enabled_host_with_interval(engine: &Engine, check_interval: u32) -> Result<PluginHost, String> {
    let dirs = enabled_plugin_dirs(engine.root(), &engine.config().plugins)
        .map_err(|error| error.to_string())?;
    if dirs.is_empty() {
        return Err("no plugins enabled (set `[plugins] dir` or `paths` in ax.toml)".to_string());
    }
    let mut host = PluginHost::new(PluginLimits::from(&engine.config().plugins))
        .with_check_interval(check_interval);
    host.set_index_reader(Arc::new(EngineIndex::new(engine.clone())));
    report_load_errors(&host.load_dirs(&dirs));
    Ok(host)
}

fn dirs_or_enabled(engine: &Engine, paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    if paths.is_empty() {
        enabled_plugin_dirs(engine.root(), &engine.config().plugins)
            .map_err(|error| error.to_string())
    } else {
        Ok(paths.to_vec())
    }
}

fn report_load_errors(errors: &[PluginError]) {
    for error in errors {
        eprintln!("error: {error}");
    }
}

fn print_logs(host: &PluginHost) {
    for line in host.take_logs() {
        eprintln!("[{}] {}", line.plugin, line.message);
    }
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`ax lint | head`) is not an error worth reporting.
    let _ignored = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

/// `Ok(true)`: success; `Ok(false)`: ran, but something failed (exit 1); `Err`: could not run.
fn finish(result: Result<bool, String>) -> ExitCode {
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
