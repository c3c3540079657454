//! `perf` blocks: a performance claim (`command = "ax find parse --no-cache"`, `runs = 50`,
//! `p95 < "10ms"`) measured twice. Latency: whole-process wall-clock samples, the claimed statistic
//! checked against its bound. Cost: instructions per run (callgrind), compared with the baseline
//! within a tight tolerance; plus the wall check, the samples' off-CPU time against the baseline's
//! on the same machine, for waiting that instruction counts cannot see. Input: a `perf` code block;
//! output: one result with the measurement.

use super::{Kind, Phase, Step};
use crate::diagnostics::{Diagnostic, line_col};
use crate::doctest::baseline;
use crate::doctest::options::RunContext;
use crate::doctest::results::{BlockResult, Outcome, PerfMeasurement};
use crate::doctest::sandbox::Sandbox;
use crate::doctest::stats::{METRICS, summarize};
use crate::model::{CodeBlock, SourcePos};
use serde::Deserialize;

pub const KIND: Kind = Kind {
    name: "perf",
    accepts: |block| block.lang == "perf",
    parse: |block| Ok(Box::new(parse_claim(block)?)),
};

/// A parsed `perf` block.
#[derive(Debug, Clone, PartialEq)]
pub struct PerfClaim {
    pub pos: SourcePos,
    pub command: String,
    pub runs: u32,
    pub warmup: u32,
    /// Runs under callgrind (0: no cost measurement); counts are deterministic, so 1 is enough.
    pub cost_runs: u32,
    /// `(metric, limit in ms)`, e.g. `("p95", 10.0)`.
    pub limits: Vec<(String, f64)>,
    /// `cost_tolerance = "5%"` as a fraction, for a command whose count varies more than the
    /// default allows (threads, hash seeds); `None`: the run's default.
    pub cost_tolerance: Option<f64>,
    /// `no_cost = "why"`: the command has no deterministic cost (it runs until a deadline), so
    /// nothing is counted (`cost_runs` is 0) and `--require-cost` accepts that; the reason is part
    /// of the block, so the page shows it.
    pub no_cost: Option<String>,
    /// `no_wall = "why"`: the command's waiting is not its own (it asks a server outside its
    /// process tree, which runs at normal priority), so the wall check leaves it out; the reason
    /// is part of the block.
    pub no_wall: Option<String>,
}

impl PerfClaim {
    /// Key in `perf-baseline.json`: stable across edits that move the block.
    pub fn baseline_key(&self) -> String {
        format!("{} :: {}", self.pos.path.display(), self.command)
    }
}

/// The `key = value` settings of a perf block; anything else is an error at its line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    command: String,
    #[serde(default = "default_runs")]
    runs: u32,
    #[serde(default = "default_warmup")]
    warmup: u32,
    #[serde(default = "default_cost_runs")]
    cost_runs: u32,
    cost_tolerance: Option<String>,
    no_cost: Option<String>,
    no_wall: Option<String>,
}

fn default_runs() -> u32 {
    20
}
fn default_warmup() -> u32 {
    2
}
fn default_cost_runs() -> u32 {
    1
}

/// The wall check's reference: a process that does nothing (an external program, not a shell
/// builtin, so it is executed like the measured command).
const REFERENCE_COMMAND: &str = "/bin/true";

/// A count below this fraction of the baseline's is taken again once, then reported as an error: a
/// change rarely halves a command's work, a process that escaped the count does (see
/// `baseline::check`).
pub const IMPLAUSIBLE_FRACTION: f64 = 0.5;

/// A claim line `METRIC < "DURATION"`: the text before `<` is a bare word. (`command = "a < b"` is not.)
fn claim_line(line: &str) -> Option<(&str, &str)> {
    let (metric, limit) = line.split_once('<')?;
    let metric = metric.trim();
    (!metric.is_empty()
        && metric
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_'))
    .then_some((metric, limit))
}

/// Parse the block: TOML settings (`command`, `runs`, `warmup`, `cost_runs`; unknown keys and wrong
/// types are errors at their line) and `METRIC < "DURATION"` claims.
pub fn parse_claim(block: &CodeBlock) -> Result<PerfClaim, Diagnostic> {
    let at = |line: usize, message: String| Diagnostic::error(&block.pos.path, line, 1, message);
    // Claim lines are blanked, so a TOML error's line in `settings` is the line in the block.
    let mut settings = String::new();
    let mut limits = Vec::new();
    for (i, line) in block.code.lines().enumerate() {
        let line_no = block.code_start_line + i;
        if let Some((metric, limit)) = claim_line(line) {
            if !METRICS.contains(&metric) {
                return Err(at(
                    line_no,
                    format!(
                        "unknown metric `{metric}`; use one of {}",
                        METRICS.join(", ")
                    ),
                )
                .with_source_line(line));
            }
            let limit = limit.trim().trim_matches('"');
            let ms = parse_duration_ms(limit).ok_or_else(|| {
                at(
                    line_no,
                    format!("`{limit}` is not a duration like \"10ms\" or \"1.5s\""),
                )
                .with_source_line(line)
            })?;
            limits.push((metric.to_owned(), ms));
            settings.push('\n');
        } else {
            settings.push_str(line);
            settings.push('\n');
        }
    }
    let parsed: Settings = toml::from_str(&settings).map_err(|e| {
        let (line, _) = line_col(&settings, e.span().map_or(0, |s| s.start));
        let source = block.code.lines().nth(line - 1).unwrap_or_default();
        let message = e.message().trim().to_owned();
        let hint = "a perf block takes `command`, `runs`, `warmup`, `cost_runs`, `cost_tolerance`, `no_cost`, `no_wall` and claims like `p95 < \"10ms\"`";
        at(block.code_start_line + line - 1, format!("invalid perf block: {message}"))
            .with_source_line(source)
            .with_hint(hint)
    })?;
    if limits.is_empty() {
        return Err(at(
            block.pos.line,
            "perf block makes no claim; add e.g. `p95 < \"10ms\"`".into(),
        ));
    }
    let cost_tolerance = match &parsed.cost_tolerance {
        None => None,
        Some(text) => Some(parse_percent(text).ok_or_else(|| {
            let line = block
                .code
                .lines()
                .position(|l| l.trim_start().starts_with("cost_tolerance"))
                .map_or(block.pos.line, |i| block.code_start_line + i);
            at(
                line,
                format!("cost_tolerance = {text:?} is not a percentage like \"5%\""),
            )
        })?),
    };
    let key_line = |key: &str| {
        block
            .code
            .lines()
            .position(|l| l.trim_start().starts_with(key))
            .map_or(block.pos.line, |i| block.code_start_line + i)
    };
    let explicit_cost_runs = block
        .code
        .lines()
        .any(|l| l.trim_start().starts_with("cost_runs"));
    let cost_runs = match &parsed.no_cost {
        Some(reason) if reason.trim().is_empty() => {
            return Err(at(
                key_line("no_cost"),
                "no_cost needs a reason, e.g. no_cost = \"spins until its 250 ms timeout\"".into(),
            ));
        }
        Some(_) if explicit_cost_runs && parsed.cost_runs > 0 => {
            return Err(at(
                key_line("cost_runs"),
                format!(
                    "cost_runs = {} contradicts no_cost: a claim without a deterministic cost is not counted",
                    parsed.cost_runs
                ),
            ));
        }
        Some(_) => 0,
        None if parsed.cost_runs == 0 => {
            return Err(at(
                key_line("cost_runs"),
                "cost_runs = 0 turns the cost check off; say why with no_cost = \"...\" instead"
                    .into(),
            ));
        }
        None => parsed.cost_runs.min(100),
    };
    if parsed.no_wall.as_ref().is_some_and(|r| r.trim().is_empty()) {
        return Err(at(
            key_line("no_wall"),
            "no_wall needs a reason, e.g. no_wall = \"waits for the background server\"".into(),
        ));
    }
    if parsed.runs == 0 || parsed.runs > 100_000 {
        return Err(at(
            block.pos.line,
            format!("runs = {} must be between 1 and 100000", parsed.runs),
        ));
    }
    Ok(PerfClaim {
        pos: block.pos.clone(),
        command: parsed.command,
        runs: parsed.runs,
        warmup: parsed.warmup.min(10_000),
        cost_runs,
        limits,
        cost_tolerance,
        no_cost: parsed.no_cost,
        no_wall: parsed.no_wall,
    })
}

/// `"5%"` → 0.05 (0 to 100%).
fn parse_percent(text: &str) -> Option<f64> {
    let value: f64 = text.trim().strip_suffix('%')?.trim().parse().ok()?;
    (value.is_finite() && (0.0..=100.0).contains(&value)).then_some(value / 100.0)
}

/// `10ms`, `1.5s`, `250us` → milliseconds.
pub fn parse_duration_ms(text: &str) -> Option<f64> {
    let text = text.trim();
    let (number, scale) = if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix("us").or_else(|| text.strip_suffix("µs")) {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else {
        return None;
    };
    number
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .map(|v| v * scale)
}

impl Step for PerfClaim {
    fn pos(&self) -> &SourcePos {
        &self.pos
    }

    fn phase(&self) -> Phase {
        Phase::Alone
    }

    fn run(&self, sandbox: &mut Sandbox, context: &RunContext) -> Vec<BlockResult> {
        let outcome_and_measurement = measure(self, sandbox, context);
        let (outcome, perf) = match outcome_and_measurement {
            Ok(mut m) => {
                m.wall_note = baseline::wall_skip_reason(self, &m, context);
                let problems = baseline::check(self, &m, context);
                let outcome = if problems.is_empty() {
                    Outcome::Passed
                } else {
                    Outcome::failed(problems.join("\n"))
                };
                (outcome, Some(m))
            }
            Err(message) => (Outcome::failed(message), None),
        };
        let mut result = BlockResult::new(&self.pos, "perf", self.command.clone(), outcome);
        result.perf = perf;
        vec![result]
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Time `warmup + runs` whole-process runs, then count instructions over `cost_runs` runs. A command
/// that fails is an error: a claim about a failing command measures nothing.
fn measure(
    claim: &PerfClaim,
    sandbox: &mut Sandbox,
    context: &RunContext,
) -> Result<PerfMeasurement, String> {
    let mut samples_ms = Vec::with_capacity(claim.runs as usize);
    let (mut wait_ms, mut cpu_ms, mut reference_wait_ms) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..claim.warmup + claim.runs {
        if i >= claim.warmup {
            // The reference: a process that does nothing, started the same way just before the
            // sample, so the waiting that the harness and the machine add to any process (fork,
            // exec, waking the harness when it exits) is measured under the same load.
            let reference = sandbox
                .run_measured(REFERENCE_COMMAND)
                .map_err(|e| format!("cannot start `sh`: {e}"))?;
            reference_wait_ms
                .push((reference.elapsed.as_secs_f64() - reference.cpu.as_secs_f64()) * 1000.0);
        }
        let output = sandbox
            .run_measured(&claim.command)
            .map_err(|e| format!("cannot start `sh`: {e}"))?;
        if output.timed_out || output.status != Some(0) {
            let why = if output.timed_out {
                "timed out".to_owned()
            } else {
                match output.status {
                    Some(code) => format!("exited with status {code}"),
                    None => "was killed by a signal".to_owned(),
                }
            };
            return Err(format!(
                "`{}` {why}; a perf claim must measure a command that succeeds:\n{}",
                claim.command, output.output
            ));
        }
        if i >= claim.warmup {
            let (wall, cpu) = (
                output.elapsed.as_secs_f64() * 1000.0,
                output.cpu.as_secs_f64() * 1000.0,
            );
            samples_ms.push(wall);
            cpu_ms.push(cpu);
            wait_ms.push(wall - cpu);
        }
    }
    let mut counts = Vec::new();
    let mut cost_note = None;
    let base = context
        .baseline
        .claims
        .get(&claim.baseline_key())
        .and_then(|e| e.instructions.get(&context.profile))
        .copied();
    let implausible =
        |count: u64| base.is_some_and(|b| (count as f64) < b as f64 * IMPLAUSIBLE_FRACTION);
    let mut runs = claim.cost_runs;
    let mut i = 0;
    while i < runs {
        match sandbox.count_instructions(&claim.command) {
            Ok(Ok(count)) => {
                // One more count when the first looks like part of the command escaped it; if
                // the second is plausible it is used (the median of two is the lower).
                if implausible(count) && runs == claim.cost_runs {
                    runs += 1;
                }
                counts.push(count);
            }
            Ok(Err(why)) => {
                cost_note = Some(why);
                break;
            }
            Err(e) => return Err(format!("cannot count instructions: {e}")),
        }
        i += 1;
    }
    // Counted again after an implausible count: drop the implausible ones if the new one is not;
    // if every count is implausible they stay, and `baseline::check` reports it.
    if counts.len() > claim.cost_runs as usize && counts.iter().any(|&c| !implausible(c)) {
        counts.retain(|&c| !implausible(c));
    }
    if let Some(why) = &claim.no_cost {
        cost_note = Some(format!("not counted: {why}"));
    }
    samples_ms.sort_by(f64::total_cmp);
    // The command's own waiting: off-CPU time beyond the reference's (its median in this run).
    let reference_wait = median_f64(&reference_wait_ms);
    let mut wait_ms: Vec<f64> = wait_ms.iter().map(|w| w - reference_wait).collect();
    wait_ms.sort_by(f64::total_cmp);
    let measured_ms = summarize(&samples_ms);
    let held = claim
        .limits
        .iter()
        .all(|(m, limit)| measured_ms[m] <= *limit);
    Ok(PerfMeasurement {
        command: claim.command.clone(),
        runs: claim.runs,
        limits: claim.limits.iter().cloned().collect(),
        measured_ms,
        samples_ms: samples_ms
            .iter()
            .map(|v| (v * 1000.0).round() / 1000.0)
            .collect(),
        wait_ms: wait_ms
            .iter()
            .map(|v| (v * 1000.0).round() / 1000.0)
            .collect(),
        cpu_ms: (median_f64(&cpu_ms) * 1000.0).round() / 1000.0,
        reference_wait_ms: (reference_wait * 1000.0).round() / 1000.0,
        priority: context.priority,
        wall_note: None,
        instructions: median(&counts),
        instruction_runs: counts,
        cost_note,
        profile: context.profile.clone(),
        baseline_key: claim.baseline_key(),
        held,
    })
}

/// The median (the lower middle one for an even number); 0 for none.
fn median_f64(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted
        .get(sorted.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or(0.0)
}

/// The median count (the lower middle one for an even number), so one odd run does not move it.
fn median(counts: &[u64]) -> Option<u64> {
    let mut sorted = counts.to_vec();
    sorted.sort_unstable();
    sorted.get(sorted.len().saturating_sub(1) / 2).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctest::extract::tests::block;

    fn perf(code: &str) -> CodeBlock {
        block("perf", &[], code)
    }

    #[test]
    fn a_claim_parses() {
        let c = parse_claim(&perf(
            "command = \"ax find parse < x\"\nruns = 200\nwarmup = 10\np95 < \"10ms\"\n",
        ))
        .unwrap();
        assert_eq!(
            (
                c.command.as_str(),
                c.runs,
                c.warmup,
                c.cost_runs,
                c.limits.clone()
            ),
            (
                "ax find parse < x",
                200,
                10,
                1,
                vec![("p95".to_owned(), 10.0)]
            )
        );
    }

    /// `(line, message)` of the error for a block whose code starts on line 11.
    fn error(code: &str) -> (usize, String) {
        let e = parse_claim(&perf(code)).unwrap_err();
        (e.line, e.message)
    }

    #[test]
    fn bad_claims_name_their_line() {
        assert_eq!(error("command = \"x\"\np42 < \"1ms\"\n").0, 12);
        assert_eq!(error("command = \"x\"\np95 < \"fast\"\n").0, 12);
        assert!(error("command = \"x\"\n").1.contains("makes no claim"));
        assert!(
            error("p95 < \"1ms\"\n")
                .1
                .contains("missing field `command`")
        );
    }

    #[test]
    fn wrong_types_and_unknown_keys_are_errors_at_their_line() {
        let (line, message) = error("command = \"x\"\nruns = \"many\"\np95 < \"1ms\"\n");
        assert_eq!(line, 12, "{message}");
        assert!(message.contains("invalid type"), "{message}");
        let (line, message) = error("command = \"x\"\np95 < \"1ms\"\nrun = 200\n");
        assert_eq!(line, 13, "{message}");
        assert!(message.contains("unknown field `run`"), "{message}");
        assert!(
            error("command = \"x\"\nruns = 0\np95 < \"1ms\"\n")
                .1
                .contains("between 1")
        );
        assert!(
            error("command = \"x\"\nruns = -3\np95 < \"1ms\"\n")
                .1
                .contains("invalid")
        );
        let (line, message) = error("command = \"x\"\ncost_tolerance = \"lots\"\np95 < \"1ms\"\n");
        assert_eq!(line, 12, "{message}");
        let ok = parse_claim(&perf(
            "command = \"x\"\ncost_tolerance = \"5%\"\np95 < \"1ms\"\n",
        ));
        assert_eq!(ok.unwrap().cost_tolerance, Some(0.05));
    }

    #[test]
    fn no_cost_needs_a_reason_and_excludes_counting() {
        let ok = parse_claim(&perf(
            "command = \"x\"\nno_cost = \"spins to a deadline\"\np95 < \"1s\"\n",
        ))
        .unwrap();
        assert_eq!(
            (ok.cost_runs, ok.no_cost.as_deref()),
            (0, Some("spins to a deadline"))
        );
        let (line, message) = error("command = \"x\"\ncost_runs = 0\np95 < \"1s\"\n");
        assert_eq!(line, 12, "{message}");
        assert!(message.contains("no_cost"), "{message}");
        let (line, message) = error("command = \"x\"\np95 < \"1s\"\nno_cost = \" \"\n");
        assert_eq!(line, 13, "{message}");
        assert!(message.contains("needs a reason"), "{message}");
        let (line, message) =
            error("command = \"x\"\nno_cost = \"deadline\"\ncost_runs = 2\np95 < \"1s\"\n");
        assert_eq!(line, 13, "{message}");
        assert!(message.contains("contradicts no_cost"), "{message}");
        let (_, message) = error("command = \"x\"\nno_cost = 3\np95 < \"1s\"\n");
        assert!(message.contains("invalid type"), "{message}");
    }

    #[test]
    fn no_wall_needs_a_reason() {
        let ok = parse_claim(&perf(
            "command = \"curl x\"\nno_wall = \"asks the server\"\np95 < \"1s\"\n",
        ))
        .unwrap();
        assert_eq!(ok.no_wall.as_deref(), Some("asks the server"));
        let (line, message) = error("command = \"x\"\np95 < \"1s\"\nno_wall = \"\"\n");
        assert_eq!(line, 13, "{message}");
        assert!(message.contains("needs a reason"), "{message}");
        let (_, message) = error("command = \"x\"\nno_wall = true\np95 < \"1s\"\n");
        assert!(message.contains("invalid type"), "{message}");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("1.5s"), Some(1500.0));
        assert_eq!(parse_duration_ms("250us"), Some(0.25));
        assert_eq!(parse_duration_ms("fast"), None);
    }
}
