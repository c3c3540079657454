//! Orchestration of a run: pick the tutorials, run each in its own sandbox (in parallel), then the
//! merged crate of rust blocks, then store passing results in the cache. Input: `TestOptions`;
//! output: a `TestRun`. Problems become failed results or diagnostics, never panics.

use super::extract::extract_steps;
use super::kinds::rust::{self, RustBlock};
use super::kinds::{Phase, Step};
use super::options::{RunContext, TestOptions, find_ax_binary};
use super::results::{BlockResult, Outcome, TestRun, TutorialResult};
use super::sandbox::{self, sandbox_relative};
use super::{TUTORIALS_DIR, baseline, cache};
use crate::diagnostics::Diagnostic;
use crate::model::{ParsedPage, SourcePage, SourcePos};
use crate::{build, load, parse};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// The pages to run: by default those under `tutorials/` (not section indexes); with `paths`, every
/// page under them.
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
        // By default the tutorials; named files or folders may be any pages (an imported book's
        // chapters, section pages included), so their blocks are tested too.
        .filter(|(_, p)| {
            if wanted.is_empty() {
                p.source_path.starts_with(TUTORIALS_DIR) && !p.is_section_index
            } else {
                wanted.iter().any(|w| p.source_path.starts_with(w))
            }
        })
        .collect()
}

/// A tutorial after the parallel phase: its results so far, and what is left to run in its sandbox.
struct Pending {
    result: TutorialResult,
    sandbox: Option<sandbox::Sandbox>,
    /// Steps from the first `Phase::Alone` step on, run after every other tutorial, one at a time.
    alone: Vec<Box<dyn Step>>,
    rust: Vec<RustBlock>,
}

/// Run the tutorials. Never panics on bad input: problems become failed results or diagnostics.
///
/// Three phases: every tutorial runs in parallel up to its first measurement (`Phase::Alone`); then
/// the merged crate of all rust blocks is built and run; then each tutorial that has a measurement
/// continues alone, so nothing else competes for the CPU while it is timed.
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
            ..Default::default()
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
                .with_hint("pass markdown files or folders of the site (by default: tutorials/)"),
        );
    }
    let context = RunContext {
        baseline: baseline::read_baseline(&options.root),
        baseline_tolerance: options.baseline_tolerance,
        baseline_slack_ms: options.baseline_slack_ms,
        root: options.root.clone(),
    };
    let ax_hash = cache::file_hash(&ax);
    let mut pending: Vec<Pending> = tutorials
        .par_iter()
        .map(|(index, page)| {
            let (parsed, _) =
                parse::parse_page(tree, *index, &by_source, parse::ParseOptions::default());
            start_tutorial(options, &context, &ax, &ax_hash, page, &parsed)
        })
        .collect();
    run_rust_blocks(options, &mut pending);
    for tutorial in &mut pending {
        if let Some(sandbox) = tutorial.sandbox.as_mut() {
            for step in tutorial
                .alone
                .iter()
                .filter(|s| s.phase() != Phase::SharedCrate)
            {
                tutorial.result.blocks.extend(step.run(sandbox, &context));
            }
        }
        tutorial.sandbox = None;
        tutorial.result.blocks.sort_by_key(|b| b.line);
    }
    run.tutorials = pending.into_iter().map(|t| t.result).collect();
    for tutorial in run.tutorials.iter().filter(|t| !t.cached) {
        cache::store(&options.root, tutorial);
    }
    run
}

/// Build and run every tutorial's rust blocks as one crate; results go to their tutorials.
fn run_rust_blocks(options: &TestOptions, pending: &mut [Pending]) {
    let blocks: Vec<(PathBuf, RustBlock)> = pending
        .iter()
        .flat_map(|t| t.rust.iter().map(|b| (t.result.path.clone(), b.clone())))
        .collect();
    if blocks.is_empty() {
        return;
    }
    let crate_dir = options
        .rust_crate_dir
        .clone()
        .unwrap_or_else(|| options.root.join(rust::CRATE_DIR));
    let rust = rust::RustCrate {
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
    let results = rust::run_all(&rust, &blocks);
    for tutorial in pending {
        tutorial.result.blocks.extend(
            results
                .iter()
                .filter(|r| r.path == tutorial.result.path)
                .cloned(),
        );
    }
}

/// The parallel phase of one tutorial: from the cache, or run in a new sandbox up to its first
/// measurement.
fn start_tutorial(
    options: &TestOptions,
    context: &RunContext,
    ax: &Path,
    ax_hash: &str,
    page: &SourcePage,
    parsed: &ParsedPage,
) -> Pending {
    let path = page.source_path.clone();
    let (steps, problems) = extract_steps(&parsed.code_blocks);
    let key = cache::tutorial_key(&options.root, page, ax_hash);
    let mut pending = Pending {
        result: TutorialResult {
            path: path.clone(),
            cached: false,
            blocks: Vec::new(),
            cache_key: key.clone(),
        },
        sandbox: None,
        alone: Vec::new(),
        rust: Vec::new(),
    };
    if options.use_cache
        && !options.bless
        && !options.update_baseline
        && problems.is_empty()
        && let Some(mut cached) = cache::load(&options.root, &key)
    {
        cached.cached = true;
        cached.cache_key = key;
        pending.result = cached;
        return pending;
    }
    pending.result.blocks = problems
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
    pending.rust = steps
        .iter()
        .filter_map(|s| s.as_any().downcast_ref::<RustBlock>().cloned())
        .collect();
    let mut sandbox = match prepare_sandbox(options, ax, page) {
        Ok(sandbox) => sandbox,
        Err((name, message)) => {
            let pos = SourcePos {
                path,
                line: 1,
                col: 1,
            };
            pending.result.blocks.push(BlockResult::new(
                &pos,
                "tutorial",
                name,
                Outcome::failed(message),
            ));
            return pending;
        }
    };
    let mut steps = steps.into_iter();
    for step in steps.by_ref() {
        match step.phase() {
            Phase::InOrder => pending
                .result
                .blocks
                .extend(step.run(&mut sandbox, context)),
            Phase::SharedCrate => {}
            Phase::Alone => {
                pending.alone.push(step);
                break;
            }
        }
    }
    pending.alone.extend(steps);
    pending.sandbox = Some(sandbox);
    pending
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
        let copied = if sandbox_relative(fixture).is_none() || !source.is_dir() {
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
        let copied = if sandbox_relative(plugin).is_none() || !source.is_dir() {
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
