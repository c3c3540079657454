//! Targets for the TOML files people write by hand: `docgen.toml`, `ax.toml` and `plugin.toml`.
//! Each either parses or fails with a line inside the file; accepted values keep their invariants.

use crate::input::{check_diagnostic, text};
use std::path::Path;

/// Line count as error lines count them (1-based, a trailing newline opens one more line).
fn line_count(text: &str) -> usize {
    text.split('\n').count()
}

/// `docgen.toml`: warnings and errors point inside the file and render; `base_url` ends in `/`;
/// search parameters that were accepted are usable.
pub fn docgen_toml(data: &[u8]) {
    let file = text(data);
    match docgen::config::parse_config(Path::new("docgen.toml"), &file) {
        Ok((config, warnings)) => {
            for warning in &warnings {
                check_diagnostic(warning, &file);
            }
            assert!(
                config.base_url.ends_with('/'),
                "base_url {:?}",
                config.base_url
            );
            let search = &config.search;
            for (name, value) in [
                ("k1", search.k1),
                ("b", search.b),
                ("boost_title", search.boost_title),
                ("boost_section", search.boost_section),
                ("boost_body", search.boost_body),
                ("boost_code", search.boost_code),
            ] {
                assert!(value.is_finite(), "[search] {name} = {value} was accepted");
            }
        }
        Err(error) => check_diagnostic(&error, &file),
    }
}

/// `ax.toml`: an error or a warning names a line of the file.
pub fn ax_toml(data: &[u8]) {
    let file = text(data);
    let lines = line_count(&file);
    match ax::Config::parse(&file, Path::new("ax.toml")) {
        Ok((_config, warnings)) => {
            for warning in &warnings {
                assert!(
                    (1..=lines).contains(&warning.line),
                    "warning line {} outside a {lines}-line file: {warning}",
                    warning.line
                );
            }
        }
        Err(ax::Error::Config { line, .. }) => {
            assert!(
                (1..=lines).contains(&line),
                "error line {line} outside the file"
            );
        }
        Err(other) => panic!("ax.toml text gave a non-config error: {other}"),
    }
}

/// `plugin.toml`: an error names a line of the file; an accepted manifest has a valid name and
/// sorted, de-duplicated hooks and permissions.
pub fn plugin_toml(data: &[u8]) {
    let file = text(data);
    let lines = line_count(&file);
    let ax_version = ax::plugin::manifest::ax_version();
    match ax::plugin::manifest::parse_manifest(&file, Path::new("plugin.toml"), &ax_version) {
        Ok(manifest) => {
            assert!(!manifest.name.is_empty());
            assert!(
                manifest
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "name {:?} was accepted",
                manifest.name
            );
            assert!(manifest.hooks.windows(2).all(|w| w[0] < w[1]));
            assert!(manifest.permissions.windows(2).all(|w| w[0] < w[1]));
            assert!(manifest.ax.matches(&ax_version));
        }
        Err(ax::plugin::PluginError::Manifest { line, .. }) => {
            assert!(
                (1..=lines).contains(&line),
                "error line {line} outside the file"
            );
        }
        Err(other) => panic!("plugin.toml text gave a non-manifest error: {other}"),
    }
}
