//! The HTTP side of `ax serve` (axum): `/v1/find`, `/v1/def`, `/v1/refs`, `/v1/stats` answer with the
//! CLI's `--json` shapes; `/healthz`, `/readyz`, `/metrics` are for operators. Input is requests;
//! output is JSON (or Prometheus text), with a JSON error and a 4xx for every bad request.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tracing::Instrument;

use super::state::ServerState;
use crate::cli::json;

/// The longest query or name accepted, in bytes: longer ones are 400, not work.
pub const MAX_QUERY_BYTES: usize = 512;
/// The longest request URI accepted, in bytes (414 beyond).
pub const MAX_URI_BYTES: usize = 2048;
/// Requests carry no body; anything larger than this is refused (413).
pub const MAX_BODY_BYTES: usize = 1024;
/// The most hits one `find` may ask for.
pub const MAX_LIMIT: usize = 1000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FindParams {
    q: String,
    kind: Option<String>,
    lang: Option<String>,
    path: Option<String>,
    limit: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NameParams {
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoParams {}

/// A failed request: its status and the `{"error": {kind, message}}` body.
struct ApiError {
    status: StatusCode,
    kind: &'static str,
    message: String,
}

impl ApiError {
    fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            kind: "bad_request",
            message: message.into(),
        }
    }
}

impl From<ax::Error> for ApiError {
    fn from(error: ax::Error) -> ApiError {
        let status = match &error {
            ax::Error::InvalidArgument { .. } | ax::Error::Glob { .. } => StatusCode::BAD_REQUEST,
            ax::Error::NoIndex { .. }
            | ax::Error::IndexVersion { .. }
            | ax::Error::IndexCorrupt { .. } => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError {
            status,
            kind: json::error_kind(&error),
            message: error.to_string(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json::error(self.kind, &self.message);
        (self.status, axum::Json(body)).into_response()
    }
}

pub fn router(state: Arc<ServerState>) -> Router {
    Router::new()
        .route("/v1/find", get(find))
        .route("/v1/def", get(def))
        .route("/v1/refs", get(refs))
        .route("/v1/stats", get(stats))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(Arc::clone(&state), observe))
        .with_state(state)
}

/// Bounds every request and records its endpoint, status and latency, in its own span.
async fn observe(State(state): State<Arc<ServerState>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let (route, endpoint) = route_of(request.uri().path());
    let span = super::trace::request_span(&request, route);
    let response = respond(request, next).instrument(span.clone()).await;
    super::trace::record_status(&span, response.status());
    state
        .metrics
        .record_request(endpoint, response.status().as_u16(), started.elapsed());
    response
}

/// The bounds every request must keep (URI length, no body), then the route's answer.
async fn respond(request: Request, next: Next) -> Response {
    let too_long = request
        .uri()
        .path_and_query()
        .is_some_and(|uri| uri.as_str().len() > MAX_URI_BYTES);
    let declared_body = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if too_long {
        ApiError {
            status: StatusCode::URI_TOO_LONG,
            kind: "uri_too_long",
            message: format!("the request URI is over {MAX_URI_BYTES} bytes"),
        }
        .into_response()
    } else if declared_body.is_some_and(|length| length > MAX_BODY_BYTES)
        || request.headers().contains_key(header::TRANSFER_ENCODING)
    {
        ApiError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            kind: "payload_too_large",
            message: format!("requests carry no body (at most {MAX_BODY_BYTES} bytes)"),
        }
        .into_response()
    } else {
        next.run(request).await
    }
}

/// The served paths with the endpoint each is counted under (`metrics::ENDPOINTS`).
const ROUTES: [(&str, &str); 7] = [
    ("/v1/find", "find"),
    ("/v1/def", "def"),
    ("/v1/refs", "refs"),
    ("/v1/stats", "stats"),
    ("/healthz", "healthz"),
    ("/readyz", "readyz"),
    ("/metrics", "metrics"),
];

/// The route a path is served by and its endpoint name; `other` (and no route) for the rest.
fn route_of(path: &str) -> (Option<&'static str>, &'static str) {
    ROUTES
        .iter()
        .find(|(route, _)| *route == path)
        .map_or((None, "other"), |(route, endpoint)| {
            (Some(*route), *endpoint)
        })
}

/// Parses the query string into `T`, rejecting unknown and malformed parameters.
fn params<T: DeserializeOwned>(request: &Request) -> Result<T, ApiError> {
    let query = request.uri().query().unwrap_or("");
    serde_urlencoded::from_str(query)
        .map_err(|error| ApiError::bad_request(format!("bad query parameters: {error}")))
}

fn bounded<'a>(name: &str, value: &'a str) -> Result<&'a str, ApiError> {
    if value.trim().is_empty() {
        return Err(ApiError::bad_request(format!("`{name}` is empty")));
    }
    if value.len() > MAX_QUERY_BYTES {
        return Err(ApiError::bad_request(format!(
            "`{name}` is over {MAX_QUERY_BYTES} bytes"
        )));
    }
    Ok(value)
}

/// Runs a query on the query threads (one per core, first come first served), so a slow one never
/// stalls `/healthz`; its spans are children of the request's.
async fn answer(
    state: Arc<ServerState>,
    query: impl FnOnce(&ax::Engine) -> Result<Value, ax::Error> + Send + 'static,
) -> Result<axum::Json<Value>, ApiError> {
    let span = tracing::Span::current();
    let pool = Arc::clone(&state);
    let answered = pool
        .queries
        .run(move || span.in_scope(|| state.with_engine(query)))
        .await;
    match answered {
        Some(result) => Ok(axum::Json(result?)),
        None => Err(internal_error()),
    }
}

fn internal_error() -> ApiError {
    ApiError {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        kind: "internal",
        message: "the query failed unexpectedly".into(),
    }
}

async fn find(
    State(state): State<Arc<ServerState>>,
    request: Request,
) -> Result<axum::Json<Value>, ApiError> {
    let params: FindParams = params(&request)?;
    bounded("q", &params.q)?;
    if params
        .limit
        .is_some_and(|limit| limit == 0 || limit > MAX_LIMIT)
    {
        return Err(ApiError::bad_request(format!(
            "`limit` must be between 1 and {MAX_LIMIT}"
        )));
    }
    let lang = params
        .lang
        .as_deref()
        .map(str::parse::<ax::Language>)
        .transpose()
        .map_err(|message| ApiError::bad_request(format!("bad `lang`: {message}")))?;
    let options = ax::FindOptions {
        kind: params.kind.map(ax::SymbolKind::from),
        lang,
        path_glob: params.path,
        limit: params.limit,
    };
    let query = params.q;
    answer(state, move |engine| {
        let hits = engine.find(&query, &options)?;
        Ok(json::find(&query, &hits))
    })
    .await
}

async fn def(
    State(state): State<Arc<ServerState>>,
    request: Request,
) -> Result<axum::Json<Value>, ApiError> {
    by_name(state, request, |engine, name| {
        Ok(json::def(name, &engine.def(name)?))
    })
    .await
}

async fn refs(
    State(state): State<Arc<ServerState>>,
    request: Request,
) -> Result<axum::Json<Value>, ApiError> {
    by_name(state, request, |engine, name| {
        Ok(json::refs(name, &engine.refs(name)?))
    })
    .await
}

/// `def` and `refs`: one bounded `name` parameter, answered by `query`.
async fn by_name(
    state: Arc<ServerState>,
    request: Request,
    query: impl FnOnce(&ax::Engine, &str) -> Result<Value, ax::Error> + Send + 'static,
) -> Result<axum::Json<Value>, ApiError> {
    let params: NameParams = params(&request)?;
    bounded("name", &params.name)?;
    answer(state, move |engine| query(engine, &params.name)).await
}

async fn stats(
    State(state): State<Arc<ServerState>>,
    request: Request,
) -> Result<axum::Json<Value>, ApiError> {
    let _: NoParams = params(&request)?;
    match state.stats() {
        Some(stats) => Ok(axum::Json(json::stats(&stats))),
        None => answer(state, |engine| Ok(json::stats(&engine.stats()?))).await,
    }
}

async fn healthz() -> axum::Json<Value> {
    axum::Json(serde_json::json!({ "status": "ok" }))
}

/// Ready once an index is committed and open: before the first index, or while the index is
/// damaged, orchestrators keep traffic away.
async fn readyz(State(state): State<Arc<ServerState>>) -> Response {
    match state.stats() {
        Some(stats) => {
            axum::Json(serde_json::json!({ "status": "ready", "generation": stats.generation }))
                .into_response()
        }
        None => ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            kind: "not_ready",
            message: state.not_ready_reason(),
        }
        .into_response(),
    }
}

async fn metrics(State(state): State<Arc<ServerState>>) -> Response {
    let body = tokio::task::spawn_blocking(move || state.render_metrics())
        .await
        .unwrap_or_default();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

async fn not_found() -> ApiError {
    ApiError {
        status: StatusCode::NOT_FOUND,
        kind: "not_found",
        message: "no such endpoint: see /v1/find, /v1/def, /v1/refs, /v1/stats".into(),
    }
}

async fn method_not_allowed() -> ApiError {
    ApiError {
        status: StatusCode::METHOD_NOT_ALLOWED,
        kind: "method_not_allowed",
        message: "only GET is served".into(),
    }
}
