//! `tutorials/perf-baseline.json` (`model::PerfBaseline`): read at the start of a run, compared with
//! each claim's measurement (`check`), rewritten atomically by `--update-baseline`. Input: the site
//! root, measurements; output: problems as text, or the rewritten file.

use super::kinds::perf::PerfClaim;
use super::options::RunContext;
use super::results::{PerfMeasurement, TestRun};
use super::stats::{mann_whitney_slower_p, percentile};
use crate::diagnostics::Diagnostic;
use crate::model::{BaselineClaim, PERF_BASELINE_FILE, PERF_BASELINE_VERSION, PerfBaseline};
use std::path::Path;

/// Committed performance baseline, relative to the site root.
pub const BASELINE_FILE: &str = PERF_BASELINE_FILE;

/// The baseline; empty when absent. A file that does not parse is an error (a hand edit gone wrong
/// must not silently disable the gate).
pub fn read_baseline(root: &Path) -> Result<PerfBaseline, Diagnostic> {
    let text = match std::fs::read_to_string(root.join(BASELINE_FILE)) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(PerfBaseline::default()),
        Err(e) => {
            return Err(Diagnostic::error(
                BASELINE_FILE,
                0,
                0,
                format!("cannot read: {e}"),
            ));
        }
    };
    serde_json::from_str(&text).map_err(|e| {
        Diagnostic::error(
            BASELINE_FILE,
            e.line(),
            e.column(),
            format!("invalid baseline: {e}"),
        )
        .with_hint("re-record it with `docgen test --update-baseline`")
    })
}

/// How a measurement compares with the baseline, for the report.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Within,
    Regressed(String),
}

/// Problems of a measurement: the claim's bounds, then the cost against the baseline (same build
/// profile), then the wall-clock distribution against the baseline's (same machine only).
pub fn check(claim: &PerfClaim, m: &PerfMeasurement, context: &RunContext) -> Vec<String> {
    let mut problems = Vec::new();
    for (metric, limit) in &claim.limits {
        let value = m.measured_ms[metric];
        if value > *limit {
            problems.push(format!(
                "claim `{metric} < {limit}ms` does not hold: measured {metric} = {value:.2} ms"
            ));
        }
    }
    let accept = format!(
        "if the change is intended, accept it with `docgen test --update-baseline {}`",
        claim.pos.path.display()
    );
    let entry = context.baseline.claims.get(&claim.baseline_key());
    let base_count = entry.and_then(|e| e.instructions.get(&m.profile));
    match (m.instructions, base_count) {
        (Some(now), Some(&base)) if base > 0 && context.cost_check => {
            let delta = (now as f64 - base as f64) / base as f64;
            let tolerance = claim.cost_tolerance.unwrap_or(context.cost_tolerance);
            if delta > tolerance {
                problems.push(format!(
                    "{:+.1}% instructions ({base} → {now} per run), tolerance {}%; {accept}",
                    delta * 100.0,
                    tolerance * 100.0
                ));
            }
        }
        (None, _) if context.require_cost => problems.push(format!(
            "no instruction count: {}",
            m.cost_note.as_deref().unwrap_or("cost measurement is off (cost_runs = 0)")
        )),
        (Some(_), None) if context.require_cost => problems.push(format!(
            "no `{}` instruction count in {BASELINE_FILE} for this claim; record one with `docgen test --update-baseline {}`",
            m.profile,
            claim.pos.path.display()
        )),
        _ => {}
    }
    if let Some(entry) = entry.filter(|e| context.wall_check && e.machine == context.machine)
        && let Verdict::Regressed(why) = wall_clock(&m.samples_ms, &entry.samples_ms, context)
    {
        problems.push(format!("{why}; {accept}"));
    }
    problems
}

/// The wall-clock check: slower only when the Mann-Whitney test is significant AND the 25th
/// percentile grew by more than the minimum effect (load adds time to some samples, so the low
/// quantile is what stays put on a busy machine) AND by at least 1 ms.
pub fn wall_clock(current: &[f64], baseline: &[f64], context: &RunContext) -> Verdict {
    if current.len() < 5 || baseline.len() < 5 {
        return Verdict::Within;
    }
    let mut now = current.to_vec();
    now.sort_by(f64::total_cmp);
    let (q_now, q_base) = (percentile(&now, 25.0), percentile(baseline, 25.0));
    let p = mann_whitney_slower_p(current, baseline);
    let effect = if q_base > 0.0 {
        q_now / q_base - 1.0
    } else {
        0.0
    };
    if p < context.wall_alpha && effect > context.wall_min_effect && q_now - q_base >= 1.0 {
        Verdict::Regressed(format!(
            "wall clock {:+.0}% at p25 ({q_base:.2} → {q_now:.2} ms, Mann-Whitney p = {p:.1e}), minimum effect {:.0}%",
            effect * 100.0,
            context.wall_min_effect * 100.0
        ))
    } else {
        Verdict::Within
    }
}

/// Record this run's measurements (other claims' entries and other profiles' counts are kept) and
/// write the file atomically: a temp file in the same folder, renamed over the old one.
pub fn update_baseline(root: &Path, run: &TestRun) -> std::io::Result<usize> {
    let mut baseline = read_baseline(root).map_err(|d| std::io::Error::other(d.to_string()))?;
    let machine = machine_id();
    baseline.version = PERF_BASELINE_VERSION;
    let commit = super::sandbox::current_commit(root).unwrap_or_else(|| "unknown".into());
    let date = utc_date(std::time::SystemTime::now());
    let mut updated = 0;
    for m in run
        .tutorials
        .iter()
        .flat_map(|t| &t.blocks)
        .filter_map(|b| b.perf.as_ref())
    {
        let entry = baseline
            .claims
            .entry(m.baseline_key.clone())
            .or_insert_with(BaselineClaim::default);
        entry.command = m.command.clone();
        if let Some(count) = m.instructions {
            entry.instructions.insert(m.profile.clone(), count);
        }
        entry.latency_ms = m
            .measured_ms
            .iter()
            .map(|(k, v)| (k.clone(), (v * 100.0).round() / 100.0))
            .collect();
        entry.samples_ms = m.samples_ms.clone();
        entry.limits_ms = m.limits.clone();
        entry.held = m.held;
        entry.machine = machine.clone();
        entry.commit = commit.clone();
        entry.date = date.clone();
        updated += 1;
    }
    for tutorial in run.tutorials.iter().filter(|t| t.duration_ms > 0) {
        baseline
            .durations_ms
            .insert(tutorial.path.display().to_string(), tutorial.duration_ms);
    }
    let text = serde_json::to_string_pretty(&baseline).map_err(std::io::Error::other)?;
    super::atomic::write_atomic(&root.join(BASELINE_FILE), (text + "\n").as_bytes())?;
    Ok(updated)
}

/// This machine as the baseline names it: host name, CPU model and core count. Latency is only
/// compared between runs on the same machine.
pub fn machine_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .unwrap_or_default();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|r| r.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_owned());
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    format!("{} / {cpu} / {cores} cores", host.trim())
}

/// `YYYY-MM-DD` (UTC) of a time.
pub fn utc_date(time: std::time::SystemTime) -> String {
    let days = time
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_utc() {
        let at = |secs| utc_date(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs));
        assert_eq!(at(0), "1970-01-01");
        assert_eq!(at(1_795_564_800), "2026-11-25");
        assert_eq!(at(951_782_400), "2000-02-29");
        assert_eq!(at(20_417 * 86_400), "2025-11-25");
    }
}
