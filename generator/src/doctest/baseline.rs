//! `tutorials/perf-baseline.json` (`model::PerfBaseline`): read at the start of a run, compared with
//! each claim's measurement (`check`), rewritten atomically by `--update-baseline`. Input: the site
//! root, measurements; output: problems as text, or the rewritten file.

use super::kinds::perf::{IMPLAUSIBLE_FRACTION, PerfClaim};
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
/// profile), then (opt-in) the wall-clock samples against the baseline's (same machine only).
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
            } else if (now as f64) < base as f64 * IMPLAUSIBLE_FRACTION {
                problems.push(format!(
                    "instruction count implausibly small: {now} per run, {:.0}% of the baseline's {base}, twice; part of the command's process tree probably escaped callgrind (a process that was killed, or that left the tree); if the command really got this much cheaper, {accept}",
                    now as f64 / base as f64 * 100.0
                ));
            }
        }
        _ if claim.no_cost.is_some() => {}
        (None, _) if context.require_cost => problems.push(format!(
            "no instruction count: {}",
            m.cost_note.as_deref().unwrap_or("cost measurement is off")
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
/// quantile is what stays put on a busy machine) AND by at least 1 ms. Opt-in (`--wall-check`):
/// it compares with samples recorded at another time, under another load.
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
        entry.wait_ms = m.wait_ms.clone();
        entry.cpu_ms = m.cpu_ms;
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

    fn claim(extra: &str) -> PerfClaim {
        let block = crate::doctest::extract::tests::block(
            "perf",
            &[],
            &format!("command = \"x\"\n{extra}p95 < \"1s\"\n"),
        );
        crate::doctest::kinds::perf::parse_claim(&block).unwrap()
    }

    fn measurement(instructions: Option<u64>, wait_ms: Vec<f64>) -> PerfMeasurement {
        PerfMeasurement {
            command: "x".into(),
            runs: wait_ms.len() as u32,
            limits: [("p95".to_owned(), 1000.0)].into(),
            measured_ms: [("p95".to_owned(), 10.0)].into(),
            samples_ms: vec![10.0; wait_ms.len()],
            wait_ms,
            cpu_ms: 10.0,
            instructions,
            instruction_runs: instructions.into_iter().collect(),
            cost_note: None,
            profile: "debug".into(),
            baseline_key: "tutorials/t.md :: x".into(),
            held: true,
        }
    }

    fn context(base_instructions: u64, base_wait: Vec<f64>) -> RunContext {
        let mut options_like = crate::doctest::TestOptions::new(".");
        options_like.require_cost = true;
        let entry = BaselineClaim {
            command: "x".into(),
            instructions: [("debug".to_owned(), base_instructions)].into(),
            wait_ms: base_wait,
            cpu_ms: 10.0,
            machine: "m".into(),
            ..Default::default()
        };
        RunContext {
            baseline: PerfBaseline {
                claims: [("tutorials/t.md :: x".to_owned(), entry)].into(),
                ..Default::default()
            },
            cost_tolerance: options_like.cost_tolerance,
            wall_min_effect: options_like.wall_min_effect,
            wall_alpha: options_like.wall_alpha,
            require_cost: true,
            wall_check: options_like.wall_check,
            cost_check: options_like.cost_check,
            profile: "debug".into(),
            machine: "m".into(),
            root: ".".into(),
        }
    }

    /// Waiting samples around `center` ms, spread over about ±2 ms like a loaded machine's.
    fn waits(center: f64) -> Vec<f64> {
        (0..20)
            .map(|i| center + ((i * 7) % 9) as f64 * 0.5 - 2.0)
            .collect()
    }

    #[test]
    fn cost_by_default_names_growth_tolerance_and_how_to_accept() {
        let c = claim("");
        let problems = check(
            &c,
            &measurement(Some(1_100_000), waits(1.0)),
            &context(1_000_000, waits(1.0)),
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0]
                .starts_with("+10.0% instructions (1000000 → 1100000 per run), tolerance 2%;")
                && problems[0].contains("--update-baseline tutorials/t.md"),
            "{problems:?}"
        );
        let within = check(
            &c,
            &measurement(Some(1_015_000), waits(1.0)),
            &context(1_000_000, waits(1.0)),
        );
        assert!(within.is_empty(), "{within:?}");
        let per_claim = claim("cost_tolerance = \"15%\"\n");
        let within = check(
            &per_claim,
            &measurement(Some(1_100_000), waits(1.0)),
            &context(1_000_000, waits(1.0)),
        );
        assert!(within.is_empty(), "{within:?}");
    }

    #[test]
    fn an_implausibly_small_count_is_an_error_not_a_pass() {
        let problems = check(
            &claim(""),
            &measurement(Some(189_843), waits(1.0)),
            &context(26_940_799, waits(1.0)),
        );
        assert!(
            problems.len() == 1 && problems[0].contains("implausibly small"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_claim_without_a_deterministic_cost_passes_require_cost() {
        let c = claim("no_cost = \"runs to a deadline\"\n");
        let problems = check(&c, &measurement(None, waits(1.0)), &context(1, waits(1.0)));
        assert!(problems.is_empty(), "{problems:?}");
        let problems = check(
            &claim(""),
            &measurement(None, waits(1.0)),
            &context(1, waits(1.0)),
        );
        assert!(problems[0].contains("no instruction count"), "{problems:?}");
    }

    #[test]
    fn the_opt_in_wall_check_compares_same_machine_samples() {
        let c = claim("");
        let slow: Vec<f64> = (0..20).map(|i| 30.0 + f64::from(i)).collect();
        let base: Vec<f64> = (0..20).map(|i| 10.0 + f64::from(i) * 0.2).collect();
        let mut m = measurement(Some(1_000_000), vec![]);
        m.samples_ms = slow;
        let mut on = context(1_000_000, vec![]);
        on.baseline
            .claims
            .values_mut()
            .for_each(|e| e.samples_ms = base.clone());
        // Off by default.
        assert!(check(&c, &m, &on).is_empty());
        on.wall_check = true;
        let problems = check(&c, &m, &on);
        assert!(
            problems.len() == 1 && problems[0].contains("at p25"),
            "{problems:?}"
        );
        on.machine = "elsewhere".into();
        assert!(check(&c, &m, &on).is_empty());
    }

    #[test]
    fn dates_are_civil_utc() {
        let at = |secs| utc_date(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs));
        assert_eq!(at(0), "1970-01-01");
        assert_eq!(at(1_795_564_800), "2026-11-25");
        assert_eq!(at(951_782_400), "2000-02-29");
        assert_eq!(at(20_417 * 86_400), "2025-11-25");
    }
}
