//! The Prometheus text format for `/metrics` and `ax stats --prometheus`: request counters and
//! latency histograms per endpoint, index size and generation, re-index runs, plugin hook totals,
//! process figures. Input is what the server observed; output is exposition text. Every label
//! value comes from a fixed set (endpoint names, status codes, plugin and hook names), never from a
//! request's query string or path.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

use ax::Stats;
use ax::plugin::PluginHost;

/// Latency buckets in seconds, shared by requests and re-index runs: dense where the 10 ms query
/// target and the 100 ms re-index target are.
pub const BUCKETS_SECONDS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The endpoints requests are counted under; anything else is `other`.
pub const ENDPOINTS: [&str; 8] = [
    "find", "def", "refs", "stats", "healthz", "readyz", "metrics", "other",
];

#[derive(Debug, Clone, Default)]
struct Histogram {
    counts: [u64; BUCKETS_SECONDS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        for (bucket, bound) in self.counts.iter_mut().zip(BUCKETS_SECONDS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        self.count += 1;
        self.sum += seconds;
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let separator = if labels.is_empty() { "" } else { "," };
        for (count, bound) in self.counts.iter().zip(BUCKETS_SECONDS) {
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{separator}le=\"{bound}\"}} {count}"
            );
        }
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels}{separator}le=\"+Inf\"}} {}",
            self.count
        );
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let _ = writeln!(out, "{name}_sum{braces} {}", self.sum);
        let _ = writeln!(out, "{name}_count{braces} {}", self.count);
    }
}

#[derive(Debug, Default)]
struct Observed {
    /// (endpoint, status code) to count.
    requests: BTreeMap<(&'static str, u16), u64>,
    latency: BTreeMap<&'static str, Histogram>,
    reindex: Histogram,
    reindex_failures: u64,
    reloads: BTreeMap<&'static str, u64>,
}

/// What the server has observed since it started.
#[derive(Debug, Default)]
pub struct Metrics {
    observed: Mutex<Observed>,
}

impl Metrics {
    pub fn record_request(&self, endpoint: &'static str, status: u16, elapsed: Duration) {
        let mut observed = self.lock();
        *observed.requests.entry((endpoint, status)).or_insert(0) += 1;
        observed
            .latency
            .entry(endpoint)
            .or_default()
            .observe(elapsed.as_secs_f64());
    }

    pub fn record_reindex(&self, elapsed: Duration, succeeded: bool) {
        let mut observed = self.lock();
        observed.reindex.observe(elapsed.as_secs_f64());
        if !succeeded {
            observed.reindex_failures += 1;
        }
    }

    pub fn record_reload(&self, succeeded: bool) {
        let result = if succeeded { "ok" } else { "error" };
        *self.lock().reloads.entry(result).or_insert(0) += 1;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Observed> {
        self.observed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The whole `/metrics` page.
    pub fn render(
        &self,
        stats: Option<&Stats>,
        ready: bool,
        plugins: Option<&PluginHost>,
    ) -> String {
        let mut out = String::new();
        header(
            &mut out,
            "ax_build_info",
            "gauge",
            "The running ax version.",
        );
        let _ = writeln!(out, "ax_build_info{{version=\"{}\"}} 1", ax::VERSION);
        header(
            &mut out,
            "ax_ready",
            "gauge",
            "1 when the index is open and answering.",
        );
        let _ = writeln!(out, "ax_ready {}", u8::from(ready));
        {
            let observed = self.lock();
            header(
                &mut out,
                "ax_http_requests_total",
                "counter",
                "HTTP requests by endpoint and status code.",
            );
            for ((endpoint, status), count) in &observed.requests {
                let _ = writeln!(
                    out,
                    "ax_http_requests_total{{endpoint=\"{endpoint}\",code=\"{status}\"}} {count}"
                );
            }
            header(
                &mut out,
                "ax_http_request_duration_seconds",
                "histogram",
                "Time from request to response, by endpoint.",
            );
            for endpoint in ENDPOINTS {
                let histogram = observed.latency.get(endpoint).cloned().unwrap_or_default();
                histogram.render(
                    &mut out,
                    "ax_http_request_duration_seconds",
                    &format!("endpoint=\"{endpoint}\""),
                );
            }
            header(
                &mut out,
                "ax_reindex_duration_seconds",
                "histogram",
                "Time of each re-index run after a change, commit included.",
            );
            observed
                .reindex
                .render(&mut out, "ax_reindex_duration_seconds", "");
            header(
                &mut out,
                "ax_reindex_failures_total",
                "counter",
                "Re-index runs that failed (the last committed index kept serving).",
            );
            let _ = writeln!(
                out,
                "ax_reindex_failures_total {}",
                observed.reindex_failures
            );
            header(
                &mut out,
                "ax_plugin_reloads_total",
                "counter",
                "Plugin hot reloads by result.",
            );
            for result in ["ok", "error"] {
                let count = observed.reloads.get(result).copied().unwrap_or(0);
                let _ = writeln!(
                    out,
                    "ax_plugin_reloads_total{{result=\"{result}\"}} {count}"
                );
            }
        }
        if let Some(stats) = stats {
            out.push_str(&render_index(stats));
        }
        render_plugins(&mut out, plugins);
        render_process(&mut out);
        out
    }
}

/// The index figures, also printed by `ax stats --prometheus`.
pub fn render_index(stats: &Stats) -> String {
    let mut out = String::new();
    let gauges: [(&str, &str, u64); 5] = [
        (
            "ax_index_generation",
            "The committed index generation (bumped by every commit).",
            stats.generation,
        ),
        ("ax_index_files", "Files in the index.", stats.files as u64),
        (
            "ax_index_symbols",
            "Symbols in the index.",
            stats.symbols as u64,
        ),
        (
            "ax_index_references",
            "References in the index.",
            stats.references as u64,
        ),
        (
            "ax_index_size_bytes",
            "Bytes on disk under .ax/.",
            stats.index_size_bytes,
        ),
    ];
    for (name, help, value) in gauges {
        header(&mut out, name, "gauge", help);
        let _ = writeln!(out, "{name} {value}");
    }
    header(
        &mut out,
        "ax_index_language_symbols",
        "gauge",
        "Symbols in the index by language.",
    );
    for (language, counts) in &stats.languages {
        let _ = writeln!(
            out,
            "ax_index_language_symbols{{language=\"{language}\"}} {}",
            counts.symbols
        );
    }
    out
}

fn render_plugins(out: &mut String, plugins: Option<&PluginHost>) {
    let totals = plugins.map(PluginHost::hook_totals).unwrap_or_default();
    let families: [(&str, &str, &str); 4] = [
        (
            "ax_plugin_hook_calls_total",
            "counter",
            "Plugin hook calls by plugin and hook.",
        ),
        (
            "ax_plugin_hook_errors_total",
            "counter",
            "Plugin hook calls that failed (the host used its input unchanged).",
        ),
        (
            "ax_plugin_hook_limit_hits_total",
            "counter",
            "Plugin hook calls stopped by the memory, instruction or time limit.",
        ),
        (
            "ax_plugin_hook_seconds_total",
            "counter",
            "Time spent in plugin hooks.",
        ),
    ];
    for (index, (name, kind, help)) in families.iter().enumerate() {
        header(out, name, kind, help);
        for (plugin, hook, total) in &totals {
            let value = match index {
                0 => total.calls as f64,
                1 => total.errors as f64,
                2 => total.limit_hits as f64,
                _ => total.seconds,
            };
            let _ = writeln!(
                out,
                "{name}{{plugin=\"{}\",hook=\"{hook}\"}} {value}",
                escape_label(plugin)
            );
        }
    }
}

/// Process figures from `/proc/self` (Linux); absent elsewhere.
fn render_process(out: &mut String) {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return;
    };
    // Fields after the command name, which is in parentheses and may hold spaces.
    let Some(fields) = stat.rsplit_once(") ").map(|(_, rest)| rest) else {
        return;
    };
    let fields: Vec<&str> = fields.split_whitespace().collect();
    let number = |index: usize| {
        fields
            .get(index)
            .and_then(|value| value.parse::<f64>().ok())
    };
    // `man 5 proc`: utime 14, stime 15, num_threads 20, starttime 22, vsize 23, rss 24 (1-based,
    // counting pid and comm); here shifted by 3.
    let ticks = 100.0;
    let page_bytes = 4096.0;
    if let (Some(user), Some(system)) = (number(11), number(12)) {
        header(
            out,
            "process_cpu_seconds_total",
            "counter",
            "User and system CPU time.",
        );
        let _ = writeln!(out, "process_cpu_seconds_total {}", (user + system) / ticks);
    }
    if let Some(rss) = number(21) {
        header(
            out,
            "process_resident_memory_bytes",
            "gauge",
            "Resident memory.",
        );
        let _ = writeln!(out, "process_resident_memory_bytes {}", rss * page_bytes);
    }
    if let Some(vsize) = number(20) {
        header(
            out,
            "process_virtual_memory_bytes",
            "gauge",
            "Virtual memory.",
        );
        let _ = writeln!(out, "process_virtual_memory_bytes {vsize}");
    }
    if let Some(threads) = number(17) {
        header(out, "process_threads", "gauge", "OS threads.");
        let _ = writeln!(out, "process_threads {threads}");
    }
    if let (Some(start_ticks), Some(boot)) = (number(19), boot_time_seconds()) {
        header(
            out,
            "process_start_time_seconds",
            "gauge",
            "Start time since the Unix epoch.",
        );
        let _ = writeln!(
            out,
            "process_start_time_seconds {}",
            boot + start_ticks / ticks
        );
    }
    if let Ok(entries) = std::fs::read_dir("/proc/self/fd") {
        header(out, "process_open_fds", "gauge", "Open file descriptors.");
        let _ = writeln!(out, "process_open_fds {}", entries.count());
    }
}

fn boot_time_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    stat.lines()
        .find_map(|line| line.strip_prefix("btime "))
        .and_then(|value| value.trim().parse().ok())
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// Label values escape `\`, `"` and newlines (the exposition format's rule).
fn escape_label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
