//! The request spans of `ax serve`: one `server` span per request, named `METHOD ROUTE` with the
//! OpenTelemetry HTTP attributes (`http.request.method`, `http.route`,
//! `http.response.status_code`), continuing the caller's trace when the request carries a W3C
//! `traceparent`. The engine's `ax.query` and `ax.plugin.hook` spans are its children. Input is a
//! request; output is its span. With no exporter installed (`cli/telemetry.rs`) the span is
//! disabled and no header is read.

use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use opentelemetry::propagation::{Extractor, TextMapPropagator};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use tracing::Span;
use tracing::field::Empty;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// The span of one request to `route` (`None` for a path no route serves).
pub fn request_span(request: &Request, route: Option<&'static str>) -> Span {
    let method = request.method().as_str();
    let span = tracing::info_span!(
        "http.request",
        otel.name = Empty,
        otel.kind = "server",
        otel.status_code = Empty,
        http.request.method = method,
        http.route = Empty,
        http.response.status_code = Empty,
    );
    if span.is_disabled() {
        return span;
    }
    // Unknown paths get no route: the span name stays bounded, as the metrics' labels do.
    match route {
        Some(route) => {
            span.record("otel.name", format!("{method} {route}"));
            span.record("http.route", route);
        }
        None => {
            span.record("otel.name", method);
        }
    }
    if request.headers().contains_key("traceparent") {
        let parent = TraceContextPropagator::new().extract(&Headers(request.headers()));
        // Only fails once the span has started; it has not been entered yet.
        let _ = span.set_parent(parent);
    }
    span
}

/// Records the response's status; a 5xx marks the span as an error (a 4xx is the caller's).
pub fn record_status(span: &Span, status: StatusCode) {
    span.record("http.response.status_code", status.as_u16());
    if status.is_server_error() {
        span.record("otel.status_code", "ERROR");
    }
}

/// The request headers as the propagator reads them.
struct Headers<'a>(&'a HeaderMap);

impl Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|name| name.as_str()).collect()
    }
}
