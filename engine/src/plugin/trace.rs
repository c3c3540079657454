//! Records of hook calls for `ax plugin dev`, `trace` and `profile`: one record per call, and a
//! profile that sums them per plugin and hook. Input is what the host observed; output is plain data
//! and text tables.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

/// One hook call as the host saw it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HookCall {
    pub plugin: String,
    pub hook: String,
    /// A short, human summary of the arguments (`query="parse"`, `file=src/a.rs symbols=3`).
    pub arguments: String,
    /// Items returned (symbols added, hits kept, lines of output, findings); 0 for `nil`.
    pub result_size: usize,
    #[serde(serialize_with = "serialize_micros")]
    pub duration: Duration,
    pub instructions: u64,
    /// The error text when the call failed; the host skipped its result.
    pub error: Option<String>,
}

fn serialize_micros<S: serde::Serializer>(
    duration: &Duration,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_u128(duration.as_micros())
}

impl HookCall {
    /// `plugin hook(arguments) -> N items in T µs, ~I instructions` or the error.
    pub fn render(&self) -> String {
        let outcome = match &self.error {
            Some(error) => format!("error: {error}"),
            None => format!("{} item(s)", self.result_size),
        };
        // Instructions are counted at each limit check, so a short call shows none.
        let instructions = if self.instructions == 0 {
            "under 1000 instructions".to_string()
        } else {
            format!("~{} instructions", self.instructions)
        };
        format!(
            "{} {}({}) -> {} in {} µs, {instructions}",
            self.plugin,
            self.hook,
            self.arguments,
            outcome,
            self.duration.as_micros(),
        )
    }
}

/// Totals for one plugin hook across a run.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ProfileRow {
    pub plugin: String,
    pub hook: String,
    pub calls: usize,
    pub errors: usize,
    #[serde(serialize_with = "serialize_micros")]
    pub total_time: Duration,
    pub instructions: u64,
}

impl ProfileRow {
    pub fn mean_time(&self) -> Duration {
        let calls = u32::try_from(self.calls.max(1)).unwrap_or(u32::MAX);
        self.total_time / calls
    }
}

/// Sums calls per plugin and hook, most instructions first; ties broken by name. Not by time: a
/// hook's wall time moves with the machine's load, so two hooks of similar cost swapped places
/// between runs (tutorial 20's table, one gate run in ~20); the instruction count does not.
pub fn profile(calls: &[HookCall]) -> Vec<ProfileRow> {
    let mut rows: BTreeMap<(String, String), ProfileRow> = BTreeMap::new();
    for call in calls {
        // `commands.NAME` and `lint.RULE` are profiled separately: each is its own piece of code.
        let row = rows
            .entry((call.plugin.clone(), call.hook.clone()))
            .or_insert_with(|| ProfileRow {
                plugin: call.plugin.clone(),
                hook: call.hook.clone(),
                calls: 0,
                errors: 0,
                total_time: Duration::ZERO,
                instructions: 0,
            });
        row.calls += 1;
        row.errors += usize::from(call.error.is_some());
        row.total_time += call.duration;
        row.instructions += call.instructions;
    }
    let mut rows: Vec<ProfileRow> = rows.into_values().collect();
    rows.sort_by(|a, b| {
        b.instructions
            .cmp(&a.instructions)
            .then_with(|| a.plugin.cmp(&b.plugin))
            .then_with(|| a.hook.cmp(&b.hook))
    });
    rows
}

/// The profile as an aligned text table.
pub fn render_profile(rows: &[ProfileRow]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<24} {:<20} {:>6} {:>6} {:>12} {:>12} {:>14}",
        "plugin", "hook", "calls", "errors", "total µs", "mean µs", "instructions"
    );
    for row in rows {
        let _ = writeln!(
            out,
            "{:<24} {:<20} {:>6} {:>6} {:>12} {:>12} {:>14}",
            row.plugin,
            row.hook,
            row.calls,
            row.errors,
            row.total_time.as_micros(),
            row.mean_time().as_micros(),
            row.instructions
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(plugin: &str, hook: &str, micros: u64, error: bool) -> HookCall {
        HookCall {
            plugin: plugin.to_string(),
            hook: hook.to_string(),
            arguments: String::new(),
            result_size: 1,
            duration: Duration::from_micros(micros),
            instructions: micros * 100,
            error: error.then(|| "boom".to_string()),
        }
    }

    #[test]
    fn profile_sums_per_hook_and_sorts_by_instructions_not_time() {
        let rows = profile(&[
            call("a", "on_query", 10, false),
            call("b", "on_index", 50, true),
            call("a", "on_query", 30, false),
        ]);
        let summary: Vec<_> = rows
            .iter()
            .map(|row| {
                (
                    row.plugin.as_str(),
                    row.hook.as_str(),
                    row.calls,
                    row.errors,
                    row.total_time.as_micros(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![("b", "on_index", 1, 1, 50), ("a", "on_query", 2, 0, 40)]
        );
        assert_eq!(rows[1].mean_time(), Duration::from_micros(20));
        assert_eq!(rows[1].instructions, 4_000);
        // A hook that ran fewer instructions but took longer (a busy machine) stays below.
        let mut slow_but_light = call("c", "on_index", 900, false);
        slow_but_light.instructions = 10;
        let rows = profile(&[call("d", "on_query", 10, false), slow_but_light]);
        assert_eq!(
            (rows[0].plugin.as_str(), rows[1].plugin.as_str()),
            ("d", "c")
        );
    }
}
