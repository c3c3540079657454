//! The results of a test run as plain data: one `BlockResult` per checked item, grouped by tutorial
//! into a `TestRun`. Input: what the kinds report; output: what `report`, `cache`, `bless` and
//! `baseline` read. No I/O here.

use crate::diagnostics::Diagnostic;
use crate::model::SourcePos;
use std::collections::BTreeMap;
use std::path::PathBuf;

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
    /// The claim's bounds (ms) by metric.
    pub limits: BTreeMap<String, f64>,
    pub measured_ms: BTreeMap<String, f64>,
    /// Every timed run (ms, sorted).
    pub samples_ms: Vec<f64>,
    /// Off-CPU time per timed run (ms, sorted): wall time minus the CPU time of the command's
    /// process tree, minus `reference_wait_ms`. The wall check compares it with the baseline's: waiting that instruction
    /// counts cannot see (a sleep, a lock, I/O), told apart from CPU the machine's load delayed.
    #[serde(default)]
    pub wait_ms: Vec<f64>,
    /// Median off-CPU time of a process that does nothing (`/bin/true`), started the same way just
    /// before each sample: what the harness and the machine's load add to any process, taken out
    /// of `wait_ms`.
    #[serde(default)]
    pub reference_wait_ms: f64,
    /// The priority the samples ran at (`timing::Priority`).
    #[serde(default)]
    pub priority: crate::doctest::timing::Priority,
    /// Why the wall check did not compare this claim (normal priority, no boosted baseline samples
    /// from this machine, `no_wall`), for the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wall_note: Option<String>,
    /// Median CPU time (user + system, whole process tree) per timed run, ms.
    #[serde(default)]
    pub cpu_ms: f64,
    /// Instructions per run (median of `instruction_runs`), when counted.
    pub instructions: Option<u64>,
    pub instruction_runs: Vec<u64>,
    /// Why there is no count (valgrind missing...).
    pub cost_note: Option<String>,
    /// Build profile of the binaries under test.
    pub profile: String,
    /// Key in `perf-baseline.json`.
    pub baseline_key: String,
    /// Whether every bound of the claim held.
    pub held: bool,
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
    /// Time spent running it (0 when cached); recorded by `--update-baseline` for `--partition`.
    #[serde(skip)]
    pub duration_ms: u64,
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
