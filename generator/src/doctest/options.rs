//! What a `docgen test` run is asked to do (`TestOptions`), the settings every step shares
//! (`RunContext`) and where the `ax` binary under test comes from. Input: CLI or test settings;
//! output: plain settings. No processes are started here.

use crate::diagnostics::Diagnostic;
use crate::model::PerfBaseline;
use std::path::{Path, PathBuf};
use std::time::Duration;

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
    /// Allowed growth of instructions per run against the baseline, as a fraction (0.02 = 2%).
    pub cost_tolerance: f64,
    /// Wall check: the off-CPU samples must be shifted above the baseline's (Hodges-Lehmann) by at
    /// least `wall_min_effect_ms` and by `wall_min_effect` times the baseline's median wall time,
    /// and Mann-Whitney be significant at `wall_alpha`, to fail.
    pub wall_min_effect_ms: f64,
    pub wall_min_effect: f64,
    pub wall_alpha: f64,
    /// Fail a claim that has no instruction count or no baseline count (CI sets this).
    pub require_cost: bool,
    /// Compare instruction counts with the baseline and fail beyond the tolerance (on by default;
    /// `--no-cost-check`).
    pub cost_check: bool,
    /// Compare the samples' off-CPU time with the baseline's (same machine, boosted samples only;
    /// on by default, `--no-wall-check`).
    pub wall_check: bool,
    /// `--partition K/N`: run only share K of N (1-based), see `partition`.
    pub partition: Option<(usize, usize)>,
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
            // Counts of 21 of the 23 claims vary by at most 0.11% between full runs of an unchanged
            // tree (docs/performance.md); 2% leaves a wide margin and stays well under 10%.
            cost_tolerance: 0.02,
            // Net off-CPU time of boosted samples on the loaded 2-core machine shifted by up to
            // +7.2 ms over the baseline in 3 full runs of the unchanged tree (docs/performance.md,
            // "The wall check"); a 15 ms sleep shifts it by about 15 ms.
            wall_min_effect_ms: 10.0,
            wall_min_effect: 0.25,
            wall_alpha: 0.001,
            require_cost: false,
            wall_check: true,
            cost_check: true,
            partition: None,
            rust_crate_dir: None,
            rust_target_dir: None,
            ax_crate: None,
        }
    }
}

/// Settings shared by every step of a run.
pub struct RunContext {
    pub baseline: PerfBaseline,
    pub cost_tolerance: f64,
    pub wall_min_effect_ms: f64,
    pub wall_min_effect: f64,
    pub wall_alpha: f64,
    pub require_cost: bool,
    pub wall_check: bool,
    pub cost_check: bool,
    /// Build profile of the binaries under test (the folder `ax` is in: `debug`, `release`).
    pub profile: String,
    /// `baseline::machine_id()`.
    pub machine: String,
    /// The priority perf samples get in this run (`Priority::available()`).
    pub priority: crate::doctest::timing::Priority,
    pub root: PathBuf,
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
