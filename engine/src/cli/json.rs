//! The `--json` shapes of `find`, `def`, `refs`, `stats`, `index` and errors: one definition that
//! both the command line and `ax serve` answer with. Input is engine results; output is JSON values.

use ax::{Error, Hit, IndexReport, Reference, Stats, Symbol};
use serde_json::{Value, json};

pub fn find(query: &str, hits: &[Hit]) -> Value {
    let hits: Vec<_> = hits
        .iter()
        .map(|hit| {
            let mut value = serde_json::to_value(&hit.symbol).unwrap_or_default();
            if let Some(object) = value.as_object_mut() {
                // Four decimals keep the output stable across platforms' float formatting.
                let score = (f64::from(hit.score) * 10_000.0).round() / 10_000.0;
                object.insert("score".into(), json!(score));
            }
            value
        })
        .collect();
    json!({ "command": "find", "query": query, "hits": hits })
}

pub fn def(name: &str, symbols: &[Symbol]) -> Value {
    json!({ "command": "def", "name": name, "definitions": symbols })
}

pub fn refs(name: &str, references: &[Reference]) -> Value {
    json!({ "command": "refs", "name": name, "references": references })
}

pub fn stats(stats: &Stats) -> Value {
    let mut value = serde_json::to_value(stats).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert("command".into(), json!("stats"));
    }
    value
}

pub fn index(report: &IndexReport) -> Value {
    json!({ "command": "index", "report": report })
}

/// `{"error": {"kind", "message"}}`, the shape of every failure.
pub fn error(kind: &str, message: &str) -> Value {
    json!({ "error": { "kind": kind, "message": message } })
}

pub fn error_kind(error: &Error) -> &'static str {
    match error {
        Error::NoIndex { .. } => "no_index",
        Error::IndexVersion { .. } => "index_version",
        Error::IndexCorrupt { .. } => "index_corrupt",
        Error::Config { .. } => "config",
        Error::Io { .. } => "io",
        Error::Glob { .. } => "glob",
        Error::InvalidArgument { .. } => "invalid_argument",
        Error::Store { .. } => "store",
    }
}
