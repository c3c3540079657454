//! `plugin.toml`: parse and validate a plugin's manifest.
//! Input is the file's text and path; output is a `Manifest` or an error naming `plugin.toml:LINE`.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::plugin::error::PluginError;

/// The hooks a plugin may declare; the host calls only declared hooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HookKind {
    OnIndex,
    OnQuery,
    OnResults,
    Commands,
    Lint,
}

impl HookKind {
    pub const ALL: [HookKind; 5] = [
        HookKind::OnIndex,
        HookKind::OnQuery,
        HookKind::OnResults,
        HookKind::Commands,
        HookKind::Lint,
    ];

    /// The key of the hook in the table `init.lua` returns, and in `hooks = [...]`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OnIndex => "on_index",
            Self::OnQuery => "on_query",
            Self::OnResults => "on_results",
            Self::Commands => "commands",
            Self::Lint => "lint",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|hook| hook.as_str() == name)
    }
}

impl fmt::Display for HookKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a plugin may do beyond pure computation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Permission {
    /// `ax.index.find` and `ax.index.def`: read-only queries against the index.
    #[serde(rename = "index.read")]
    IndexRead,
}

impl Permission {
    pub const ALL: [Permission; 1] = [Permission::IndexRead];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::IndexRead => "index.read",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|permission| permission.as_str() == name)
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A validated `plugin.toml`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Manifest {
    pub name: String,
    pub version: semver::Version,
    pub description: String,
    pub authors: Vec<String>,
    pub license: Option<String>,
    /// The `ax` versions the plugin works with, e.g. `>=0.1, <0.2`.
    pub ax: semver::VersionReq,
    /// Sorted, without duplicates.
    pub hooks: Vec<HookKind>,
    /// Sorted, without duplicates.
    pub permissions: Vec<Permission>,
}

impl Manifest {
    pub fn declares(&self, hook: HookKind) -> bool {
        self.hooks.contains(&hook)
    }

    pub fn grants(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    name: Spanned<String>,
    version: Spanned<String>,
    description: Spanned<String>,
    #[serde(default)]
    authors: Vec<String>,
    license: Option<String>,
    ax: Spanned<String>,
    #[serde(default)]
    hooks: Vec<Spanned<String>>,
    #[serde(default)]
    permissions: Vec<Spanned<String>>,
}

/// Reads and validates `DIR/plugin.toml` against this build's version of `ax`.
pub fn read_manifest(plugin_dir: &Path) -> Result<Manifest, PluginError> {
    let path = plugin_dir.join("plugin.toml");
    let text = std::fs::read_to_string(&path).map_err(|source| PluginError::Io {
        path: path.clone(),
        source: source.into(),
    })?;
    parse_manifest(&text, &path, &ax_version())
}

/// The running `ax` version, which the manifest's `ax` requirement must match.
pub fn ax_version() -> semver::Version {
    semver::Version::parse(crate::VERSION).unwrap_or_else(|_| semver::Version::new(0, 0, 0))
}

/// Parses manifest text; `path` is used only in error messages.
pub fn parse_manifest(
    text: &str,
    path: &Path,
    ax: &semver::Version,
) -> Result<Manifest, PluginError> {
    let error_at = |offset: usize, message: String| PluginError::Manifest {
        path: path.to_path_buf(),
        line: line_of_offset(text, offset),
        message,
    };
    let raw: RawManifest = toml::from_str(text).map_err(|error| {
        let offset = error.span().map_or(0, |span| span.start);
        error_at(offset, error.message().trim().to_string())
    })?;

    let name = raw.name.get_ref();
    if !is_valid_name(name) {
        return Err(error_at(
            raw.name.span().start,
            format!(
                "invalid plugin name `{name}`: use lowercase letters, digits and `-`, starting with a letter"
            ),
        ));
    }
    let version = semver::Version::parse(raw.version.get_ref()).map_err(|error| {
        error_at(
            raw.version.span().start,
            format!("invalid version `{}`: {error}", raw.version.get_ref()),
        )
    })?;
    if raw.description.get_ref().trim().is_empty() {
        return Err(error_at(
            raw.description.span().start,
            "description is empty".to_string(),
        ));
    }
    let requirement = semver::VersionReq::parse(raw.ax.get_ref()).map_err(|error| {
        error_at(
            raw.ax.span().start,
            format!(
                "invalid `ax` version requirement `{}`: {error}",
                raw.ax.get_ref()
            ),
        )
    })?;
    if !requirement.matches(ax) {
        return Err(error_at(
            raw.ax.span().start,
            format!("plugin requires ax {requirement}, but this is ax {ax}"),
        ));
    }

    let mut hooks = Vec::new();
    for hook in &raw.hooks {
        let kind = HookKind::parse(hook.get_ref()).ok_or_else(|| {
            error_at(
                hook.span().start,
                format!(
                    "unknown hook `{}` (expected one of: {})",
                    hook.get_ref(),
                    HookKind::ALL.map(HookKind::as_str).join(", ")
                ),
            )
        })?;
        hooks.push(kind);
    }
    hooks.sort();
    hooks.dedup();

    let mut permissions = Vec::new();
    for permission in &raw.permissions {
        let kind = Permission::parse(permission.get_ref()).ok_or_else(|| {
            error_at(
                permission.span().start,
                format!(
                    "unknown permission `{}` (expected one of: {})",
                    permission.get_ref(),
                    Permission::ALL.map(Permission::as_str).join(", ")
                ),
            )
        })?;
        permissions.push(kind);
    }
    permissions.sort();
    permissions.dedup();

    Ok(Manifest {
        name: name.clone(),
        version,
        description: raw.description.into_inner(),
        authors: raw.authors,
        license: raw.license,
        ax: requirement,
        hooks,
        permissions,
    })
}

pub(crate) fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|first| first.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// 1-based line of a byte offset.
fn line_of_offset(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&byte| byte == b'\n')
        .count()
        + 1
}

/// The path of `plugin.toml` in a plugin folder.
pub fn manifest_path(plugin_dir: &Path) -> PathBuf {
    plugin_dir.join("plugin.toml")
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"name = "todo-extractor"
version = "0.1.0"
description = "Adds TODO comments as symbols."
authors = ["ax team"]
license = "MIT"
ax = ">=0.1, <0.2"
hooks = ["on_index", "lint", "on_index"]
permissions = ["index.read"]
"#;

    fn parse(text: &str) -> Result<Manifest, PluginError> {
        parse_manifest(
            text,
            Path::new("p/plugin.toml"),
            &semver::Version::new(0, 1, 0),
        )
    }

    fn error_text(text: &str) -> String {
        match parse(text) {
            Ok(manifest) => panic!("expected an error, got {manifest:?}"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn good_manifest_parses_with_sorted_hooks() {
        let manifest = parse(GOOD).expect("the manifest is valid");
        assert_eq!(manifest.name, "todo-extractor");
        assert_eq!(manifest.hooks, vec![HookKind::OnIndex, HookKind::Lint]);
        assert_eq!(manifest.permissions, vec![Permission::IndexRead]);
    }

    #[test]
    fn toml_syntax_error_names_its_line() {
        let text = GOOD.replace("license = \"MIT\"", "license = MIT");
        assert!(
            error_text(&text).starts_with("p/plugin.toml:5: "),
            "{}",
            error_text(&text)
        );
    }

    #[test]
    fn unknown_hook_names_its_line() {
        let text = GOOD.replace("\"lint\"", "\"on_save\"");
        assert_eq!(
            error_text(&text),
            "p/plugin.toml:7: unknown hook `on_save` (expected one of: on_index, on_query, on_results, commands, lint)"
        );
    }

    #[test]
    fn unknown_permission_names_its_line() {
        let text = GOOD.replace("index.read", "net");
        assert!(error_text(&text).starts_with("p/plugin.toml:8: unknown permission `net`"));
    }

    #[test]
    fn incompatible_ax_requirement_names_its_line() {
        let text = GOOD.replace(">=0.1, <0.2", ">=2");
        assert_eq!(
            error_text(&text),
            "p/plugin.toml:6: plugin requires ax >=2, but this is ax 0.1.0"
        );
    }

    #[test]
    fn bad_version_and_name_name_their_lines() {
        assert!(
            error_text(&GOOD.replace("0.1.0", "one"))
                .starts_with("p/plugin.toml:2: invalid version")
        );
        assert!(
            error_text(&GOOD.replace("todo-extractor", "Todo"))
                .starts_with("p/plugin.toml:1: invalid plugin name")
        );
    }

    #[test]
    fn missing_and_unknown_fields_are_errors() {
        let missing = GOOD.replace("ax = \">=0.1, <0.2\"\n", "");
        assert!(
            error_text(&missing).contains("missing field `ax`"),
            "{}",
            error_text(&missing)
        );
        let unknown = format!("{GOOD}homepage = \"x\"\n");
        assert!(
            error_text(&unknown).starts_with("p/plugin.toml:9: unknown field `homepage`"),
            "{}",
            error_text(&unknown)
        );
    }
}
