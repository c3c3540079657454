//! Live reload and the error overlay: the messages the server pushes over the websocket, and the browser
//! client that acts on them. Input: rebuild outcomes and tutorial results; output: JSON messages and the
//! `<script>` tag injected into served HTML (never into `docgen build` output).
//!
//! The client is a served file, `/__docgen/livereload.js`, not an inline script, so a Content-Security-Policy
//! that forbids inline scripts (as `netlify.toml`'s does) still allows it.

use crate::diagnostics::Diagnostic;

/// URL of the live-reload client script.
pub const CLIENT_URL: &str = "/__docgen/livereload.js";
/// URL of the websocket the client connects to.
pub const SOCKET_URL: &str = "/__docgen/ws";
/// The client: reconnecting websocket, reload on `reload`, overlay on `errors` and `tutorial`.
pub const CLIENT_JS: &str = include_str!("livereload.js");

/// What the server tells the browser.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ReloadMessage {
    /// First message on every connection: the site's version. A page served an older version reloads,
    /// which closes the gap between a page's request and its socket connecting.
    Hello { version: u64 },
    /// The site changed: reload the page. `changed` lists the output paths that changed.
    Reload { changed: Vec<String> },
    /// The last build failed; the last good site is still served. Shown in the overlay.
    Errors { diagnostics: Vec<OverlayDiagnostic> },
    /// The site is built and nothing is wrong: remove the overlay.
    Ok,
    /// A tutorial was re-run after a save (`--test-tutorials`).
    Tutorial(TutorialResult),
}

/// One error as the overlay shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OverlayDiagnostic {
    /// `path:line:col`, leaving out unknown parts.
    pub location: String,
    pub message: String,
    pub source_line: Option<String>,
    pub hint: Option<String>,
}

/// The outcome of re-running one tutorial's blocks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TutorialResult {
    /// The tutorial's path relative to the site root.
    pub path: String,
    pub passed: bool,
    /// `docgen test`'s human report: each failure with `path:line` and its diff, then the counts.
    pub report: String,
    /// Number of the run since the server started: a page that reconnects after a reload is sent the
    /// latest result again and shows a pass only if it has not shown that run yet.
    pub run: u64,
}

impl ReloadMessage {
    /// The overlay message for a failed build: its errors (warnings do not block and are not shown).
    pub fn errors(diagnostics: &[Diagnostic]) -> ReloadMessage {
        ReloadMessage::Errors {
            diagnostics: diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(|d| OverlayDiagnostic {
                    location: d.location(),
                    message: d.message.clone(),
                    source_line: d.source_line.clone(),
                    hint: d.hint.clone(),
                })
                .collect(),
        }
    }

    pub fn to_json(&self) -> String {
        // Serializing plain strings, vectors and bools to JSON cannot fail.
        serde_json::to_string(self).expect("reload messages are plain data")
    }
}

/// Add the client `<script>` to an HTML document, before `</head>` (or at the end when there is none).
/// `version` is the site version the page was served from; the client compares it with the server's.
pub fn inject_client(html: &[u8], version: u64) -> Vec<u8> {
    let tag = format!(r#"<script src="{CLIENT_URL}?v={version}" defer></script>"#);
    let needle = b"</head>";
    let at = html
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_goes_before_head_end() {
        let html = inject_client(
            b"<html><head><title>x</title></head><body></body></html>",
            7,
        );
        assert_eq!(
            String::from_utf8_lossy(&html),
            r#"<html><head><title>x</title><script src="/__docgen/livereload.js?v=7" defer></script></head><body></body></html>"#
        );
    }

    #[test]
    fn client_is_appended_without_head() {
        let html = inject_client(b"<p>fragment</p>", 0);
        assert!(html.ends_with(br#"<script src="/__docgen/livereload.js?v=0" defer></script>"#));
    }

    #[test]
    fn errors_message_names_location_source_and_message() {
        let d = Diagnostic::error("content/a.md", 2, 7, "invalid front matter")
            .with_source("+++\ntitle = \nweight = 1\n+++\n");
        let warning = Diagnostic::warning("docgen.toml", 3, 1, "unknown key");
        let json = ReloadMessage::errors(&[d, warning]).to_json();
        assert_eq!(
            json,
            r#"{"type":"errors","diagnostics":[{"location":"content/a.md:2:7","message":"invalid front matter","source_line":"title = ","hint":null}]}"#
        );
    }
}
