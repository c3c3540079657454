//! `ax serve` end to end: every endpoint answers the CLI's `--json` shape, an edit is visible to
//! the next queries, bad requests get a 4xx JSON error, a plugin edit reloads in place, SIGTERM
//! drains a request in flight, and a non-loopback bind needs its flag.

mod common;

use std::time::Duration;

use assert_cmd::Command;
use common::server::Server;
use predicates::prelude::*;
use predicates::str::contains;
use serde_json::Value;

fn cli_json(root: &std::path::Path, args: &[&str]) -> Value {
    let output = Command::cargo_bin("ax")
        .expect("ax binary")
        .arg("-C")
        .arg(root)
        .args(args)
        .arg("--json")
        .output()
        .expect("run ax");
    serde_json::from_slice(&output.stdout).expect("CLI JSON")
}

#[test]
fn every_endpoint_answers_with_the_cli_json_shape() {
    let project = common::copy_fixture("router-rs");
    let server = Server::start(project.path());
    for (path, args) in [
        (
            "/v1/find?q=route%20handler",
            vec!["find", "route", "handler"],
        ),
        (
            "/v1/find?q=route&kind=method&limit=2",
            vec!["find", "route", "--kind", "method", "-n", "2"],
        ),
        ("/v1/def?name=Router", vec!["def", "Router"]),
        ("/v1/refs?name=Router", vec!["refs", "Router"]),
        ("/v1/stats", vec!["stats"]),
    ] {
        let (status, body) = server.json(path);
        assert_eq!(status, 200, "{path}: {body}");
        let mut expected = cli_json(project.path(), &args);
        let mut body = body;
        // The index size depends on when it was measured; the rest is the same document.
        for value in [&mut expected, &mut body] {
            if let Some(object) = value.as_object_mut() {
                object.remove("index_size_bytes");
            }
        }
        assert_eq!(body, expected, "{path}");
    }
    assert_eq!(
        server.json("/healthz"),
        (200, serde_json::json!({ "status": "ok" }))
    );
    let (status, ready) = server.json("/readyz");
    assert_eq!((status, &ready["status"]), (200, &Value::from("ready")));
}

#[test]
fn an_edited_file_is_visible_to_the_next_queries() {
    let project = common::copy_fixture("router-rs");
    let server = Server::start(project.path());
    let (_, before) = server.json("/readyz");
    let lib = project.path().join("src/lib.rs");
    let mut text = std::fs::read_to_string(&lib).expect("read lib.rs");
    text.push_str("\n/// Added while serving.\npub fn added_while_serving() {}\n");
    std::fs::write(&lib, text).expect("edit lib.rs");
    server.wait_until(Duration::from_secs(30), |server| {
        let (_, body) = server.json("/v1/def?name=added_while_serving");
        body["definitions"]
            .as_array()
            .is_some_and(|found| found.len() == 1)
    });
    // `/readyz` and `/v1/stats` follow once the worker has re-read the committed stats.
    server.wait_until(Duration::from_secs(5), |server| {
        server.json("/readyz").1["generation"].as_u64() > before["generation"].as_u64()
    });

    std::fs::remove_file(&lib).expect("delete lib.rs");
    server.wait_until(Duration::from_secs(30), |server| {
        let (_, body) = server.json("/v1/def?name=added_while_serving");
        body["definitions"].as_array().is_some_and(Vec::is_empty)
    });
}

#[test]
fn queries_during_commits_always_answer_from_a_committed_generation() {
    // Clients query without pause while edit after edit is committed: a commit landing between a
    // query's manifest read and its index open must not surface as an error (it did, 1 in ~3,400
    // requests under benches/serve_load.sh's re-index run).
    let project = common::copy_fixture("router-rs");
    let server = Server::start(project.path());
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let clients: Vec<_> = (0..3)
        .map(|_| {
            let address = server.address.clone();
            let stop = std::sync::Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                let mut answered = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    for path in [
                        "/v1/find?q=route",
                        "/v1/def?name=Router",
                        "/v1/refs?name=Route",
                    ] {
                        let (status, body) = common::server::get(&address, path);
                        answered += 1;
                        if status != 200 {
                            failures.push(format!("{path}: {status} {body}"));
                        }
                    }
                }
                (answered, failures)
            })
        })
        .collect();
    let lib = project.path().join("src/lib.rs");
    for edit in 0..15 {
        let mut text = std::fs::read_to_string(&lib).expect("read lib.rs");
        text.push_str(&format!("pub fn committed_{edit}() {{}}\n"));
        std::fs::write(&lib, text).expect("edit lib.rs");
        server.wait_until(Duration::from_secs(30), |server| {
            server.json(&format!("/v1/def?name=committed_{edit}")).1["definitions"]
                .as_array()
                .is_some_and(|found| found.len() == 1)
        });
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for client in clients {
        let (answered, failures) = client.join().expect("client thread");
        assert!(answered > 0);
        assert!(failures.is_empty(), "{failures:#?}");
    }
}

#[test]
fn bad_requests_get_a_4xx_json_error_and_the_server_keeps_serving() {
    let project = common::copy_fixture("router-rs");
    let server = Server::start(project.path());
    let long_query = "q".repeat(600);
    let long_uri = format!("/v1/find?q={}", "x".repeat(3000));
    let cases: Vec<(String, u16, &str)> = vec![
        ("/v1/find".into(), 400, "bad_request"),
        ("/v1/find?q=".into(), 400, "bad_request"),
        ("/v1/find?q=x&unknown=1".into(), 400, "bad_request"),
        ("/v1/find?q=x&limit=-3".into(), 400, "bad_request"),
        ("/v1/find?q=x&limit=0".into(), 400, "bad_request"),
        ("/v1/find?q=x&lang=cobol".into(), 400, "bad_request"),
        ("/v1/find?q=x&path=%5B".into(), 400, "glob"),
        (format!("/v1/find?q={long_query}"), 400, "bad_request"),
        ("/v1/def".into(), 400, "bad_request"),
        ("/v1/refs?name=a&name=b".into(), 400, "bad_request"),
        ("/v1/stats?verbose=1".into(), 400, "bad_request"),
        ("/v2/find?q=x".into(), 404, "not_found"),
        (long_uri, 414, "uri_too_long"),
    ];
    for (path, status, kind) in cases {
        let (got, body) = server.json(&path);
        let shown = &path[..path.len().min(60)];
        assert_eq!(got, status, "{shown}: {body}");
        assert_eq!(body["error"]["kind"], kind, "{shown}: {body}");
        assert!(body["error"]["message"].is_string(), "{shown}: {body}");
    }
    let (status, body) = server.request(&format!(
        "POST /v1/find?q=x HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{{}}",
        server.address
    ));
    assert_eq!(status, 405, "{body}");
    let (status, body) = server.request(&format!(
        "GET /v1/find?q=x HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: 100000\r\n\r\n",
        server.address
    ));
    assert_eq!(status, 413, "{body}");
    assert_eq!(server.get("/healthz").0, 200, "still serving");
}

const SUFFIX_MANIFEST: &str = r#"name = "pick"
version = "0.1.0"
description = "Replaces every query with one word."
ax = ">=0.1"
hooks = ["on_query"]
"#;

/// A plugin that answers every query with `word`, after `busy_loops` empty loop iterations (the
/// sandbox has no clock, so slowness is counted in iterations).
fn replace_query_with(word: &str, busy_loops: u64) -> String {
    format!(
        "return {{\n  on_query = function(query)\n    local x = 0\n    for i = 1, {busy_loops} do x = x + 1 end\n    \
         return \"{word}\"\n  end,\n}}\n"
    )
}

fn plugin_project(busy_loops: u64) -> tempfile::TempDir {
    let project = common::copy_fixture("router-rs");
    let root = project.path();
    common::write(
        root,
        "ax.toml",
        "[plugins]\ndir = \"plugins\"\ntimeout_ms = 10000\ninstruction_budget = 100000000000\n",
    );
    common::write(root, "plugins/pick/plugin.toml", SUFFIX_MANIFEST);
    common::write(
        root,
        "plugins/pick/init.lua",
        &replace_query_with("Route", busy_loops),
    );
    project
}

fn first_hit(server: &Server) -> String {
    let (status, body) = server.json("/v1/find?q=anything");
    assert_eq!(status, 200, "{body}");
    body["hits"][0]["name"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn a_plugin_edit_reloads_in_place_and_a_broken_one_keeps_the_last_good_version() {
    let project = plugin_project(0);
    let server = Server::start(project.path());
    assert_eq!(first_hit(&server), "Route");
    let init = project.path().join("plugins/pick/init.lua");
    std::fs::write(&init, replace_query_with("parse_request", 0)).expect("edit init.lua");
    server.wait_until(Duration::from_secs(30), |server| {
        first_hit(server) == "parse_request"
    });
    std::fs::write(
        &init,
        "return {\n  on_query = function(q)\n    return q ..\n  end,\n}\n",
    )
    .expect("break init.lua");
    server.wait_until(Duration::from_secs(30), |server| {
        server
            .get("/metrics")
            .1
            .contains("ax_plugin_reloads_total{result=\"error\"} 1")
    });
    assert_eq!(
        first_hit(&server),
        "parse_request",
        "the last good version serves"
    );
}

const BUSY_LOOPS: u64 = 20_000_000;

#[test]
fn sigterm_drains_the_request_in_flight_and_exits_zero() {
    // Every query spends a second or so in the plugin, so the request is in flight when SIGTERM lands.
    let project = plugin_project(BUSY_LOOPS);
    let server = Server::start(project.path());
    let address = server.address.clone();
    let in_flight = std::thread::spawn(move || {
        let answer = common::server::get(&address, "/v1/find?q=anything");
        (answer, std::time::Instant::now())
    });
    std::thread::sleep(Duration::from_millis(300));
    let signalled = std::time::Instant::now();
    let (code, stderr) = server.terminate();
    let ((status, body), answered) = in_flight.join().expect("client thread");
    assert!(
        answered > signalled,
        "the request must still be in flight at SIGTERM (make BUSY_LOOPS larger)"
    );
    assert_eq!(status, 200, "the request in flight was answered: {body}");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("draining") && stderr.contains("stopped"),
        "{stderr}"
    );
}

#[test]
fn a_non_loopback_bind_needs_its_flag() {
    let project = common::copy_fixture("router-rs");
    Command::cargo_bin("ax")
        .expect("ax binary")
        .args(["serve", "--bind", "0.0.0.0:0", "-C"])
        .arg(project.path())
        .timeout(Duration::from_secs(20))
        .assert()
        .code(1)
        .stderr(contains("not a loopback address").and(contains("--allow-non-loopback")));
}
