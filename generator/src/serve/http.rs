//! The HTTP side of `docgen serve`: bind the listener, serve the site from memory with the right content
//! types, the live-reload client and its websocket. Input: the shared `ServedSite`; output: responses.
//!
//! Files come from the in-memory site, never from the disk, so a request path cannot reach a file outside
//! the site; a path with a `..` segment is still refused outright rather than normalised.

use super::rebuild::{SEARCH_MANIFEST_PREFIX, SiteFiles};
use super::reload::{self, ReloadMessage};
use axum::Router;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use tokio::sync::{broadcast, watch};

/// What the server serves right now: the last good site and the state of the latest build.
#[derive(Debug, Clone)]
pub struct ServedSite {
    pub files: SiteFiles,
    /// `Ok`, or `Errors` when the latest build failed (the files are then the last good ones).
    pub status: ReloadMessage,
    /// The latest tutorial re-run, shown again to a page that connects after it.
    pub tutorial: Option<ReloadMessage>,
    /// Bumped with every reload message; pages carry the version they were served from.
    pub version: u64,
}

/// Shared by every request handler.
#[derive(Clone)]
pub struct AppState {
    pub site: watch::Receiver<Arc<ServedSite>>,
    pub messages: broadcast::Sender<ReloadMessage>,
}

/// Why the server could not start listening.
#[derive(Debug, thiserror::Error)]
pub enum BindError {
    #[error(
        "{addr} is already in use; stop the other server, pick another --port, or use --port 0 for a free one"
    )]
    PortInUse { addr: SocketAddr },
    #[error("cannot listen on {addr}: {source}")]
    Other {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// Listen on `bind:port` (`port` 0 picks a free port).
pub fn bind(bind: IpAddr, port: u16) -> Result<std::net::TcpListener, BindError> {
    let addr = SocketAddr::new(bind, port);
    let listener = std::net::TcpListener::bind(addr).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AddrInUse {
            BindError::PortInUse { addr }
        } else {
            BindError::Other { addr, source }
        }
    })?;
    listener
        .set_nonblocking(true)
        .map_err(|source| BindError::Other { addr, source })?;
    Ok(listener)
}

/// The routes: the client script, its websocket, and every other path from the site.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(reload::CLIENT_URL, get(client_script))
        .route(reload::SOCKET_URL, get(socket))
        .fallback(get(site_file))
        .with_state(state)
}

async fn client_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        reload::CLIENT_JS,
    )
        .into_response()
}

async fn socket(ws: WebSocketUpgrade, State(state): State<AppState>) -> Response {
    ws.on_upgrade(move |socket| push_messages(socket, state))
}

/// Send the current state, then every message until the browser goes away.
async fn push_messages(mut socket: WebSocket, state: AppState) {
    // Subscribe before reading the state so no message sent in between is lost.
    let mut messages = state.messages.subscribe();
    let current = state.site.borrow().clone();
    let mut first = vec![
        ReloadMessage::Hello {
            version: current.version,
        },
        current.status.clone(),
    ];
    first.extend(current.tutorial.clone());
    for message in first {
        if socket.send(Message::text(message.to_json())).await.is_err() {
            return;
        }
    }
    loop {
        tokio::select! {
            message = messages.recv() => match message {
                Ok(message) => {
                    if socket.send(Message::text(message.to_json())).await.is_err() {
                        return;
                    }
                }
                // Too slow to keep up: a reload brings the page to the newest site anyway.
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    let reload = ReloadMessage::Reload { changed: Vec::new() };
                    if socket.send(Message::text(reload.to_json())).await.is_err() {
                        return;
                    }
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(_)) => {}
                _ => return,
            },
        }
    }
}

/// Why a request path was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum PathRefused {
    #[error("path escapes the site")]
    Escapes,
    #[error("path is not valid UTF-8")]
    NotUtf8,
}

/// Turn a request path into a site file path: percent-decoded, no `..`, `dir/` → `dir/index.html`.
pub fn site_path(request_path: &str) -> Result<String, PathRefused> {
    let decoded = percent_encoding::percent_decode_str(request_path)
        .decode_utf8()
        .map_err(|_| PathRefused::NotUtf8)?;
    let mut segments = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Err(PathRefused::Escapes),
            s if s.contains('\\') || s.contains('\0') => return Err(PathRefused::Escapes),
            s => segments.push(s),
        }
    }
    let mut path = segments.join("/");
    if decoded.ends_with('/') || path.is_empty() {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str("index.html");
    }
    Ok(path)
}

/// Characters a `Location` path must not carry as they are.
const LOCATION_ESCAPES: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// The redirect target for a folder requested without its slash, built from the checked site path
/// (not the raw request, where `//host` would make it a redirect to another site).
fn folder_location(site_path: &str) -> String {
    format!(
        "/{}/",
        percent_encoding::utf8_percent_encode(site_path, LOCATION_ESCAPES)
    )
}

async fn site_file(State(state): State<AppState>, uri: Uri) -> Response {
    let path = match site_path(uri.path()) {
        Ok(path) => path,
        Err(refused) => return (StatusCode::BAD_REQUEST, refused.to_string()).into_response(),
    };
    let site = state.site.borrow().clone();
    if let Some(bytes) = site.files.get(&path) {
        return file_response(StatusCode::OK, &path, bytes, site.version);
    }
    // `/guide/intro` → `/guide/intro/`, as static hosts do, so relative links keep working.
    if site.files.contains_key(&format!("{path}/index.html")) {
        return (
            StatusCode::PERMANENT_REDIRECT,
            [(header::LOCATION, folder_location(&path))],
        )
            .into_response();
    }
    // After an incremental rebuild pages still name the manifest they were rendered with; the newest
    // bundle answers for any of them.
    if path.starts_with(SEARCH_MANIFEST_PREFIX)
        && let Some((current, bytes)) = site
            .files
            .iter()
            .find(|(p, _)| p.starts_with(SEARCH_MANIFEST_PREFIX))
    {
        return file_response(StatusCode::OK, current, bytes, site.version);
    }
    match site.files.get("404.html") {
        Some(bytes) => file_response(StatusCode::NOT_FOUND, "404.html", bytes, site.version),
        // Nothing built yet (the first build failed): a page that can still show the overlay.
        None => file_response(
            StatusCode::NOT_FOUND,
            "404.html",
            b"<!doctype html><html><head><title>docgen serve: build failed</title></head><body><p>No version of the site has built yet: the build's errors are below and in the terminal. Save a fix and this page reloads.</p></body></html>",
            site.version,
        ),
    }
}

fn file_response(status: StatusCode, path: &str, bytes: &[u8], version: u64) -> Response {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let is_html = mime.essence_str() == "text/html";
    let content_type = if mime.type_() == "text" || mime.essence_str() == "application/javascript" {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_owned()
    };
    let body = if is_html {
        reload::inject_client(bytes, version)
    } else {
        bytes.to_vec()
    };
    (
        status,
        [
            (header::CONTENT_TYPE, content_type),
            // Every response may change on the next save.
            (header::CACHE_CONTROL, "no-cache".to_owned()),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_path_maps_directories_to_index() {
        assert_eq!(site_path("/").as_deref(), Ok("index.html"));
        assert_eq!(
            site_path("/guide/intro/").as_deref(),
            Ok("guide/intro/index.html")
        );
        assert_eq!(
            site_path("/static/style.css").as_deref(),
            Ok("static/style.css")
        );
        assert_eq!(site_path("/a%20b.txt").as_deref(), Ok("a b.txt"));
    }

    #[test]
    fn folder_redirects_stay_on_this_site() {
        let path = site_path("//evil.example/x").unwrap();
        assert_eq!(folder_location(&path), "/evil.example/x/");
        assert_eq!(folder_location("a b/ü"), "/a%20b/%C3%BC/");
    }

    #[test]
    fn site_path_refuses_escapes_in_every_encoding() {
        for path in [
            "/.%2e/x",
            "/%2e./x",
            "/%2e%2e%2fx",
            "/a/%2E%2e/%2e%2E/x",
            "/%2e%2e%5cx",
            "/x%00.html",
            "/..%2f..%2fetc/passwd",
        ] {
            assert_eq!(site_path(path), Err(PathRefused::Escapes), "{path}");
        }
        // Overlong UTF-8 for `.` is not UTF-8 at all.
        assert_eq!(site_path("/%c0%ae%c0%ae/x"), Err(PathRefused::NotUtf8));
        // Double encoding decodes once: a folder literally named `%2e%2e`, inside the site.
        assert_eq!(site_path("/%252e%252e/x").as_deref(), Ok("%2e%2e/x"));
    }

    #[test]
    fn site_path_refuses_escapes() {
        for path in [
            "/../etc/passwd",
            "/guide/../../x",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc",
            "/a\\..\\b",
        ] {
            assert_eq!(site_path(path), Err(PathRefused::Escapes), "{path}");
        }
    }
}
