//! `perf` blocks: a performance claim (`command = "ax find parse"`, `runs = 200`, `warmup = 10`,
//! `p95 < "10ms"`) measured in the sandbox, checked against the claim and against the committed
//! baseline with a tolerance. Input: a claim; output: a result with the measured figures.

use super::{Kind, Phase, Step};
use crate::diagnostics::Diagnostic;
use crate::doctest::options::RunContext;
use crate::doctest::results::{BlockResult, Outcome, PerfMeasurement};
use crate::doctest::sandbox::Sandbox;
use crate::model::{CodeBlock, SourcePos};
use std::collections::BTreeMap;
use std::time::Duration;

pub const KIND: Kind = Kind {
    name: "perf",
    accepts: |block| block.lang == "perf",
    parse: |block| Ok(Box::new(parse_claim(block)?)),
};

/// Statistics a claim can bound.
const METRICS: &[&str] = &["p50", "p95", "p99", "mean", "max"];

/// A parsed `perf` block.
#[derive(Debug, Clone, PartialEq)]
pub struct PerfClaim {
    pub pos: SourcePos,
    pub command: String,
    pub runs: u32,
    pub warmup: u32,
    /// `(metric, limit in ms)`, e.g. `("p95", 10.0)`.
    pub limits: Vec<(String, f64)>,
}

impl PerfClaim {
    /// Key of a metric in `perf-baseline.json`: stable across edits that move the block.
    pub fn baseline_key(&self, metric: &str) -> String {
        format!(
            "{} :: {} :: {metric}",
            self.pos.path.display(),
            self.command
        )
    }
}

/// Parse the block: `key = value` lines (TOML values) and `METRIC < "DURATION"` claims.
pub fn parse_claim(block: &CodeBlock) -> Result<PerfClaim, Diagnostic> {
    let mut settings = String::new();
    let mut limits = Vec::new();
    for (i, line) in block.code.lines().enumerate() {
        let line_no = block.code_start_line + i;
        let err =
            |m: String| Diagnostic::error(&block.pos.path, line_no, 1, m).with_source_line(line);
        if let Some((metric, limit)) = line.split_once('<') {
            let metric = metric.trim();
            if !METRICS.contains(&metric) {
                return Err(err(format!(
                    "unknown metric `{metric}`; use one of {}",
                    METRICS.join(", ")
                )));
            }
            let limit = limit.trim().trim_matches('"');
            let ms = parse_duration_ms(limit).ok_or_else(|| {
                err(format!(
                    "`{limit}` is not a duration like \"10ms\" or \"1.5s\""
                ))
            })?;
            limits.push((metric.to_owned(), ms));
        } else {
            settings.push_str(line);
            settings.push('\n');
        }
    }
    let table: toml::Table = settings.parse().map_err(|e: toml::de::Error| {
        Diagnostic::error(
            &block.pos.path,
            block.code_start_line,
            1,
            format!("invalid perf block: {}", e.message()),
        )
    })?;
    let get_u32 = |key: &str, default: u32| {
        table
            .get(key)
            .and_then(toml::Value::as_integer)
            .map_or(default, |v| v.clamp(0, 100_000) as u32)
    };
    let command = table
        .get("command")
        .and_then(toml::Value::as_str)
        .ok_or_else(|| {
            Diagnostic::error(
                &block.pos.path,
                block.pos.line,
                1,
                "perf block needs `command = \"...\"`",
            )
        })?
        .to_owned();
    if limits.is_empty() {
        return Err(Diagnostic::error(
            &block.pos.path,
            block.pos.line,
            1,
            "perf block makes no claim; add e.g. `p95 < \"10ms\"`",
        ));
    }
    Ok(PerfClaim {
        pos: block.pos.clone(),
        command,
        runs: get_u32("runs", 20).max(1),
        warmup: get_u32("warmup", 2),
        limits,
    })
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

/// Percentile (nearest rank) of sorted samples.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// All metrics of the samples (ms).
pub fn summarize(samples: &[Duration]) -> BTreeMap<String, f64> {
    let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    let mean = if ms.is_empty() {
        0.0
    } else {
        ms.iter().sum::<f64>() / ms.len() as f64
    };
    BTreeMap::from([
        ("p50".to_owned(), percentile(&ms, 50.0)),
        ("p95".to_owned(), percentile(&ms, 95.0)),
        ("p99".to_owned(), percentile(&ms, 99.0)),
        ("mean".to_owned(), mean),
        ("max".to_owned(), ms.last().copied().unwrap_or(0.0)),
    ])
}

impl Step for PerfClaim {
    fn pos(&self) -> &SourcePos {
        &self.pos
    }

    fn phase(&self) -> Phase {
        Phase::Alone
    }

    fn run(&self, sandbox: &mut Sandbox, context: &RunContext) -> Vec<BlockResult> {
        vec![measure(self, sandbox, context)]
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Measure the claim: `warmup` unmeasured runs, then `runs` timed whole-process runs.
fn measure(claim: &PerfClaim, sandbox: &mut Sandbox, context: &RunContext) -> BlockResult {
    let name = claim.command.clone();
    let mut samples = Vec::with_capacity(claim.runs as usize);
    for i in 0..claim.warmup + claim.runs {
        let output = match sandbox.run(&claim.command) {
            Ok(o) => o,
            Err(e) => {
                return BlockResult::new(
                    &claim.pos,
                    "perf",
                    name,
                    Outcome::failed(format!("cannot start `sh`: {e}")),
                );
            }
        };
        if output.timed_out || output.status != Some(0) {
            let why = if output.timed_out {
                "timed out".to_owned()
            } else {
                format!("exited with {:?}", output.status)
            };
            return BlockResult::new(
                &claim.pos,
                "perf",
                name,
                Outcome::failed(format!("`{}` {why}:\n{}", claim.command, output.output)),
            );
        }
        if i >= claim.warmup {
            samples.push(output.elapsed);
        }
    }
    let measured = summarize(&samples);
    let mut problems = Vec::new();
    for (metric, limit) in &claim.limits {
        let value = measured[metric];
        if value > *limit {
            problems.push(format!(
                "claim `{metric} < {limit}ms` does not hold: measured {metric} = {value:.2} ms"
            ));
        }
        if let Some(base) = context.baseline.get(&claim.baseline_key(metric))
            && value > base * context.baseline_tolerance + context.baseline_slack_ms
        {
            problems.push(format!(
                "regression against perf-baseline.json: {metric} = {value:.2} ms, baseline {base:.2} ms (allowed up to {:.2} ms)",
                base * context.baseline_tolerance + context.baseline_slack_ms
            ));
        }
    }
    let outcome = if problems.is_empty() {
        Outcome::Passed
    } else {
        Outcome::failed(problems.join("; "))
    };
    let mut result = BlockResult::new(&claim.pos, "perf", name, outcome);
    result.perf = Some(PerfMeasurement {
        command: claim.command.clone(),
        runs: claim.runs,
        limits: claim.limits.iter().cloned().collect(),
        measured_ms: measured,
        baseline_keys: claim
            .limits
            .iter()
            .map(|(m, _)| (m.clone(), claim.baseline_key(m)))
            .collect(),
    });
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(code: &str) -> CodeBlock {
        CodeBlock {
            lang: "perf".into(),
            attributes: vec![],
            code: code.into(),
            pos: SourcePos {
                path: "t.md".into(),
                line: 4,
                col: 1,
            },
            code_start_line: 5,
            included_from: None,
        }
    }

    #[test]
    fn a_claim_parses() {
        let c = parse_claim(&block(
            "command = \"ax find parse\"\nruns = 200\nwarmup = 10\np95 < \"10ms\"\n",
        ))
        .unwrap();
        assert_eq!(
            (c.command.as_str(), c.runs, c.warmup, c.limits.clone()),
            ("ax find parse", 200, 10, vec![("p95".to_owned(), 10.0)])
        );
    }

    #[test]
    fn bad_claims_name_their_line() {
        assert_eq!(
            parse_claim(&block("command = \"x\"\np42 < \"1ms\"\n"))
                .unwrap_err()
                .line,
            6
        );
        assert_eq!(
            parse_claim(&block("command = \"x\"\np95 < \"fast\"\n"))
                .unwrap_err()
                .line,
            6
        );
        assert!(
            parse_claim(&block("command = \"x\"\n"))
                .unwrap_err()
                .message
                .contains("makes no claim")
        );
        assert!(
            parse_claim(&block("p95 < \"1ms\"\n"))
                .unwrap_err()
                .message
                .contains("needs `command")
        );
    }

    #[test]
    fn durations_and_percentiles() {
        assert_eq!(parse_duration_ms("1.5s"), Some(1500.0));
        assert_eq!(parse_duration_ms("250us"), Some(0.25));
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let s = summarize(&samples);
        assert_eq!((s["p50"], s["p95"], s["max"]), (50.0, 95.0, 100.0));
    }
}
