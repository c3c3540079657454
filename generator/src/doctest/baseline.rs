//! `tutorials/perf-baseline.json` (`model::PerfBaseline`): read at the start of a run, compared with
//! each claim's measurement (`check`), rewritten atomically by `--update-baseline`. Input: the site
//! root, measurements; output: problems as text, or the rewritten file.

use super::kinds::perf::{IMPLAUSIBLE_FRACTION, PerfClaim};
use super::options::RunContext;
use super::results::{PerfMeasurement, TestRun};
use super::stats::{hodges_lehmann_shift, mann_whitney_slower_p, median};
use super::timing::Priority;
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
/// profile), then the off-CPU time against the baseline's (`wall_clock`; same machine, boosted
/// samples only).
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
    if let Some(entry) = entry
        && wall_skip_reason(claim, m, context).is_none()
        && let Verdict::Regressed(why) = wall_clock(&m.wait_ms, entry, context)
    {
        problems.push(format!("{why}; {accept}"));
    }
    problems
}

/// Why the wall check does not compare this claim, or `None` when it does: it compares boosted
/// samples with boosted baseline samples from the same machine, and nothing else (at normal
/// priority the machine's load decides how long a command waits, so a comparison could fail an
/// unchanged tree).
pub fn wall_skip_reason(
    claim: &PerfClaim,
    m: &PerfMeasurement,
    context: &RunContext,
) -> Option<String> {
    let entry = context.baseline.claims.get(&claim.baseline_key());
    let reason = if !context.wall_check {
        "off (--no-wall-check)".to_owned()
    } else if let Some(why) = &claim.no_wall {
        format!("off for this claim: {why}")
    } else if m.priority != Priority::Boosted {
        "not enforced: samples ran at normal priority (the boost needs root or CAP_SYS_NICE)".into()
    } else if let Some(entry) = entry {
        if entry.machine != context.machine {
            format!(
                "no comparison: the baseline was recorded on `{}`",
                entry.machine
            )
        } else if !entry.boosted || entry.wait_ms.len() < MIN_WALL_SAMPLES {
            "no comparison: the baseline has no boosted off-CPU samples; re-record it with `docgen test --update-baseline`".into()
        } else if m.wait_ms.len() < MIN_WALL_SAMPLES {
            format!("no comparison: fewer than {MIN_WALL_SAMPLES} runs")
        } else {
            return None;
        }
    } else {
        "no baseline for this claim".into()
    };
    Some(reason)
}

/// Fewer off-CPU samples than this (on either side) are not compared: too few for the test.
const MIN_WALL_SAMPLES: usize = 5;

/// The wall check: the samples' off-CPU time (wall minus the CPU time of the process tree) against
/// the baseline's. Slower only when it is shifted up (Hodges-Lehmann: the median of all pairwise
/// differences, which a few load-delayed samples barely move) by at least the minimum effect (the
/// larger of `wall_min_effect_ms` and `wall_min_effect` times the baseline's median wall time)
/// AND the one-sided Mann-Whitney test is significant at `wall_alpha`. CPU the command needs more
/// of is the cost check's job; load that delays the CPU it needs is not waiting (the samples run
/// boosted). For a multi-threaded command the off-CPU time can be negative (CPU time beyond wall
/// time); a shift is a shift all the same.
pub fn wall_clock(current_wait: &[f64], entry: &BaselineClaim, context: &RunContext) -> Verdict {
    let shift = hodges_lehmann_shift(current_wait, &entry.wait_ms);
    let base_wall = median(&entry.samples_ms);
    let min_effect = context
        .wall_min_effect_ms
        .max(context.wall_min_effect * base_wall);
    if shift < min_effect {
        return Verdict::Within;
    }
    let p = mann_whitney_slower_p(current_wait, &entry.wait_ms);
    if p >= context.wall_alpha {
        return Verdict::Within;
    }
    Verdict::Regressed(format!(
        "waits {shift:+.1} ms more per run (off-CPU median {:.1} → {:.1} ms, Mann-Whitney p = {p:.1e}; minimum effect {min_effect:.1} ms)",
        median(&entry.wait_ms),
        median(current_wait),
    ))
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
        entry.reference_wait_ms = m.reference_wait_ms;
        entry.boosted = m.priority == Priority::Boosted;
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
            reference_wait_ms: 1.0,
            priority: Priority::Boosted,
            wall_note: None,
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
            samples_ms: vec![10.0; base_wait.len()],
            wait_ms: base_wait,
            cpu_ms: 10.0,
            boosted: true,
            machine: "m".into(),
            ..Default::default()
        };
        RunContext {
            baseline: PerfBaseline {
                claims: [("tutorials/t.md :: x".to_owned(), entry)].into(),
                ..Default::default()
            },
            cost_tolerance: options_like.cost_tolerance,
            wall_min_effect_ms: options_like.wall_min_effect_ms,
            wall_min_effect: options_like.wall_min_effect,
            wall_alpha: options_like.wall_alpha,
            require_cost: true,
            wall_check: options_like.wall_check,
            cost_check: options_like.cost_check,
            profile: "debug".into(),
            machine: "m".into(),
            priority: Priority::Boosted,
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

    /// The wall-check problems of `wait` against `base` (off-CPU samples) under `context`.
    fn wall_problems(c: &PerfClaim, wait: Vec<f64>, context: &RunContext) -> Vec<String> {
        let m = measurement(Some(1_000_000), wait);
        let mut problems = check(c, &m, context);
        problems.retain(|p| !p.contains("instructions"));
        problems
    }

    #[test]
    fn the_wall_check_is_on_by_default_and_catches_a_15_ms_sleep() {
        let c = claim("");
        let on = context(1_000_000, waits(8.0));
        let slept: Vec<f64> = waits(8.0).iter().map(|w| w + 15.0).collect();
        let problems = wall_problems(&c, slept.clone(), &on);
        assert!(
            problems.len() == 1
                && problems[0].starts_with("waits +15.0 ms more per run (off-CPU median")
                && problems[0].contains("minimum effect 10.0 ms")
                && problems[0].contains("--update-baseline tutorials/t.md"),
            "{problems:?}"
        );
        assert_eq!(
            wall_skip_reason(&c, &measurement(None, slept.clone()), &on),
            None
        );
        let mut off = context(1_000_000, waits(8.0));
        off.wall_check = false;
        assert!(wall_problems(&c, slept, &off).is_empty());
    }

    #[test]
    fn load_that_delays_some_samples_is_not_a_regression() {
        let c = claim("");
        let on = context(1_000_000, waits(8.0));
        let mut loaded = waits(8.0);
        loaded[..6].iter_mut().for_each(|w| *w += 150.0);
        assert!(wall_problems(&c, loaded, &on).is_empty());
        // Every sample 7 ms slower: significant, but under the 10 ms minimum effect.
        let drift: Vec<f64> = waits(8.0).iter().map(|w| w + 7.0).collect();
        assert!(wall_problems(&c, drift, &on).is_empty());
    }

    #[test]
    fn a_long_command_needs_a_proportional_shift() {
        let c = claim("");
        let mut on = context(1_000_000, waits(100.0));
        on.baseline
            .claims
            .values_mut()
            .for_each(|e| e.samples_ms = vec![200.0; 20]);
        // 25% of a 200 ms median: 50 ms. A 15 ms shift is within; 2x the wall time is not.
        let plus = |d: f64| waits(100.0).iter().map(|w| w + d).collect::<Vec<_>>();
        assert!(wall_problems(&c, plus(15.0), &on).is_empty());
        let problems = wall_problems(&c, plus(200.0), &on);
        assert!(
            problems.len() == 1 && problems[0].contains("minimum effect 50.0 ms"),
            "{problems:?}"
        );
    }

    #[test]
    fn the_wall_check_compares_only_boosted_samples_from_the_same_machine() {
        let c = claim("");
        let slept: Vec<f64> = waits(8.0).iter().map(|w| w + 30.0).collect();
        let reason = |context: &RunContext, m: &PerfMeasurement, c: &PerfClaim| {
            assert!(wall_problems(c, m.wait_ms.clone(), context).is_empty());
            wall_skip_reason(c, m, context).unwrap_or_default()
        };
        let mut normal = measurement(None, slept.clone());
        normal.priority = Priority::Normal;
        let mut normal_context = context(1_000_000, waits(8.0));
        normal_context.priority = Priority::Normal;
        // The check's verdict follows the samples' priority (what the measurement says).
        let problems = check(&c, &normal, &normal_context);
        assert!(
            problems.iter().all(|p| !p.contains("waits")),
            "{problems:?}"
        );
        assert!(
            wall_skip_reason(&c, &normal, &normal_context)
                .unwrap()
                .contains("normal priority")
        );
        let boosted = measurement(None, slept);
        let mut elsewhere = context(1_000_000, waits(8.0));
        elsewhere.machine = "elsewhere".into();
        assert!(reason(&elsewhere, &boosted, &c).contains("recorded on `m`"));
        let mut unboosted_base = context(1_000_000, waits(8.0));
        unboosted_base
            .baseline
            .claims
            .values_mut()
            .for_each(|e| e.boosted = false);
        assert!(reason(&unboosted_base, &boosted, &c).contains("re-record"));
        let no_wall = claim("no_wall = \"asks a server\"\n");
        assert!(
            reason(&context(1_000_000, waits(8.0)), &boosted, &no_wall).contains("asks a server")
        );
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
