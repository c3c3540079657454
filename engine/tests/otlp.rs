//! Traces over OTLP, received on the wire: an in-process OTLP/HTTP receiver (axum, decoding the
//! exporter's protobuf with the OpenTelemetry proto types) collects what `ax index`, `ax find` and
//! `ax serve` send, and the tests check span names, attributes and parent-child links. Without an
//! endpoint nothing is sent and `ax serve` starts no exporter thread.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::post;
use common::server::Server;
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use prost::Message;

/// One span as received: ids in hex, attributes as text.
#[derive(Debug, Clone)]
struct Received {
    name: String,
    trace_id: String,
    span_id: String,
    parent_span_id: String,
    kind: SpanKind,
    attributes: BTreeMap<String, String>,
    service: String,
}

impl Received {
    fn attribute(&self, key: &str) -> &str {
        self.attributes.get(key).map_or_else(
            || panic!("{} has no `{key}`: {self:#?}", self.name),
            String::as_str,
        )
    }

    fn is_child_of(&self, parent: &Received) -> bool {
        self.trace_id == parent.trace_id && self.parent_span_id == parent.span_id
    }
}

type Spans = Arc<Mutex<Vec<Received>>>;

/// An OTLP/HTTP receiver on a free loopback port, alive as long as this value.
struct Receiver {
    address: String,
    spans: Spans,
    _runtime: tokio::runtime::Runtime,
}

impl Receiver {
    fn start() -> Receiver {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime for the receiver");
        let spans = Spans::default();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind the receiver");
        let address = listener.local_addr().expect("receiver address").to_string();
        let app = Router::new()
            .route("/v1/traces", post(receive))
            .with_state(Arc::clone(&spans));
        runtime.spawn(async move { axum::serve(listener, app).await });
        Receiver {
            address,
            spans,
            _runtime: runtime,
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    fn spans(&self) -> Vec<Received> {
        self.spans.lock().expect("spans").clone()
    }

    /// Waits until a span named `name` has arrived (the batch exporter sends every 100 ms here).
    fn wait_for(&self, name: &str) -> Received {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(span) = self.spans().into_iter().find(|span| span.name == name) {
                return span;
            }
            let names: Vec<String> = self.spans().into_iter().map(|span| span.name).collect();
            assert!(
                Instant::now() < deadline,
                "no `{name}` span arrived; got {names:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn find(&self, name: &str, matches: impl Fn(&Received) -> bool) -> Received {
        let spans = self.spans();
        spans
            .iter()
            .find(|span| span.name == name && matches(span))
            .cloned()
            .unwrap_or_else(|| panic!("no matching `{name}` span in {spans:#?}"))
    }
}

async fn receive(
    State(spans): State<Spans>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, [(header::HeaderName, &'static str); 1], Vec<u8>) {
    let content_type = [(header::CONTENT_TYPE, "application/x-protobuf")];
    if headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        != Some("application/x-protobuf")
    {
        return (StatusCode::UNSUPPORTED_MEDIA_TYPE, content_type, Vec::new());
    }
    let Ok(request) = ExportTraceServiceRequest::decode(body) else {
        return (StatusCode::BAD_REQUEST, content_type, Vec::new());
    };
    let mut received = spans.lock().expect("spans");
    for resource_spans in request.resource_spans {
        let service = resource_spans
            .resource
            .map(|resource| attributes(&resource.attributes))
            .and_then(|attributes| attributes.get("service.name").cloned())
            .unwrap_or_default();
        for scope_spans in resource_spans.scope_spans {
            for span in scope_spans.spans {
                received.push(Received {
                    kind: span.kind(),
                    name: span.name,
                    trace_id: hex(&span.trace_id),
                    span_id: hex(&span.span_id),
                    parent_span_id: hex(&span.parent_span_id),
                    attributes: attributes(&span.attributes),
                    service: service.clone(),
                });
            }
        }
    }
    let answer = ExportTraceServiceResponse::default().encode_to_vec();
    (StatusCode::OK, content_type, answer)
}

fn attributes(pairs: &[KeyValue]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|pair| {
            let value = match pair
                .value
                .as_ref()
                .and_then(|value: &AnyValue| value.value.as_ref())
            {
                Some(any_value::Value::StringValue(text)) => text.clone(),
                Some(any_value::Value::IntValue(number)) => number.to_string(),
                Some(any_value::Value::BoolValue(flag)) => flag.to_string(),
                Some(any_value::Value::DoubleValue(number)) => number.to_string(),
                other => format!("{other:?}"),
            };
            (pair.key.clone(), value)
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

const PLUGIN_MANIFEST: &str = r#"name = "pick"
version = "0.1.0"
description = "Replaces every query with one word."
ax = ">=0.1"
hooks = ["on_query"]
"#;

/// The router fixture with a plugin whose `on_query` hook rewrites every query to `Route`.
fn project_with_plugin() -> tempfile::TempDir {
    let project = common::copy_fixture("router-rs");
    let root = project.path();
    common::write(root, "ax.toml", "[plugins]\ndir = \"plugins\"\n");
    common::write(root, "plugins/pick/plugin.toml", PLUGIN_MANIFEST);
    common::write(
        root,
        "plugins/pick/init.lua",
        "return {\n  on_query = function(query)\n    return \"Route\"\n  end,\n}\n",
    );
    project
}

/// Runs `ax ARGS` on `root` with `env` (and no inherited `OTEL_*` variable); returns stderr.
fn ax(root: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ax"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("OTEL_") {
            command.env_remove(name);
        }
    }
    let output = command
        .envs(env.iter().copied())
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .expect("run ax");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "ax {args:?} failed: {stderr}");
    stderr
}

#[test]
fn cli_runs_export_index_query_and_plugin_hook_spans() {
    let receiver = Receiver::start();
    let project = project_with_plugin();
    let root = project.path();

    // The environment variable turns exporting on; the process flushes before it exits.
    ax(
        root,
        &["index"],
        &[("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.url())],
    );
    let index = receiver.wait_for("ax.index");
    assert_eq!(index.service, "ax");
    assert_eq!(index.attribute("ax.index.mode"), "full");
    assert_eq!(index.attribute("ax.index.generation"), "1");
    assert!(
        index
            .attribute("ax.index.files_parsed")
            .parse::<u64>()
            .expect("a count")
            > 0
    );
    let commit = receiver.wait_for("ax.commit");
    assert!(commit.is_child_of(&index), "{commit:#?} under {index:#?}");

    // So does `--otlp` (a base URL, as the variable).
    ax(root, &["--otlp", &receiver.url(), "find", "anything"], &[]);
    let query = receiver.wait_for("ax.query");
    assert_eq!(query.attribute("ax.query.kind"), "find");
    assert_eq!(query.attribute("ax.query.text"), "anything");
    assert_eq!(query.attribute("ax.index.generation"), "1");
    assert_ne!(query.attribute("ax.query.results"), "0");
    assert!(
        query.parent_span_id.is_empty(),
        "a CLI query is a root span"
    );
    let hook = receiver.wait_for("ax.plugin.hook");
    assert_eq!(hook.attribute("ax.plugin.name"), "pick");
    assert_eq!(hook.attribute("ax.plugin.hook"), "on_query");
    assert!(hook.is_child_of(&query), "{hook:#?} under {query:#?}");

    // Without an endpoint nothing is sent.
    let before = receiver.spans().len();
    ax(root, &["def", "Router"], &[]);
    ax(root, &["index"], &[]);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        receiver.spans().len(),
        before,
        "spans arrived with no endpoint set"
    );
}

/// Names of the server's threads (`/proc/PID/task/*/comm`, cut to 15 bytes by Linux).
fn thread_names(pid: u32) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/task"))
        .expect("list the server's threads")
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .map(|name| name.trim().to_owned())
        .collect();
    names.sort();
    names
}

const EXPORTER_THREAD: &str = "OpenTelemetry.T";

#[test]
fn serve_request_spans_continue_the_callers_trace_and_parent_the_query() {
    let receiver = Receiver::start();
    let project = project_with_plugin();
    let url = receiver.url();
    let server = Server::start_with_env(
        project.path(),
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &url),
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
        ],
    );
    if cfg!(target_os = "linux") {
        assert!(
            thread_names(server.child.id())
                .iter()
                .any(|name| name == EXPORTER_THREAD),
            "the exporter thread runs: {:?}",
            thread_names(server.child.id())
        );
    }
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let caller_span = "00f067aa0ba902b7";
    let (status, body) = server.request(&format!(
        "GET /v1/find?q=anything HTTP/1.1\r\nHost: {}\r\ntraceparent: 00-{trace_id}-{caller_span}-01\r\n\
         Connection: close\r\n\r\n",
        server.address
    ));
    assert_eq!(status, 200, "{body}");
    assert_eq!(server.get("/nowhere?q=secret").0, 404);

    let request = receiver.wait_for("GET /v1/find");
    assert_eq!(request.kind, SpanKind::Server);
    assert_eq!(request.trace_id, trace_id, "the caller's trace continues");
    assert_eq!(request.parent_span_id, caller_span);
    assert_eq!(request.attribute("http.request.method"), "GET");
    assert_eq!(request.attribute("http.route"), "/v1/find");
    assert_eq!(request.attribute("http.response.status_code"), "200");
    let query = receiver.find("ax.query", |span| span.is_child_of(&request));
    assert_eq!(query.attribute("ax.query.kind"), "find");
    let hook = receiver.find("ax.plugin.hook", |span| span.is_child_of(&query));
    assert_eq!(hook.attribute("ax.plugin.hook"), "on_query");

    // An unknown path: no route, and the span name does not carry the path.
    let unknown = receiver.wait_for("GET");
    assert_eq!(unknown.attribute("http.response.status_code"), "404");
    assert!(
        !unknown.attributes.contains_key("http.route"),
        "{unknown:#?}"
    );
    assert!(unknown.parent_span_id.is_empty());

    // The watcher's catch-up run at start is traced too, as a root span of its own.
    let index = receiver.wait_for("ax.index");
    assert!(index.parent_span_id.is_empty());

    let (code, stderr) = server.terminate();
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn without_an_endpoint_serve_starts_no_exporter_thread() {
    if !cfg!(target_os = "linux") {
        eprintln!("skipped: thread names are read from /proc (Linux only)");
        return;
    }
    let project = common::copy_fixture("router-rs");
    let server = Server::start(project.path());
    assert_eq!(server.get("/v1/find?q=route").0, 200);
    let names = thread_names(server.child.id());
    assert!(
        !names
            .iter()
            .any(|name| name == EXPORTER_THREAD || name.starts_with("reqwest")),
        "{names:?}"
    );
}
