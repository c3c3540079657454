//! Reports of a test run: a human diff with `path:line`, JSON (stable schema), JUnit XML and GitHub
//! annotations, each ending with the counts. Input: a `TestRun`; output: text.

use super::baseline::utc_date;
use super::results::{Outcome, TestRun};
use crate::model::{LastTestVerdicts, TutorialVerdict};
use std::path::Path;

/// Results of the last run, read by `docgen build` to show measured figures next to claims.
pub const LAST_RESULTS_FILE: &str = ".docgen/last-test.json";
use crate::html::escape_xml;

/// The closing line: `N passed, N failed, N skipped`.
pub fn summary_line(run: &TestRun) -> String {
    let (passed, failed, skipped) = run.counts();
    format!("{passed} passed, {failed} failed, {skipped} skipped")
}

/// Human report: one line per tutorial, details and diffs for failures, then the summary.
pub fn human(run: &TestRun, color: bool) -> String {
    let (red, green, dim, reset) = if color {
        ("\x1b[31m", "\x1b[32m", "\x1b[2m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    let mut out = String::new();
    for d in &run.diagnostics {
        out.push_str(&d.render(color));
        out.push('\n');
    }
    for tutorial in &run.tutorials {
        let failed = tutorial
            .blocks
            .iter()
            .filter(|b| matches!(b.outcome, Outcome::Failed { .. }))
            .count();
        let status = if failed == 0 {
            format!("{green}ok{reset}")
        } else {
            format!("{red}FAILED{reset}")
        };
        let cached = if tutorial.cached {
            format!(" {dim}(cached){reset}")
        } else {
            String::new()
        };
        out.push_str(&format!(
            "{} ... {status}{cached}\n",
            tutorial.path.display()
        ));
        for block in &tutorial.blocks {
            match &block.outcome {
                Outcome::Failed { message, diff } => {
                    out.push_str(&format!(
                        "  {red}error{reset}: {}:{}: {message}\n",
                        block.path.display(),
                        block.line
                    ));
                    if let Some(diff) = diff {
                        for line in diff.lines() {
                            let colour = match line.chars().next() {
                                Some('-') if !line.starts_with("---") => red,
                                Some('+') if !line.starts_with("+++") => green,
                                _ => "",
                            };
                            let end = if colour.is_empty() { "" } else { reset };
                            out.push_str(&format!("    {colour}{line}{end}\n"));
                        }
                    }
                }
                Outcome::Skipped { reason } => out.push_str(&format!(
                    "  {dim}skipped{reset}: {}:{}: {reason}\n",
                    block.path.display(),
                    block.line
                )),
                Outcome::Passed => {
                    if let Some(perf) = &block.perf {
                        let figures: Vec<String> = perf
                            .limits
                            .keys()
                            .map(|m| {
                                format!(
                                    "{m} {:.2} ms",
                                    perf.measured_ms.get(m).copied().unwrap_or(0.0)
                                )
                            })
                            .collect();
                        let mut cost = match (perf.instructions, &perf.cost_note) {
                            (Some(n), _) => format!(", {n} instructions"),
                            (None, Some(why)) => format!(", no instruction count: {why}"),
                            (None, None) => String::new(),
                        };
                        cost.push_str(&format!(
                            ", off-CPU median {:.1} ms",
                            crate::doctest::stats::median(&perf.wait_ms)
                        ));
                        if let Some(why) = &perf.wall_note {
                            cost.push_str(&format!(" (wall check {why})"));
                        }
                        out.push_str(&format!(
                            "  {dim}perf{reset}: {}:{}: `{}` {}{cost}\n",
                            block.path.display(),
                            block.line,
                            perf.command,
                            figures.join(", ")
                        ));
                    }
                }
            }
        }
    }
    if let Some(priority) = run
        .tutorials
        .iter()
        .flat_map(|t| &t.blocks)
        .find_map(|b| b.perf.as_ref())
        .map(|p| p.priority)
    {
        out.push_str(&format!("{dim}{}{reset}\n", priority.describe()));
    }
    out.push_str(&summary_line(run));
    out.push('\n');
    out
}

/// JSON: `{ "tutorials": [{ "path", "cached", "blocks": [{ "path", "line", "kind", "name", "status",
/// "message"?, "diff"?, "reason"?, "perf"? }] }], "passed", "failed", "skipped" }`.
pub fn json(run: &TestRun) -> String {
    let (passed, failed, skipped) = run.counts();
    let errors: Vec<String> = run
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    let value = serde_json::json!({
        "tutorials": run.tutorials,
        "errors": errors,
        "passed": passed,
        "failed": failed,
        "skipped": skipped,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// JUnit XML: a `testsuite` per tutorial, a `testcase` per checked item.
pub fn junit(run: &TestRun) -> String {
    let (passed, failed, skipped) = run.counts();
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"docgen test\" tests=\"{}\" failures=\"{failed}\" skipped=\"{skipped}\">\n",
        passed + failed + skipped
    );
    for d in run.diagnostics.iter().filter(|d| d.is_error()) {
        out.push_str(&format!(
            "  <testsuite name=\"docgen\" tests=\"1\" failures=\"1\">\n    <testcase name=\"{}\" classname=\"docgen\">\n      <failure message=\"{}\"/>\n    </testcase>\n  </testsuite>\n",
            escape_xml(&d.location()),
            escape_xml(&d.message)
        ));
    }
    for tutorial in &run.tutorials {
        let failures = tutorial
            .blocks
            .iter()
            .filter(|b| matches!(b.outcome, Outcome::Failed { .. }))
            .count();
        let skips = tutorial
            .blocks
            .iter()
            .filter(|b| matches!(b.outcome, Outcome::Skipped { .. }))
            .count();
        let suite = escape_xml(&tutorial.path.display().to_string());
        out.push_str(&format!("  <testsuite name=\"{suite}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skips}\">\n", tutorial.blocks.len()));
        for block in &tutorial.blocks {
            let name = escape_xml(&format!(
                "{}:{} {} {}",
                block.path.display(),
                block.line,
                block.kind,
                block.name
            ));
            out.push_str(&format!(
                "    <testcase name=\"{name}\" classname=\"{suite}\""
            ));
            match &block.outcome {
                Outcome::Passed => out.push_str("/>\n"),
                Outcome::Skipped { reason } => out.push_str(&format!(
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                    escape_xml(reason)
                )),
                Outcome::Failed { message, diff } => out.push_str(&format!(
                    ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                    escape_xml(message),
                    escape_xml(diff.as_deref().unwrap_or(""))
                )),
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// GitHub Actions workflow commands: `::error file=PATH,line=N::message` per failure, then the summary.
pub fn github(run: &TestRun) -> String {
    let escape = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let mut out = String::new();
    for d in run.diagnostics.iter().filter(|d| d.is_error()) {
        out.push_str(&format!(
            "::error file={},line={}::{}\n",
            d.path.display(),
            d.line.max(1),
            escape(&d.message)
        ));
    }
    for block in run.tutorials.iter().flat_map(|t| &t.blocks) {
        if let Outcome::Failed { message, diff } = &block.outcome {
            let text = match diff {
                Some(d) => format!("{message}\n{d}"),
                None => message.clone(),
            };
            out.push_str(&format!(
                "::error file={},line={}::{}\n",
                block.path.display(),
                block.line,
                escape(&text)
            ));
        }
    }
    out.push_str(&summary_line(run));
    out.push('\n');
    out
}

/// Save this run's results for `docgen build`: measured figures next to claims, and each tutorial's
/// verdict (`verdicts`, a `LastTestVerdicts`) for the plugin catalog's "tested by" lines.
pub fn save_last_results(root: &Path, run: &TestRun) -> std::io::Result<()> {
    let path = root.join(LAST_RESULTS_FILE);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let previous: LastTestVerdicts = std::fs::read_to_string(&path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    let mut value: serde_json::Value =
        serde_json::from_str(&json(run)).map_err(std::io::Error::other)?;
    value["verdicts"] = serde_json::to_value(verdicts(run, &previous, &utc_date_today()))
        .map_err(std::io::Error::other)?["verdicts"]
        .take();
    let text = serde_json::to_string_pretty(&value).map_err(std::io::Error::other)?;
    super::atomic::write_atomic(&path, (text + "\n").as_bytes())
}

/// Each tutorial's verdict: passed when none of its blocks failed. A tutorial that ran and passed
/// passed `today`; one whose result came from the cache keeps the date of the run that passed it.
/// Verdicts of tutorials this run did not select are kept, so a partial run forgets nothing.
pub fn verdicts(run: &TestRun, previous: &LastTestVerdicts, today: &str) -> LastTestVerdicts {
    let mut verdicts: Vec<TutorialVerdict> = previous
        .verdicts
        .iter()
        .filter(|old| !run.tutorials.iter().any(|t| t.path == old.path))
        .cloned()
        .collect();
    for tutorial in &run.tutorials {
        let passed = !tutorial
            .blocks
            .iter()
            .any(|block| matches!(block.outcome, Outcome::Failed { .. }));
        let earlier = previous
            .verdicts
            .iter()
            .find(|old| old.path == tutorial.path)
            .and_then(|old| old.last_passed.clone());
        let last_passed = match (passed, tutorial.cached) {
            (true, false) => Some(today.to_owned()),
            (true, true) => earlier.or_else(|| Some(today.to_owned())),
            (false, _) => earlier,
        };
        verdicts.push(TutorialVerdict {
            path: tutorial.path.clone(),
            passed,
            last_passed,
        });
    }
    verdicts.sort_by(|a, b| a.path.cmp(&b.path));
    LastTestVerdicts { verdicts }
}

/// Today's UTC date as `YYYY-MM-DD`, or the date of `SOURCE_DATE_EPOCH` when set (reproducible runs).
pub fn utc_date_today() -> String {
    let at = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .map_or_else(std::time::SystemTime::now, |seconds| {
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds)
        });
    utc_date(at)
}

#[cfg(test)]
mod verdict_tests {
    use super::*;
    use crate::doctest::results::{BlockResult, TutorialResult};
    use crate::model::SourcePos;
    use std::path::PathBuf;

    fn tutorial(path: &str, cached: bool, outcome: Outcome) -> TutorialResult {
        let pos = SourcePos {
            path: PathBuf::from(path),
            line: 3,
            col: 1,
        };
        TutorialResult {
            path: PathBuf::from(path),
            cached,
            blocks: vec![BlockResult::new(&pos, "console", "ax".into(), outcome)],
            cache_key: String::new(),
            duration_ms: 0,
        }
    }

    #[test]
    fn a_failure_keeps_the_date_it_last_passed_and_a_fresh_pass_gets_today() {
        let previous = LastTestVerdicts {
            verdicts: vec![
                TutorialVerdict {
                    path: "tutorials/a.md".into(),
                    passed: true,
                    last_passed: Some("2026-11-01".into()),
                },
                TutorialVerdict {
                    path: "tutorials/c.md".into(),
                    passed: true,
                    last_passed: Some("2026-11-02".into()),
                },
            ],
        };
        let run = TestRun {
            tutorials: vec![
                tutorial("tutorials/a.md", false, Outcome::failed("boom")),
                tutorial("tutorials/b.md", false, Outcome::Passed),
            ],
            ..TestRun::default()
        };
        let got = verdicts(&run, &previous, "2026-11-25").verdicts;
        let summary: Vec<(&str, bool, Option<&str>)> = got
            .iter()
            .map(|v| {
                (
                    v.path.to_str().unwrap_or(""),
                    v.passed,
                    v.last_passed.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("tutorials/a.md", false, Some("2026-11-01")),
                ("tutorials/b.md", true, Some("2026-11-25")),
                ("tutorials/c.md", true, Some("2026-11-02")),
            ]
        );
    }
}
