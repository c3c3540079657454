//! `tutorials/perf-baseline.json`: the committed perf figures claims are compared with, read at the
//! start of a run and rewritten by `--update-baseline`. Input: the site root and a run; output: the
//! baseline map or the rewritten file.

use super::results::TestRun;
use std::collections::BTreeMap;
use std::path::Path;

/// Committed performance baseline, relative to the site root.
pub const BASELINE_FILE: &str = "tutorials/perf-baseline.json";

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
    super::atomic::write_atomic(&root.join(BASELINE_FILE), (text + "\n").as_bytes())?;
    Ok(updated)
}
