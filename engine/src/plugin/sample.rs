//! A small, fixed workload for `ax plugin check`, `trace` and `profile` when there is no index to
//! run against: one source file, its symbols, a query and its hits. Pure data.

use crate::plugin::records::{PluginFile, PluginHit, PluginSymbol};

pub const SAMPLE_QUERY: &str = "parse config";

const SAMPLE_SOURCE: &str = "//! Reads the configuration file.

/// Parses `ax.toml`.
pub fn parse_config(text: &str) -> Config {
    // TODO: report unknown keys with their line
    toml::from_str(text).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    // FIXME: cover the error path
    #[test]
    fn parses_empty_config() {}
}
";

pub fn sample_file() -> PluginFile {
    PluginFile {
        path: "src/config.rs".to_string(),
        language: Some("rust".to_string()),
        text: SAMPLE_SOURCE.to_string(),
    }
}

pub fn sample_symbols() -> Vec<PluginSymbol> {
    vec![
        symbol(
            "parse_config",
            "function",
            4,
            Some("pub fn parse_config(text: &str) -> Config"),
        ),
        symbol("tests", "module", 10, None),
        symbol(
            "parses_empty_config",
            "function",
            13,
            Some("fn parses_empty_config()"),
        ),
    ]
}

pub fn sample_hits() -> Vec<PluginHit> {
    vec![
        hit("parses_empty_config", "tests/config_test.rs", 13, 9.5),
        hit("parse_config", "src/config.rs", 4, 8.25),
        hit("ConfigParser", "src/parser/config.rs", 20, 6.0),
    ]
}

fn symbol(name: &str, kind: &str, line: u32, signature: Option<&str>) -> PluginSymbol {
    PluginSymbol {
        name: name.to_string(),
        kind: kind.to_string(),
        path: "src/config.rs".to_string(),
        line,
        signature: signature.map(str::to_string),
        doc: None,
    }
}

fn hit(name: &str, path: &str, line: u32, score: f32) -> PluginHit {
    PluginHit {
        name: name.to_string(),
        kind: "function".to_string(),
        path: path.to_string(),
        line,
        score,
        signature: None,
        doc: None,
    }
}
