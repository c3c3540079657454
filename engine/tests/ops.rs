//! The operations kit in `ops/` against the real server: the alert rules pass `promtool check rules`
//! and their unit tests (`promtool test rules`); every alert has a summary, a severity and a
//! runbook URL; a scrape of a running `ax serve` (plugins, queries, a re-index and bad requests
//! behind it) passes `promtool check metrics` and has every metric a dashboard panel or a rule uses.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::server::Server;

fn ops_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ops")
}

const RULES: &str = "prometheus/ax-serve.rules.yml";
const RULE_TESTS: &str = "prometheus/ax-serve.rules.test.yml";
const DASHBOARD: &str = "grafana/ax-serve.json";
const PROMTOOL_HINT: &str = "apt-get install prometheus; .ci/run installs it";

fn promtool(args: &[&str], stdin: Option<&str>) -> (bool, String) {
    let mut command = Command::new("promtool");
    command.args(args).current_dir(ops_dir());
    let output = if let Some(input) = stdin {
        use std::io::Write;
        let mut child = command
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start promtool");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("feed promtool");
        child.wait_with_output().expect("promtool")
    } else {
        command.output().expect("promtool")
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn alert_rules_pass_promtool_check_and_their_unit_tests() {
    if !common::tools::require_tool("promtool", PROMTOOL_HINT) {
        return;
    }
    let (ok, output) = promtool(&["check", "rules", RULES], None);
    assert!(ok, "promtool check rules:\n{output}");
    let (ok, output) = promtool(&["test", "rules", RULE_TESTS], None);
    assert!(ok, "promtool test rules:\n{output}");
}

#[test]
fn every_alert_has_a_summary_a_severity_and_a_runbook_url() {
    let rules = std::fs::read_to_string(ops_dir().join(RULES)).expect("read the rules");
    let alerts: Vec<&str> = rules.split("- alert: ").skip(1).collect();
    assert!(alerts.len() >= 8, "{} alerts", alerts.len());
    for alert in alerts {
        let name = alert.lines().next().unwrap_or_default();
        for key in ["expr:", "severity: ", "summary: ", "runbook_url: "] {
            assert!(alert.contains(key), "alert {name} has no `{key}`");
        }
        let severity = alert
            .lines()
            .find_map(|line| line.trim().strip_prefix("severity: "))
            .unwrap_or_default();
        assert!(
            ["critical", "warning"].contains(&severity),
            "alert {name}: severity {severity:?}"
        );
    }
}

/// Names of metrics (`ax_*`, `process_*`) in PromQL text, without recording-rule names (`ax:*`).
fn metric_names(text: &str) -> BTreeSet<String> {
    text.split(|character: char| {
        !(character.is_ascii_alphanumeric() || character == '_' || character == ':')
    })
    .filter(|token| {
        (token.starts_with("ax_") || token.starts_with("process_")) && !token.contains(':')
    })
    .map(str::to_owned)
    .collect()
}

fn dashboard_exprs() -> Vec<String> {
    let text = std::fs::read_to_string(ops_dir().join(DASHBOARD)).expect("read the dashboard");
    let dashboard: serde_json::Value = serde_json::from_str(&text).expect("dashboard JSON");
    let panels = dashboard["panels"].as_array().expect("panels");
    assert!(panels.len() >= 8, "{} panels", panels.len());
    let titles: Vec<&str> = panels
        .iter()
        .filter_map(|panel| panel["title"].as_str())
        .collect();
    for wanted in [
        "latency percentiles",
        "Error rate",
        "Re-index time",
        "Plugin hook errors",
        "SLO burn",
    ] {
        assert!(
            titles.iter().any(|title| title.contains(wanted)),
            "no panel about {wanted}: {titles:?}"
        );
    }
    panels
        .iter()
        .flat_map(|panel| panel["targets"].as_array().cloned().unwrap_or_default())
        .filter_map(|target| target["expr"].as_str().map(str::to_owned))
        .collect()
}

/// A project with a plugin that runs (and sometimes fails) in every hook kind the metrics count.
fn busy_project() -> tempfile::TempDir {
    let project = common::copy_fixture("router-rs");
    let root = project.path();
    common::write(root, "ax.toml", "[plugins]\ndir = \"plugins\"\n");
    common::write(
        root,
        "plugins/echo/plugin.toml",
        "name = \"echo\"\nversion = \"0.1.0\"\ndescription = \"Fails on one query.\"\nax = \">=0.1\"\nhooks = [\"on_query\", \"on_index\"]\n",
    );
    common::write(
        root,
        "plugins/echo/init.lua",
        "return {\n  on_query = function(q)\n    if q == \"fail\" then error(\"asked to\") end\n    return q\n  end,\n  on_index = function(file, symbols)\n    return {}\n  end,\n}\n",
    );
    project
}

#[test]
fn a_real_scrape_passes_promtool_and_has_every_metric_the_dashboard_and_alerts_use() {
    let project = busy_project();
    let server = Server::start(project.path());
    for path in [
        "/v1/find?q=route",
        "/v1/find?q=fail",
        "/v1/def?name=Router",
        "/v1/refs?name=Router",
        "/v1/stats",
        "/v1/find",
        "/nowhere",
        "/readyz",
        "/healthz",
    ] {
        server.get(path);
    }
    let lib = project.path().join("src/lib.rs");
    let text = std::fs::read_to_string(&lib).expect("read lib.rs");
    std::fs::write(&lib, format!("{text}\npub fn scraped() {{}}\n")).expect("edit lib.rs");
    server.wait_until(Duration::from_secs(30), |server| {
        server.json("/v1/def?name=scraped").1["definitions"]
            .as_array()
            .is_some_and(|found| !found.is_empty())
    });
    let (status, scrape) = server.get("/metrics");
    assert_eq!(status, 200);

    let rules = std::fs::read_to_string(ops_dir().join(RULES)).expect("read the rules");
    let mut used = metric_names(&rules);
    for expr in dashboard_exprs() {
        used.extend(metric_names(&expr));
    }
    assert!(used.len() >= 10, "{used:?}");
    let samples: BTreeSet<&str> = scrape
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split(['{', ' ']).next())
        .collect();
    let missing: Vec<&String> = used
        .iter()
        .filter(|name| !samples.contains(name.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "metrics used by ops/ but absent from a real scrape: {missing:?}\n{scrape}"
    );
    // Bounded labels: no query text or request path leaks into a label value.
    for leak in ["route", "nowhere", "Router", "scraped"] {
        assert!(
            !scrape.contains(&format!("\"{leak}")),
            "a label carries request data ({leak}):\n{scrape}"
        );
    }
    assert!(
        scrape.contains("ax_plugin_hook_errors_total{plugin=\"echo\",hook=\"on_query\"} 1"),
        "{scrape}"
    );

    if common::tools::require_tool("promtool", PROMTOOL_HINT) {
        let (ok, output) = promtool(&["check", "metrics"], Some(&scrape));
        assert!(
            ok && output.trim().is_empty(),
            "promtool check metrics:\n{output}"
        );
    }
}
