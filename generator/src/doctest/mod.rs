//! `docgen test`: run every tutorial's code blocks against the real `ax` and check their output and
//! performance claims. Input: test options (the site root, tutorials to run); output: a `TestRun` with
//! one result per checked item, ready for `report`.
//!
//! `extract` turns code blocks into steps (pure); `kinds/` runs one kind of step each; `sandbox` is the
//! only part that starts processes; `cache` skips unchanged tutorials; `bless` rewrites expected output.

pub mod atomic;
pub mod bless;
pub mod cache;
pub mod extract;
pub mod kinds;
pub mod matcher;
pub mod report;
pub mod sandbox;

use crate::diagnostics::Diagnostic;
use crate::model::{ParsedPage, SourcePage, SourcePos};
use crate::{build, load, parse};
use extract::Step;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The folder (under the site root) whose pages are tutorials, and where their fixtures live.
pub const TUTORIALS_DIR: &str = "tutorials";
/// Committed performance baseline, relative to the site root.
pub const BASELINE_FILE: &str = "tutorials/perf-baseline.json";
/// Results of the last run, read by `docgen build` to show measured figures next to claims.
pub const LAST_RESULTS_FILE: &str = ".docgen/last-test.json";

/// What `docgen test` was asked to do.
#[derive(Debug, Clone)]
pub struct TestOptions {
    pub root: PathBuf,
    /// Tutorials to run (files under `tutorials/`); empty means all.
    pub paths: Vec<PathBuf>,
    /// The `ax` binary to put first on PATH; default: found next to the running executable.
    pub ax_binary: Option<PathBuf>,
    pub use_cache: bool,
    pub bless: bool,
    pub update_baseline: bool,
    pub timeout: Duration,
    /// Allowed slowdown against the baseline: fail when `measured > baseline * tolerance + slack_ms`.
    pub baseline_tolerance: f64,
    pub baseline_slack_ms: f64,
    /// Where the merged crate of rust blocks is generated [default: ROOT/target/docgen-rust-blocks].
    pub rust_crate_dir: Option<PathBuf>,
    /// Cargo target dir for that crate [default: its `target/`]; share it to reuse compiled deps.
    pub rust_target_dir: Option<PathBuf>,
    /// The `ax` crate rust blocks link against [default: ROOT/engine].
    pub ax_crate: Option<PathBuf>,
}

impl TestOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        TestOptions {
            root: root.into(),
            paths: Vec::new(),
            ax_binary: None,
            use_cache: true,
            bless: false,
            update_baseline: false,
            timeout: Duration::from_secs(60),
            // Generous on purpose: CI machines are shared and noisy, so only a clear regression fails.
            baseline_tolerance: 3.0,
            baseline_slack_ms: 20.0,
            rust_crate_dir: None,
            rust_target_dir: None,
            ax_crate: None,
        }
    }
}

/// What happened to one checked item.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Outcome {
    Passed,
    Failed {
        message: String,
        diff: Option<String>,
    },
    Skipped {
        reason: String,
    },
}

impl Outcome {
    pub fn failed(message: impl Into<String>) -> Outcome {
        Outcome::Failed {
            message: message.into(),
            diff: None,
        }
    }
}

/// A rewrite of expected output for `--bless`: file lines `[start, end)` become `replacement`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BlessEdit {
    pub path: PathBuf,
    pub lines: (usize, usize),
    pub replacement: String,
}

/// What a perf block measured.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PerfMeasurement {
    pub command: String,
    pub runs: u32,
    pub limits: BTreeMap<String, f64>,
    pub measured_ms: BTreeMap<String, f64>,
    /// Metric → key in `perf-baseline.json`.
    pub baseline_keys: BTreeMap<String, String>,
}

/// The result of one checked item (a console command, a file, a perf claim, a rust block).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BlockResult {
    pub path: PathBuf,
    pub line: usize,
    /// `console`, `file`, `perf`, `rust`, `skipped`, `tutorial`.
    pub kind: String,
    /// The command, file path or block name.
    pub name: String,
    #[serde(flatten)]
    pub outcome: Outcome,
    #[serde(skip)]
    pub bless: Option<BlessEdit>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub perf: Option<PerfMeasurement>,
}

impl BlockResult {
    pub fn new(pos: &SourcePos, kind: &'static str, name: String, outcome: Outcome) -> Self {
        BlockResult {
            path: pos.path.clone(),
            line: pos.line,
            kind: kind.to_owned(),
            name,
            outcome,
            bless: None,
            perf: None,
        }
    }
}

/// One tutorial's results.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TutorialResult {
    pub path: PathBuf,
    /// True when the results came from the cache instead of a run.
    pub cached: bool,
    pub blocks: Vec<BlockResult>,
    /// Hash of everything the result depends on (see `cache`).
    #[serde(skip)]
    pub cache_key: String,
}

/// A whole run.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct TestRun {
    pub tutorials: Vec<TutorialResult>,
    /// Problems that stopped tutorials from running at all (bad front matter, missing `ax`...).
    #[serde(skip)]
    pub diagnostics: Vec<Diagnostic>,
}

impl TestRun {
    /// `(passed, failed, skipped)` over all checked items; each diagnostic counts as a failure.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut counts = (
            0,
            self.diagnostics.iter().filter(|d| d.is_error()).count(),
            0,
        );
        for block in self.tutorials.iter().flat_map(|t| &t.blocks) {
            match block.outcome {
                Outcome::Passed => counts.0 += 1,
                Outcome::Failed { .. } => counts.1 += 1,
                Outcome::Skipped { .. } => counts.2 += 1,
            }
        }
        counts
    }

    pub fn success(&self) -> bool {
        self.counts().1 == 0
    }
}

/// Settings shared by every step of a run.
pub struct RunContext {
    pub baseline: BTreeMap<String, f64>,
    pub baseline_tolerance: f64,
    pub baseline_slack_ms: f64,
    pub root: PathBuf,
}

/// The tutorials to run: pages under `tutorials/` (not section indexes), filtered by `paths`.
fn select_tutorials<'a>(
    pages: &'a [SourcePage],
    paths: &[PathBuf],
    root: &Path,
) -> Vec<(usize, &'a SourcePage)> {
    let wanted: Vec<PathBuf> = paths
        .iter()
        .map(|p| {
            let absolute = if p.is_absolute() {
                p.clone()
            } else {
                std::env::current_dir().unwrap_or_default().join(p)
            };
            let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
            absolute
                .canonicalize()
                .unwrap_or(absolute)
                .strip_prefix(&root)
                .map(Path::to_path_buf)
                .unwrap_or_else(|_| p.clone())
        })
        .collect();
    pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.source_path.starts_with(TUTORIALS_DIR) && !p.is_section_index)
        .filter(|(_, p)| wanted.is_empty() || wanted.iter().any(|w| p.source_path.starts_with(w)))
        .collect()
}

/// Find the `ax` binary: the option, `DOCGEN_AX`, next to this executable (also from `deps/`), or PATH.
pub fn find_ax_binary(explicit: Option<&Path>) -> Result<PathBuf, Diagnostic> {
    if let Some(p) = explicit {
        return if p.is_file() {
            Ok(p.to_path_buf())
        } else {
            Err(Diagnostic::error(p, 0, 0, "no `ax` binary here"))
        };
    }
    if let Some(p) = std::env::var_os("DOCGEN_AX")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
    {
        return Ok(p);
    }
    if let Ok(exe) = std::env::current_exe() {
        for dir in exe.ancestors().skip(1).take(2) {
            let candidate = dir.join(format!("ax{}", std::env::consts::EXE_SUFFIX));
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    Err(Diagnostic::error("", 0, 0, "cannot find the `ax` binary")
        .with_hint("build it first (`cargo build -p ax`), or pass --ax PATH / set DOCGEN_AX"))
}

/// Run the tutorials. Never panics on bad input: problems become failed results or diagnostics.
pub fn run_tests(options: &TestOptions) -> TestRun {
    let mut run = TestRun::default();
    let ax = match find_ax_binary(options.ax_binary.as_deref()) {
        Ok(ax) => ax,
        Err(e) => {
            run.diagnostics.push(e);
            return run;
        }
    };
    let (config, warnings) = match build::read_config(&options.root) {
        Ok(c) => c,
        Err(e) => {
            run.diagnostics.push(e);
            return run;
        }
    };
    run.diagnostics.extend(warnings);
    let (sources, problems) = load::load_site(
        &options.root,
        &config,
        &load::LoadOptions {
            include_drafts: true,
        },
    );
    run.diagnostics.extend(
        problems
            .into_iter()
            .filter(|d| d.path.starts_with(TUTORIALS_DIR) || d.path.as_os_str().is_empty()),
    );
    let tree = &sources.tree;
    let by_source = parse::page_by_source(tree);
    let tutorials = select_tutorials(&tree.pages, &options.paths, &options.root);
    if tutorials.is_empty() && !options.paths.is_empty() {
        let list = options
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        run.diagnostics.push(
            Diagnostic::error("", 0, 0, format!("no tutorial matches {list}"))
                .with_hint("pass files or folders under tutorials/"),
        );
    }
    let context = RunContext {
        baseline: read_baseline(&options.root),
        baseline_tolerance: options.baseline_tolerance,
        baseline_slack_ms: options.baseline_slack_ms,
        root: options.root.clone(),
    };
    let ax_hash = cache::file_hash(&ax);
    let mut results: Vec<(TutorialResult, Vec<Step>)> = tutorials
        .par_iter()
        .map(|(index, page)| {
            let (parsed, _) =
                parse::parse_page(tree, *index, &by_source, parse::ParseOptions::default());
            run_tutorial(options, &context, &ax, &ax_hash, page, &parsed)
        })
        .collect();
    let rust_blocks: Vec<(PathBuf, extract::RustBlock)> = results
        .iter()
        .flat_map(|(t, steps)| {
            steps.iter().filter_map(move |s| match s {
                Step::Rust(b) if !t.cached => Some((t.path.clone(), b.clone())),
                _ => None,
            })
        })
        .collect();
    if !rust_blocks.is_empty() {
        let crate_dir = options
            .rust_crate_dir
            .clone()
            .unwrap_or_else(|| options.root.join(kinds::rust::CRATE_DIR));
        let rust = kinds::rust::RustCrate {
            target_dir: options
                .rust_target_dir
                .clone()
                .unwrap_or_else(|| crate_dir.join("target")),
            ax_crate: options
                .ax_crate
                .clone()
                .unwrap_or_else(|| options.root.join("engine")),
            lock_file: options.root.join("Cargo.lock"),
            dir: crate_dir,
        };
        let rust_results = kinds::rust::run_all(&rust, &rust_blocks);
        for (tutorial, _) in &mut results {
            tutorial.blocks.extend(
                rust_results
                    .iter()
                    .filter(|r| r.path == tutorial.path)
                    .cloned(),
            );
            tutorial.blocks.sort_by_key(|b| b.line);
        }
    }
    run.tutorials = results.into_iter().map(|(t, _)| t).collect();
    for tutorial in run.tutorials.iter().filter(|t| !t.cached) {
        cache::store(&options.root, tutorial);
    }
    run
}

fn run_tutorial(
    options: &TestOptions,
    context: &RunContext,
    ax: &Path,
    ax_hash: &str,
    page: &SourcePage,
    parsed: &ParsedPage,
) -> (TutorialResult, Vec<Step>) {
    let path = page.source_path.clone();
    let (steps, problems) = extract::extract_steps(&parsed.code_blocks);
    let key = cache::tutorial_key(&options.root, page, ax_hash);
    if options.use_cache
        && !options.bless
        && !options.update_baseline
        && problems.is_empty()
        && let Some(mut cached) = cache::load(&options.root, &key)
    {
        cached.cached = true;
        cached.cache_key = key;
        return (cached, steps);
    }
    let mut blocks: Vec<BlockResult> = problems
        .iter()
        .map(|d| {
            BlockResult::new(
                &SourcePos {
                    path: d.path.clone(),
                    line: d.line,
                    col: d.col,
                },
                "tutorial",
                String::new(),
                Outcome::failed(d.message.clone()),
            )
        })
        .collect();
    let mut sandbox = match prepare_sandbox(options, ax, page) {
        Ok(sandbox) => sandbox,
        Err((name, message)) => {
            let pos = SourcePos {
                path: path.clone(),
                line: 1,
                col: 1,
            };
            blocks.push(BlockResult::new(
                &pos,
                "tutorial",
                name,
                Outcome::failed(message),
            ));
            return (
                TutorialResult {
                    path,
                    cached: false,
                    blocks,
                    cache_key: key,
                },
                steps,
            );
        }
    };
    for step in &steps {
        blocks.extend(kinds::run_step(step, &mut sandbox, context));
    }
    (
        TutorialResult {
            path,
            cached: false,
            blocks,
            cache_key: key,
        },
        steps,
    )
}

/// A fresh sandbox with the tutorial's fixtures copied in, or `(what, why)` it could not be made.
fn prepare_sandbox(
    options: &TestOptions,
    ax: &Path,
    page: &SourcePage,
) -> Result<sandbox::Sandbox, (String, String)> {
    let sandbox = sandbox::Sandbox::new(ax, options.timeout)
        .map_err(|e| (String::new(), format!("cannot create sandbox: {e}")))?;
    for fixture in &page.front_matter.fixtures {
        let source = options
            .root
            .join(TUTORIALS_DIR)
            .join("fixtures")
            .join(fixture);
        let copied = if extract::sandbox_relative(fixture).is_none() || !source.is_dir() {
            Err(std::io::Error::other(format!(
                "no fixture folder tutorials/fixtures/{fixture}"
            )))
        } else {
            sandbox.copy_fixture(&source, fixture)
        };
        copied.map_err(|e| (fixture.clone(), format!("fixture `{fixture}`: {e}")))?;
    }
    for plugin in &page.front_matter.plugins {
        let source = options.root.join("plugins").join(plugin);
        let copied = if extract::sandbox_relative(plugin).is_none() || !source.is_dir() {
            Err(std::io::Error::other(format!(
                "no plugin folder plugins/{plugin}"
            )))
        } else {
            sandbox.copy_fixture(&source, &format!("plugins/{plugin}"))
        };
        copied.map_err(|e| (plugin.clone(), format!("plugin `{plugin}`: {e}")))?;
    }
    Ok(sandbox)
}

/// `tutorials/perf-baseline.json`: `{ "path :: command :: metric": ms }`; empty when absent or unreadable.
pub fn read_baseline(root: &Path) -> BTreeMap<String, f64> {
    std::fs::read_to_string(root.join(BASELINE_FILE))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// Rewrite the baseline with this run's measurements (other entries are kept).
pub fn update_baseline(root: &Path, run: &TestRun) -> std::io::Result<usize> {
    let mut baseline = read_baseline(root);
    let mut updated = 0;
    for perf in run
        .tutorials
        .iter()
        .flat_map(|t| &t.blocks)
        .filter_map(|b| b.perf.as_ref())
    {
        for (metric, key) in &perf.baseline_keys {
            if let Some(value) = perf.measured_ms.get(metric) {
                baseline.insert(key.clone(), (value * 100.0).round() / 100.0);
                updated += 1;
            }
        }
    }
    let text = serde_json::to_string_pretty(&baseline).map_err(std::io::Error::other)?;
    atomic::write_atomic(&root.join(BASELINE_FILE), (text + "\n").as_bytes())?;
    Ok(updated)
}

/// Save this run's results for `docgen build` (measured figures next to claims).
pub fn save_last_results(root: &Path, run: &TestRun) -> std::io::Result<()> {
    let path = root.join(LAST_RESULTS_FILE);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    atomic::write_atomic(&path, report::json(run).as_bytes())
}
