//! `ax.toml`: the project's settings for indexing, ranking, queries and plugins, with documented defaults.
//! Input is the file's text; output is a resolved [`Config`] plus a warning (`path:line`) per unknown key.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::Language;

/// The config file's name, looked up in the indexed root.
pub const CONFIG_FILE_NAME: &str = "ax.toml";

/// The whole of `ax.toml`. Every table and key is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    pub index: IndexConfig,
    pub ranking: RankingConfig,
    pub query: QueryConfig,
    pub plugins: PluginsConfig,
}

/// `[index]`: what the walk reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IndexConfig {
    /// Files larger than this are skipped (and counted). Default: 1 MiB.
    pub max_file_size_bytes: u64,
    /// Extra gitignore-style globs to leave out, on top of `.gitignore` and `.axignore`. Default: none.
    pub ignore: Vec<String>,
    /// Languages to index. Default: all five.
    pub languages: Vec<Language>,
}

impl Default for IndexConfig {
    fn default() -> Self {
        IndexConfig {
            max_file_size_bytes: 1024 * 1024,
            ignore: Vec::new(),
            languages: Language::ALL.to_vec(),
        }
    }
}

/// `[ranking]`: the BM25F parameters of `ax find`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RankingConfig {
    /// Term-frequency saturation. Default: 1.2.
    pub k1: f32,
    /// Length normalisation, 0 (none) to 1 (full). Default: 0.75.
    pub b: f32,
    /// Score multiplier for a symbol whose name equals the query (case-insensitive). Default: 3.0.
    pub exact_name_boost: f32,
    pub boosts: FieldBoosts,
}

impl Default for RankingConfig {
    fn default() -> Self {
        RankingConfig {
            k1: 1.2,
            b: 0.75,
            exact_name_boost: 3.0,
            boosts: FieldBoosts::default(),
        }
    }
}

/// `[ranking.boosts]`: per-field weights of BM25F.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FieldBoosts {
    /// Default: 4.0.
    pub name: f32,
    /// Default: 1.5.
    pub signature: f32,
    /// Default: 1.0.
    pub doc: f32,
    /// Default: 0.5.
    pub path: f32,
}

impl Default for FieldBoosts {
    fn default() -> Self {
        FieldBoosts {
            name: 4.0,
            signature: 1.5,
            doc: 1.0,
            path: 0.5,
        }
    }
}

/// `[query]`: result limits and the query cache.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct QueryConfig {
    /// Hits returned when `--limit` is not given. Default: 20.
    pub default_limit: usize,
    /// Whether results are cached in `.ax/cache/` per index generation. Default: true.
    pub cache: bool,
}

impl Default for QueryConfig {
    fn default() -> Self {
        QueryConfig {
            default_limit: 20,
            cache: true,
        }
    }
}

/// `[plugins]`: where plugins live and the sandbox limits they run under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PluginsConfig {
    /// Plugin folders to load, relative to the root. Default: none.
    pub paths: Vec<PathBuf>,
    /// A folder whose every subfolder is a plugin. Default: none.
    pub dir: Option<PathBuf>,
    /// Memory a plugin's Lua state may allocate. Default: 16 MiB.
    pub memory_limit_bytes: u64,
    /// Lua instructions a hook call may run. Default: 10,000,000.
    pub instruction_budget: u64,
    /// Wall-clock limit of one hook call. Default: 250 ms.
    pub timeout_ms: u64,
}

impl Default for PluginsConfig {
    fn default() -> Self {
        PluginsConfig {
            paths: Vec::new(),
            dir: None,
            memory_limit_bytes: 16 * 1024 * 1024,
            instruction_budget: 10_000_000,
            timeout_ms: 250,
        }
    }
}

/// A problem that does not stop the run (an unknown key), located in `ax.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigWarning {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
    }
}

impl Config {
    /// Reads `ax.toml` from `root`, or the defaults when there is none.
    pub fn load(root: &Path) -> Result<(Config, Vec<ConfigWarning>)> {
        let path = root.join(CONFIG_FILE_NAME);
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text, &path),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                Ok((Config::default(), Vec::new()))
            }
            Err(error) => Err(Error::io(path, error)),
        }
    }

    /// Parses the text of an `ax.toml`; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<(Config, Vec<ConfigWarning>)> {
        let to_error = |error: toml::de::Error| Error::Config {
            path: path.to_owned(),
            line: error
                .span()
                .map(|span| line_of_offset(text, span.start))
                .unwrap_or(1),
            message: error.message().trim().to_owned(),
        };
        let mut unknown_keys = Vec::new();
        let deserializer = toml::Deserializer::parse(text).map_err(to_error)?;
        let config: Config = serde_ignored::deserialize(deserializer, |key_path| {
            unknown_keys.push(key_path.to_string());
        })
        .map_err(to_error)?;
        let mut warnings: Vec<ConfigWarning> = unknown_keys
            .into_iter()
            .map(|key_path| ConfigWarning {
                path: path.to_owned(),
                line: line_of_key(text, &key_path),
                message: format!("unknown key `{key_path}` is ignored"),
            })
            .collect();
        warnings.sort_by_key(|warning| warning.line);
        Ok((config, warnings))
    }
}

fn line_of_offset(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Finds the line declaring a dotted key (`ranking.boosts.nam`): the key's own line inside its
/// table, or the table header for an unknown table. Falls back to line 1.
fn line_of_key(text: &str, key_path: &str) -> usize {
    let (table, key) = key_path.rsplit_once('.').unwrap_or(("", key_path));
    let mut current_table = String::new();
    for (index, raw_line) in text.lines().enumerate() {
        let line = raw_line.trim();
        if let Some(header) = line
            .strip_prefix('[')
            .and_then(|rest| rest.split(']').next())
        {
            current_table = header.trim_matches(['[', ' ']).to_owned();
            if current_table == key_path {
                return index + 1;
            }
            continue;
        }
        let Some((left, _)) = line.split_once('=') else {
            continue;
        };
        let left = left.trim().trim_matches('"');
        let full_key = if current_table.is_empty() {
            left.to_owned()
        } else {
            format!("{current_table}.{left}")
        };
        if full_key == key_path || (current_table == table && left == key) {
            return index + 1;
        }
    }
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_warn_with_their_line() {
        let text =
            "[ranking]\nk1 = 1.5\nkone = 2\n\n[ranking.boosts]\nnam = 3.0\n\n[colour]\nx = 1\n";
        let (config, warnings) = Config::parse(text, Path::new("ax.toml")).expect("valid toml");
        assert_eq!(config.ranking.k1, 1.5);
        let rendered: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            rendered,
            [
                "ax.toml:3: unknown key `ranking.kone` is ignored",
                "ax.toml:6: unknown key `ranking.boosts.nam` is ignored",
                "ax.toml:8: unknown key `colour` is ignored",
            ]
        );
    }

    #[test]
    fn plugins_table_is_known_and_has_defaults() {
        let text = "[plugins]\npaths = [\"plugins/todo\"]\ntimeout_ms = 100\n";
        let (config, warnings) = Config::parse(text, Path::new("ax.toml")).expect("valid toml");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.plugins.paths, [PathBuf::from("plugins/todo")]);
        assert_eq!(config.plugins.timeout_ms, 100);
        assert_eq!(config.plugins.memory_limit_bytes, 16 * 1024 * 1024);
        assert_eq!(config.plugins.instruction_budget, 10_000_000);
    }

    #[test]
    fn a_wrong_type_is_an_error_with_its_line() {
        let text = "[ranking]\nk1 = \"high\"\n";
        let error = Config::parse(text, Path::new("ax.toml")).expect_err("k1 must be a number");
        assert!(error.to_string().starts_with("ax.toml:2: "), "{error}");
    }
}
