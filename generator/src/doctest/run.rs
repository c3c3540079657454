//! Orchestration of a run: pick the tutorials, run each in its own sandbox (in parallel), then the
//! merged crate of rust blocks, then store passing results in the cache. Input: `TestOptions`;
//! output: a `TestRun`. Problems become failed results or diagnostics, never panics.

use super::extract::extract_steps;
use super::kinds::rust::{self, RustBlock};
use super::kinds::{Phase, Step};
use super::options::{RunContext, TestOptions, find_ax_binary};
use super::results::{BlockResult, Outcome, TestRun, TutorialResult};
use super::sandbox::{self, sandbox_relative};
use super::{TUTORIALS_DIR, baseline, cache, partition, tutorial_folders};
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
    let (config, warnings) = match build::read_config(&options.root) {
        Ok(c) => c,
        Err(e) => {
            run.diagnostics.push(e);
            return run;
        }
    };
    let bin_dirs = match tool_folders(options, &config.test) {
        Ok(dirs) => dirs,
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
    let baseline = baseline::read_baseline(&options.root).unwrap_or_else(|d| {
        run.diagnostics.push(d);
        Default::default()
    });
    let mut tutorials = select_tutorials(&tree.pages, &options.paths, &options.root);
    if let Some((k, n)) = options.partition {
        let all: Vec<PathBuf> = tutorials
            .iter()
            .map(|(_, p)| p.source_path.clone())
            .collect();
        let share = partition::partition(&all, &baseline.durations_ms, k, n);
        tutorials.retain(|(_, p)| share.contains(&p.source_path));
    }
    if tutorials.is_empty() && !options.paths.is_empty() && options.partition.is_none() {
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
        baseline,
        cost_tolerance: options.cost_tolerance,
        wall_min_effect_ms: options.wall_min_effect_ms,
        wall_min_effect: options.wall_min_effect,
        wall_alpha: options.wall_alpha,
        require_cost: options.require_cost,
        wall_check: options.wall_check,
        cost_check: options.cost_check,
        record: options.update_baseline,
        profile: build_profile(&bin_dirs),
        machine: baseline::machine_id(),
        priority: super::timing::Priority::available(),
        root: options.root.clone(),
    };
    if let Some(command) = &config.test.build
        && let Err(message) = sandbox::run_build_command(&options.root, command)
    {
        run.diagnostics.push(
            Diagnostic::error(
                "docgen.toml",
                0,
                0,
                format!("[test] build failed: {message}"),
            )
            .with_hint("fix the build, or the `build` command in docgen.toml's [test]"),
        );
        return run;
    }
    let tools_hash = cache::tools_hash(&bin_dirs);
    let rust_dependencies = config.test.rust.dependencies.clone();
    let mut pending: Vec<Pending> = tutorials
        .par_iter()
        .map(|(index, page)| {
            let (parsed, _) =
                parse::parse_page(tree, *index, &by_source, parse::ParseOptions::default());
            start_tutorial(options, &context, &bin_dirs, &tools_hash, page, &parsed)
        })
        .collect();
    run_rust_blocks(options, rust_dependencies, &mut pending);
    for tutorial in &mut pending {
        if let Some(sandbox) = tutorial.sandbox.as_mut() {
            let started = std::time::Instant::now();
            for step in tutorial
                .alone
                .iter()
                .filter(|s| s.phase() != Phase::SharedCrate)
            {
                tutorial.result.blocks.extend(step.run(sandbox, &context));
            }
            tutorial.result.duration_ms += started.elapsed().as_millis() as u64;
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

/// Folders put first on the sandbox's PATH (see `default_tool_folders` when `[test] path` is not
/// set); an explicit `--ax` that is not a file is an error.
fn tool_folders(
    options: &TestOptions,
    test: &crate::config::TestConfig,
) -> Result<Vec<PathBuf>, Diagnostic> {
    if !test.path.is_empty() {
        return Ok(test
            .path
            .iter()
            .map(|p| absolute(options.root.join(p)))
            .collect());
    }
    let ax = match find_ax_binary(options.ax_binary.as_deref()) {
        Ok(ax) => Some(ax),
        Err(e) if options.ax_binary.is_some() => return Err(e),
        Err(_) => None,
    };
    Ok(default_tool_folders(&options.root, ax))
}

/// Without `[test] path`: the folder of the `ax` binary when one is given or found (`--ax`,
/// `DOCGEN_AX`, next to docgen: this repository's default); else, for a Cargo project (a
/// `Cargo.toml` beside `docgen.toml`), `target/debug`, where `cargo build` puts its binaries; else
/// nothing but the system folders (`/usr/local/bin`, `/usr/bin`, `/bin`). Absolute: commands run
/// with the sandbox as their working folder.
fn default_tool_folders(root: &Path, ax: Option<PathBuf>) -> Vec<PathBuf> {
    if let Some(ax) = ax {
        return vec![
            absolute(ax)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
        ];
    }
    if root.join("Cargo.toml").is_file() {
        return vec![absolute(root.join("target").join("debug"))];
    }
    Vec::new()
}

/// `path` made absolute against the current folder (as given if that fails: no current folder).
fn absolute(path: PathBuf) -> PathBuf {
    std::path::absolute(&path).unwrap_or(path)
}

/// The build profile of the binaries under test: the name of the first PATH folder (`debug`,
/// `release`), since instruction counts only compare between builds of one profile.
fn build_profile(bin_dirs: &[PathBuf]) -> String {
    bin_dirs.first().and_then(|d| d.file_name()).map_or_else(
        || "unknown".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Build and run every tutorial's rust blocks as one crate; results go to their tutorials.
fn run_rust_blocks(
    options: &TestOptions,
    dependencies: Option<toml::Table>,
    pending: &mut [Pending],
) {
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
    let scratch = tempfile::Builder::new()
        .prefix("docgen-rust-blocks-")
        .tempdir();
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
        dependencies,
        root: options.root.clone(),
        timeout: options.timeout,
        tmp_dir: scratch
            .as_ref()
            .map_or_else(|_| std::env::temp_dir(), |dir| dir.path().to_path_buf()),
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
    bin_dirs: &[PathBuf],
    tools_hash: &str,
    page: &SourcePage,
    parsed: &ParsedPage,
) -> Pending {
    let path = page.source_path.clone();
    let (steps, problems) = extract_steps(&parsed.code_blocks);
    let key = cache::tutorial_key(&options.root, page, tools_hash);
    let mut pending = Pending {
        result: TutorialResult {
            path: path.clone(),
            cached: false,
            blocks: Vec::new(),
            cache_key: key.clone(),
            duration_ms: 0,
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
    let mut sandbox = match prepare_sandbox(options, bin_dirs, page) {
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
    let started = std::time::Instant::now();
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
    pending.result.duration_ms = started.elapsed().as_millis() as u64;
    pending.sandbox = Some(sandbox);
    pending
}

/// A fresh sandbox with the tutorial's fixtures copied in, or `(what, why)` it could not be made.
fn prepare_sandbox(
    options: &TestOptions,
    bin_dirs: &[PathBuf],
    page: &SourcePage,
) -> Result<sandbox::Sandbox, (String, String)> {
    let sandbox = sandbox::Sandbox::with_path(bin_dirs, options.timeout)
        .map_err(|e| (String::new(), format!("cannot create sandbox: {e}")))?;
    for folder in tutorial_folders(page) {
        let source = options.root.join(&folder.source);
        let copied = if sandbox_relative(&folder.name).is_none() || !source.is_dir() {
            Err(std::io::Error::other(format!(
                "no {} folder {}",
                folder.kind,
                folder.source.display()
            )))
        } else {
            sandbox.copy_fixture(&source, &folder.in_sandbox)
        };
        copied.map_err(|e| {
            let message = format!("{} `{}`: {e}", folder.kind, folder.name);
            (folder.name, message)
        })?;
    }
    Ok(sandbox)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_test_path_a_cargo_project_runs_its_debug_binaries_and_others_the_system_path() {
        let site = tempfile::tempdir().unwrap();
        // Not a Cargo project and no `ax`: the system folders only (no error about `ax`).
        assert_eq!(
            default_tool_folders(site.path(), None),
            Vec::<PathBuf>::new()
        );
        std::fs::write(site.path().join("Cargo.toml"), "[package]\n").unwrap();
        assert_eq!(
            default_tool_folders(site.path(), None),
            [site.path().join("target/debug")]
        );
        // An `ax` given or found (this repository) comes first.
        let ax = site.path().join("bin/ax");
        assert_eq!(
            default_tool_folders(site.path(), Some(ax)),
            [site.path().join("bin")]
        );
    }

    #[test]
    fn test_path_wins_and_a_missing_explicit_ax_is_an_error() {
        let site = tempfile::tempdir().unwrap();
        let mut options = TestOptions::new(site.path());
        let configured = crate::config::TestConfig {
            path: vec!["tools".into()],
            ..Default::default()
        };
        assert_eq!(
            tool_folders(&options, &configured).unwrap(),
            [site.path().join("tools")]
        );
        options.ax_binary = Some(site.path().join("no-such-ax"));
        let error = tool_folders(&options, &crate::config::TestConfig::default()).unwrap_err();
        assert!(error.message.contains("no `ax` binary"), "{error:?}");
    }
}
