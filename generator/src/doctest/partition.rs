//! CI matrices: `--partition K/N` picks a stable, balanced share of the tutorials (by the durations
//! recorded in the baseline when known), and `--merge-reports` combines the JSON reports of all
//! partitions into one run for any report format. Input: tutorial paths and durations, or report
//! texts; output: the share to run, or the merged run. Pure.

use super::results::{TestRun, TutorialResult};
use crate::diagnostics::Diagnostic;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `K/N` with 1 ≤ K ≤ N.
pub fn parse_partition(text: &str) -> Result<(usize, usize), String> {
    let parsed = text
        .split_once('/')
        .and_then(|(k, n)| Some((k.trim().parse().ok()?, n.trim().parse().ok()?)));
    match parsed {
        Some((k, n)) if k >= 1 && k <= n => Ok((k, n)),
        _ => Err(format!(
            "--partition {text}: expected K/N with 1 <= K <= N, e.g. 2/4"
        )),
    }
}

/// The tutorials of partition `k` of `n` (1-based). Longest first, each to the partition with the
/// least recorded time so far (ties: the lower partition); a tutorial without a recorded duration
/// counts as the median of the known ones (1 when none is known, which balances by count). Every
/// tutorial lands in exactly one partition, and the split depends only on the paths and durations.
pub fn partition(
    paths: &[PathBuf],
    durations_ms: &BTreeMap<String, u64>,
    k: usize,
    n: usize,
) -> Vec<PathBuf> {
    let key = |p: &Path| p.display().to_string();
    let mut known: Vec<u64> = paths
        .iter()
        .filter_map(|p| durations_ms.get(&key(p)).copied())
        .collect();
    known.sort_unstable();
    let fallback = known.get(known.len() / 2).copied().unwrap_or(1).max(1);
    let mut weighted: Vec<(u64, &PathBuf)> = paths
        .iter()
        .map(|p| {
            (
                durations_ms
                    .get(&key(p))
                    .copied()
                    .unwrap_or(fallback)
                    .max(1),
                p,
            )
        })
        .collect();
    weighted.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let mut loads = vec![0u64; n.max(1)];
    let mut mine = Vec::new();
    for (weight, path) in weighted {
        let target = (0..loads.len()).min_by_key(|&i| (loads[i], i)).unwrap_or(0);
        loads[target] += weight;
        if target + 1 == k {
            mine.push(path.clone());
        }
    }
    mine.sort();
    mine
}

/// The JSON report's shape, read back.
#[derive(serde::Deserialize)]
struct JsonReport {
    tutorials: Vec<TutorialResult>,
    #[serde(default)]
    errors: Vec<String>,
}

/// Merge the JSON reports (`docgen test --format json`) of every partition into one run, tutorials
/// sorted by path. A report that does not parse is an error naming its file.
pub fn merge_reports(reports: &[(PathBuf, String)]) -> Result<TestRun, Diagnostic> {
    let mut run = TestRun::default();
    for (path, text) in reports {
        let report: JsonReport = serde_json::from_str(text).map_err(|e| {
            Diagnostic::error(
                path,
                e.line(),
                e.column(),
                format!("not a docgen test JSON report: {e}"),
            )
            .with_hint("write each partition's report with `docgen test --format json`")
        })?;
        run.tutorials.extend(report.tutorials);
        run.diagnostics.extend(
            report
                .errors
                .into_iter()
                .map(|e| Diagnostic::error(path, 0, 0, e)),
        );
    }
    run.tutorials.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(n: usize) -> Vec<PathBuf> {
        (0..n)
            .map(|i| PathBuf::from(format!("tutorials/{i:02}.md")))
            .collect()
    }

    #[test]
    fn every_tutorial_lands_in_exactly_one_partition() {
        let all = paths(23);
        let mut seen: Vec<PathBuf> = (1..=4)
            .flat_map(|k| partition(&all, &BTreeMap::new(), k, 4))
            .collect();
        seen.sort();
        assert_eq!(seen, all);
        let sizes: Vec<usize> = (1..=4)
            .map(|k| partition(&all, &BTreeMap::new(), k, 4).len())
            .collect();
        assert_eq!(sizes, [6, 6, 6, 5]);
    }

    #[test]
    fn recorded_durations_balance_the_time() {
        let all = paths(5);
        let durations: BTreeMap<String, u64> = [(0, 900), (1, 300), (2, 300), (3, 200), (4, 100)]
            .into_iter()
            .map(|(i, ms)| (format!("tutorials/{i:02}.md"), ms))
            .collect();
        assert_eq!(
            partition(&all, &durations, 1, 2),
            [PathBuf::from("tutorials/00.md")]
        );
        assert_eq!(partition(&all, &durations, 2, 2).len(), 4);
        // Stable: the same input gives the same split.
        assert_eq!(
            partition(&all, &durations, 2, 2),
            partition(&all, &durations, 2, 2)
        );
    }

    #[test]
    fn bad_partitions_are_errors() {
        assert_eq!(parse_partition("2/4"), Ok((2, 4)));
        for bad in ["0/4", "5/4", "x", "1/0", "2"] {
            assert!(parse_partition(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_broken_report_names_its_file() {
        let err = merge_reports(&[("part-2.json".into(), "{".into())]).unwrap_err();
        assert_eq!(err.path, Path::new("part-2.json"));
    }
}
