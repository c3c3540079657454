//! The `ax` command line: parses arguments, calls [`ax::Engine`], prints human or `--json` output and
//! picks the exit code. Input is argv; output is stdout/stderr. This folder is the only place that
//! knows the `--json` shape (documented in `content/reference/ax/`); `plugin.rs` holds the plugin commands.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub mod json;
mod plugin;
mod telemetry;

use ax::{
    Engine, Error, FindOptions, Hit, IndexReport, Language, Reference, Stats, Symbol, SymbolKind,
};
use clap::{Parser, Subcommand, ValueEnum};

/// Code intelligence for Rust, Python, TypeScript/JavaScript and Go: index, find, def, refs.
#[derive(Debug, Parser)]
#[command(name = "ax", version, about)]
pub struct Cli {
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// List skipped files and files with syntax errors.
    #[arg(long, short, global = true)]
    verbose: bool,
    /// When to colour the output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Bypass the query cache (neither read nor write it).
    #[arg(long, global = true)]
    no_cache: bool,
    /// The project root (default: the nearest folder upwards holding `.ax/` or `ax.toml`, else `.`).
    #[arg(long, short = 'C', global = true, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Export traces over OTLP (HTTP/protobuf) to this collector base URL, e.g.
    /// `http://127.0.0.1:4318` (default: `OTEL_EXPORTER_OTLP_ENDPOINT`; unset exports nothing).
    #[arg(long, global = true, value_name = "URL")]
    otlp: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build or refresh the index of PATH (default: the project root).
    Index { path: Option<PathBuf> },
    /// Search symbols by name, signature, doc comment and path (BM25F).
    Find {
        /// Words to search for.
        #[arg(required = true)]
        query: Vec<String>,
        /// Only symbols of this kind (function, method, struct, class, ...).
        #[arg(long)]
        kind: Option<String>,
        /// Only symbols in this language (rust, python, typescript, javascript, go).
        #[arg(long)]
        lang: Option<String>,
        /// Only symbols whose path matches this glob.
        #[arg(long, value_name = "GLOB")]
        path: Option<String>,
        /// At most N hits (default: `[query] default_limit`, 20).
        #[arg(long, short = 'n', value_name = "N")]
        limit: Option<usize>,
    },
    /// Show where NAME is defined (`Type::method` narrows to a container).
    Def { name: String },
    /// List every use of the identifier NAME.
    Refs { name: String },
    /// Show what the index holds.
    Stats {
        /// Print the index figures in the Prometheus text format (as `ax serve`'s `/metrics`).
        #[arg(long)]
        prometheus: bool,
    },
    /// Serve find/def/refs/stats over HTTP/JSON, re-indexing on change (see `content/operations/`).
    Serve {
        /// The address to listen on (port 0 picks a free one).
        #[arg(long, default_value = "127.0.0.1:7878", value_name = "ADDR:PORT")]
        bind: std::net::SocketAddr,
        /// Allow a non-loopback `--bind` (there is no authentication: put a proxy in front).
        #[arg(long)]
        allow_non_loopback: bool,
    },
    /// Develop plugins: new, list, check, dev, trace, profile.
    Plugin {
        #[command(subcommand)]
        command: plugin::PluginCommand,
    },
    /// Run a plugin's command: `ax run PLUGIN CMD [ARGS]`.
    Run(plugin::RunArgs),
    /// Report the findings of the enabled plugins' lint rules as `path:line`.
    Lint(plugin::LintArgs),
}

struct Printer {
    json: bool,
    verbose: bool,
    color: bool,
}

impl Printer {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn location(&self, path: &str, line: u32, column: u32) -> String {
        self.paint("35", &format!("{path}:{line}:{column}"))
    }

    fn symbol_line(&self, symbol: &Symbol) -> String {
        format!(
            "{}  {}  {}  {}",
            self.location(&symbol.path, symbol.line, symbol.column),
            self.paint("33", symbol.kind.as_str()),
            self.paint("1", &symbol.name),
            symbol.signature
        )
        .trim_end()
        .to_owned()
    }
}

/// Runs the command line and returns the process exit code: 0 on success, 1 on an error.
pub fn run(cli: Cli) -> ExitCode {
    if matches!(cli.command, Command::Serve { .. }) {
        // Before the trace exporter or the server starts a thread: glibc fixes its arena limit
        // for good once a process has made more than a few (decision 0106).
        crate::serve::cap_arenas();
    }
    // Dropped when this returns, which flushes the spans still buffered.
    let _telemetry = match telemetry::init(cli.otlp.as_deref()) {
        Ok(telemetry) => telemetry,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(code) = run_plugin_command(&cli) {
        return code;
    }
    if let Command::Serve {
        bind,
        allow_non_loopback,
    } = &cli.command
    {
        return crate::serve::run(crate::serve::ServeOptions {
            root: cli.root.clone().unwrap_or_else(discover_root),
            bind: *bind,
            allow_non_loopback: *allow_non_loopback,
        });
    }
    let stdout_is_terminal = std::io::stdout().is_terminal();
    let printer = Printer {
        json: cli.json,
        verbose: cli.verbose,
        color: match cli.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => stdout_is_terminal && std::env::var_os("NO_COLOR").is_none(),
        },
    };
    let mut out = String::new();
    match execute(&cli, &printer, &mut out) {
        Ok(()) => {
            write_stdout(&out);
            ExitCode::SUCCESS
        }
        Err(error) => {
            if printer.json {
                let body = json::error(json::error_kind(&error), &error.to_string());
                write_stdout(&format!("{body:#}\n"));
            }
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `ax plugin`, `ax run` and `ax lint` print and pick their exit code in `cli/plugin.rs`.
fn run_plugin_command(cli: &Cli) -> Option<ExitCode> {
    let root = || cli.root.clone().unwrap_or_else(discover_root);
    match &cli.command {
        Command::Plugin { command } => Some(plugin::plugin_command(command, &root(), cli.json)),
        Command::Run(args) => Some(plugin::run_command(args, &root())),
        Command::Lint(args) => Some(plugin::lint_command(args, &root(), cli.json)),
        _ => None,
    }
}

fn write_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`ax find x | head -1`) is not an error worth reporting.
    let _ignored = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

fn execute(cli: &Cli, printer: &Printer, out: &mut String) -> Result<(), Error> {
    let root = match (&cli.command, &cli.root) {
        (Command::Index { path: Some(path) }, _) => path.clone(),
        (_, Some(root)) => root.clone(),
        _ => discover_root(),
    };
    let mut engine = Engine::open(&root)?;
    if cli.no_cache {
        engine = engine.with_query_cache(false);
    }
    for warning in engine.config_warnings() {
        eprintln!("warning: {warning}");
    }
    let (engine, _plugin_report) = plugin::attach_plugins(engine);
    match &cli.command {
        Command::Index { .. } => {
            let report = index_with_progress(&engine, printer)?;
            print_index(&report, printer, out);
        }
        Command::Find {
            query,
            kind,
            lang,
            path,
            limit,
        } => {
            let query = query.join(" ");
            let options = FindOptions {
                kind: kind.clone().map(SymbolKind::from),
                lang: lang
                    .as_deref()
                    .map(str::parse::<Language>)
                    .transpose()
                    .map_err(|message| Error::InvalidArgument {
                        argument: "--lang".into(),
                        message,
                    })?,
                path_glob: path.clone(),
                limit: *limit,
            };
            let hits = engine.find(&query, &options)?;
            print_hits(&query, &hits, printer, out);
        }
        Command::Def { name } => {
            let symbols = engine.def(name)?;
            if printer.json {
                push_json(out, json::def(name, &symbols));
            } else if symbols.is_empty() {
                eprintln!("no definition of `{name}`");
            } else {
                for symbol in &symbols {
                    out.push_str(&printer.symbol_line(symbol));
                    out.push('\n');
                }
            }
        }
        Command::Refs { name } => {
            let references = engine.refs(name)?;
            print_refs(name, &references, printer, out);
        }
        Command::Stats { prometheus: true } => {
            out.push_str(&crate::serve::metrics::render_index(&engine.stats()?));
        }
        Command::Stats { prometheus: false } => print_stats(&engine.stats()?, printer, out),
        // Handled by `run` before the engine opens.
        Command::Serve { .. } => {}
        // Handled by `run_plugin_command` before the engine opens.
        Command::Plugin { .. } | Command::Run(_) | Command::Lint(_) => {}
    }
    Ok(())
}

/// The nearest ancestor of the working directory holding `.ax/` or `ax.toml`, else the working directory.
fn discover_root() -> PathBuf {
    let current = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    current
        .ancestors()
        .find(|dir| {
            dir.join(ax::STORE_DIR_NAME).is_dir()
                || dir.join(ax::config::CONFIG_FILE_NAME).is_file()
        })
        .map(Path::to_owned)
        .unwrap_or(current)
}

fn index_with_progress(engine: &Engine, printer: &Printer) -> Result<IndexReport, Error> {
    if printer.json || !std::io::stderr().is_terminal() {
        return engine.index();
    }
    let bar = indicatif::ProgressBar::new(0).with_message("parsing");
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} {pos}/{len} files {wide_bar}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let report = engine.index_with_progress(&|done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        // After the last file, the time goes into the tantivy commit and segment merges.
        bar.set_message(if done == total {
            "writing the index:"
        } else {
            "parsing"
        });
    });
    bar.finish_and_clear();
    report
}

fn push_json(out: &mut String, value: serde_json::Value) {
    out.push_str(&format!("{value:#}\n"));
}

fn print_index(report: &IndexReport, printer: &Printer, out: &mut String) {
    if printer.json {
        push_json(out, json::index(report));
        return;
    }
    if let Some(reason) = &report.rebuilt_reason {
        eprintln!("note: rebuilt the index from scratch: {reason}");
    }
    out.push_str(&format!(
        "indexed {} files ({} parsed, {} unchanged, {} removed): {} symbols, {} references\n",
        report.files_seen,
        report.files_parsed,
        report.files_unchanged,
        report.files_removed,
        report.symbols,
        report.references
    ));
    if !report.skipped.is_empty() {
        out.push_str(&format!("skipped {} files", report.skipped.len()));
        if printer.verbose {
            out.push_str(":\n");
            for skipped in &report.skipped {
                out.push_str(&format!("  {}: {}\n", skipped.path, skipped.reason));
            }
        } else {
            out.push_str(" (--verbose lists them)\n");
        }
    }
    if !report.files_with_syntax_errors.is_empty() {
        out.push_str(&format!(
            "{} files have syntax errors (their symbols may be partial)",
            report.files_with_syntax_errors.len()
        ));
        if printer.verbose {
            out.push_str(":\n");
            for path in &report.files_with_syntax_errors {
                out.push_str(&format!("  {path}\n"));
            }
        } else {
            out.push_str(" (--verbose lists them)\n");
        }
    }
}

fn print_hits(query: &str, hits: &[Hit], printer: &Printer, out: &mut String) {
    if printer.json {
        push_json(out, json::find(query, hits));
        return;
    }
    if hits.is_empty() {
        eprintln!("no symbol matches `{query}`");
    }
    for hit in hits {
        out.push_str(&printer.symbol_line(&hit.symbol));
        out.push('\n');
    }
}

fn print_refs(name: &str, references: &[Reference], printer: &Printer, out: &mut String) {
    if printer.json {
        push_json(out, json::refs(name, references));
        return;
    }
    if references.is_empty() {
        eprintln!("no reference to `{name}`");
    }
    for reference in references {
        out.push_str(&format!(
            "{}  {}\n",
            printer.location(&reference.path, reference.line, reference.column),
            reference.name
        ));
    }
}

fn print_stats(stats: &Stats, printer: &Printer, out: &mut String) {
    if printer.json {
        push_json(out, json::stats(stats));
        return;
    }
    out.push_str(&format!(
        "{} files, {} symbols, {} references (index generation {}, format {}, {} KiB)\n",
        stats.files,
        stats.symbols,
        stats.references,
        stats.generation,
        stats.format_version,
        stats.index_size_bytes / 1024
    ));
    for (language, counts) in &stats.languages {
        out.push_str(&format!(
            "  {language:<11} {:>6} files {:>8} symbols {:>9} references\n",
            counts.files, counts.symbols, counts.references
        ));
    }
    let kinds: Vec<String> = stats
        .kinds
        .iter()
        .map(|(kind, count)| format!("{kind} {count}"))
        .collect();
    if !kinds.is_empty() {
        out.push_str(&format!("  kinds: {}\n", kinds.join(", ")));
    }
}
