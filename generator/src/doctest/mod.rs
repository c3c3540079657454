//! `docgen test`: run every tutorial's code blocks against the real `ax` and check their output and
//! performance claims. Input: test options (the site root, tutorials to run); output: a `TestRun` with
//! one result per checked item, ready for `report`.
//!
//! One job per file: `options` (what to run), `run` (orchestration), `extract` (blocks to steps, a
//! table lookup), `kinds/` (one file per block kind: its parse and its run), `sandbox` (the only part
//! that starts processes), `timing` (CPU time of a command's process tree), `matcher` (expected vs actual output), `results` (plain result data),
//! `partition` (CI matrix shares and merged reports), `baseline` (perf-baseline.json), `stats` (percentiles, Mann-Whitney), `cache`, `bless` and `report`.

pub mod atomic;
pub mod baseline;
pub mod bless;
pub mod cache;
pub mod extract;
pub mod kinds;
pub mod matcher;
pub mod options;
pub mod partition;
mod reaper;
pub mod report;
pub mod results;
pub mod run;
pub mod sandbox;
pub mod stats;
pub mod timing;

pub use baseline::{BASELINE_FILE, read_baseline, update_baseline};
pub use options::{RunContext, TestOptions, find_ax_binary};
pub use report::{LAST_RESULTS_FILE, save_last_results};
pub use results::{BlessEdit, BlockResult, Outcome, PerfMeasurement, TestRun, TutorialResult};
pub use run::run_tests;

/// The folder (under the site root) whose pages are tutorials, and where their fixtures live.
pub const TUTORIALS_DIR: &str = "tutorials";

/// A folder a tutorial's front matter asks for: a fixture (`fixtures = [...]`) or a catalog plugin
/// (`plugins = [...]`). `run` copies it into the sandbox; `cache` hashes it into the tutorial's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TutorialFolder {
    /// `fixture` or `plugin`, for messages.
    pub kind: &'static str,
    /// The name the front matter gives.
    pub name: String,
    /// The folder relative to the site root (`tutorials/fixtures/NAME`, `plugins/NAME`).
    pub source: std::path::PathBuf,
    /// Where it goes in the sandbox (`NAME`, `plugins/NAME`).
    pub in_sandbox: String,
}

/// The fixtures, then the plugins, a tutorial lists, in front-matter order.
pub fn tutorial_folders(page: &crate::model::SourcePage) -> Vec<TutorialFolder> {
    let fixtures = page
        .front_matter
        .fixtures
        .iter()
        .map(|name| TutorialFolder {
            kind: "fixture",
            name: name.clone(),
            source: std::path::Path::new(TUTORIALS_DIR)
                .join("fixtures")
                .join(name),
            in_sandbox: name.clone(),
        });
    let plugins = page.front_matter.plugins.iter().map(|name| TutorialFolder {
        kind: "plugin",
        name: name.clone(),
        source: std::path::Path::new(crate::load::CATALOG_DIR).join(name),
        in_sandbox: format!("{}/{name}", crate::load::CATALOG_DIR),
    });
    fixtures.chain(plugins).collect()
}
