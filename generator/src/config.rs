//! `docgen.toml`: read the raw file, fill documented defaults, and report unknown keys with `path:line`.
//! Input: the file's text; output: a resolved `Config` plus warnings (or an error diagnostic).
//!
//! Every key and its default is listed in `content/writing/docgen-toml.md`; keep the two in step.

use crate::diagnostics::{Diagnostic, line_col};
use serde::Deserialize;
use std::path::Path;

/// The site configuration with every default applied.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Config {
    /// Site title, used in `<title>`, the header and the feed. Default: `"Documentation"`.
    pub title: String,
    /// Absolute URL the site is deployed at, always ending in `/`. Default: `"http://localhost:1111/"`.
    pub base_url: String,
    /// Site description for the home page and the feed. Default: empty.
    pub description: String,
    /// Repository URL for "edit this page" links, e.g. `https://github.com/org/repo/edit/main`. Default: none.
    pub repo_url: Option<String>,
    /// `<html lang>` and `og:locale`. Default: `"en"`.
    pub language: String,
    /// Authors of the site, named in each page's JSON-LD. Default: none.
    pub authors: Vec<String>,
    /// Source folders, in nav order; `content` is served at `/`, any other at `/NAME/`.
    /// Default: `["content", "tutorials"]`.
    pub sections: Vec<String>,
    /// Write every link and asset URL of a page relative to that page (`../static/style.css`,
    /// `../guide/index.html`) so the output works opened from disk (`file://`). `404.html` keeps
    /// root-relative URLs, since a server shows it at any depth. Default: `false`.
    pub relative_urls: bool,
    /// Folders or files (relative to the site root, e.g. `content/snippets`) that are not published:
    /// snippets that other pages include, data files. Default: none.
    pub exclude: Vec<String>,
    pub search: SearchConfig,
    pub test: TestConfig,
}

/// `[test]`: what `docgen test` runs tutorials against. The defaults test this repo's own `ax`.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestConfig {
    /// Folders (relative to the site root) put first on the sandbox's `PATH`, e.g.
    /// `["target/release"]`. Default: empty, meaning the folder of the `ax` binary.
    #[serde(default)]
    pub path: Vec<String>,
    /// A shell command run once in the site root before any tutorial (e.g. `cargo build --release`);
    /// a failure stops the run. Default: none.
    #[serde(default)]
    pub build: Option<String>,
    #[serde(default)]
    pub rust: TestRustConfig,
}

/// `[test.rust]`: the generated crate of rust blocks.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestRustConfig {
    /// `[test.rust.dependencies]` in Cargo syntax; paths are relative to the site root.
    /// Default: `ax = { path = "engine" }`.
    #[serde(default)]
    pub dependencies: Option<toml::Table>,
}

/// `[search]`: the static search bundle written by the `index` stage.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SearchConfig {
    /// Build the search bundle into `public/search/`. Default: `true`.
    pub enable: bool,
    /// BM25 term-frequency saturation. Default: `1.2`.
    pub k1: f32,
    /// BM25 length normalisation. Default: `0.75`.
    pub b: f32,
    /// Per-field boosts (BM25F field weights, >= 0; 0 leaves the field out of ranking).
    /// Defaults: title 3.0, section 2.0, body 1.0, code 0.8.
    pub boost_title: f32,
    pub boost_section: f32,
    pub boost_body: f32,
    pub boost_code: f32,
    /// Characters of excerpt stored per document. Default: `240`.
    pub excerpt_length: usize,
    /// Target bytes per term shard before compression; a shard closes once it reaches this size.
    /// Default: `16384`.
    pub shard_size_bytes: usize,
    /// Sections per document chunk (URL, titles and excerpt of each hit), the unit the client fetches to
    /// show results. Default: `16`.
    pub doc_chunk_sections: usize,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            enable: true,
            k1: 1.2,
            b: 0.75,
            boost_title: 3.0,
            boost_section: 2.0,
            boost_body: 1.0,
            boost_code: 0.8,
            excerpt_length: 240,
            shard_size_bytes: 16384,
            doc_chunk_sections: 16,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Documentation".into(),
            base_url: "http://localhost:1111/".into(),
            description: String::new(),
            repo_url: None,
            language: "en".into(),
            authors: Vec::new(),
            sections: vec!["content".into(), "tutorials".into()],
            relative_urls: false,
            exclude: Vec::new(),
            search: SearchConfig::default(),
            test: TestConfig::default(),
        }
    }
}

#[derive(Deserialize, Default)]
struct RawConfig {
    title: Option<String>,
    base_url: Option<String>,
    description: Option<String>,
    repo_url: Option<String>,
    language: Option<String>,
    authors: Option<Vec<String>>,
    sections: Option<Vec<String>>,
    relative_urls: Option<bool>,
    exclude: Option<Vec<String>>,
    search: Option<RawSearch>,
    test: Option<TestConfig>,
}

#[derive(Deserialize, Default)]
struct RawSearch {
    enable: Option<bool>,
    k1: Option<f32>,
    b: Option<f32>,
    boost_title: Option<f32>,
    boost_section: Option<f32>,
    boost_body: Option<f32>,
    boost_code: Option<f32>,
    excerpt_length: Option<usize>,
    shard_size_bytes: Option<usize>,
    doc_chunk_sections: Option<usize>,
}

/// Parse `docgen.toml` text. `path` is used in diagnostics only.
/// Returns the config and warnings (unknown keys), or the error that made the file unusable.
pub fn parse_config(path: &Path, text: &str) -> Result<(Config, Vec<Diagnostic>), Diagnostic> {
    let mut ignored = Vec::new();
    let deserializer = toml::Deserializer::parse(text).map_err(|e| toml_error(path, text, &e))?;
    let raw: RawConfig =
        serde_ignored::deserialize(deserializer, |p| ignored.push(dotted_path(&p)))
            .map_err(|e| toml_error(path, text, &e))?;
    let warnings = ignored
        .iter()
        .map(|key| {
            let (line, col) = find_key(text, key);
            Diagnostic::warning(
                path,
                line,
                col,
                format!("unknown key `{key}` in docgen.toml (ignored)"),
            )
            .with_source(text)
            .with_hint("see content/writing/docgen-toml.md for the keys docgen reads")
        })
        .collect();
    let d = Config::default();
    let s = raw.search.unwrap_or_default();
    let ds = SearchConfig::default();
    let mut base_url = raw.base_url.unwrap_or(d.base_url);
    if !base_url.ends_with('/') {
        base_url.push('/');
    }
    let config = Config {
        title: raw.title.unwrap_or(d.title),
        base_url,
        description: raw.description.unwrap_or(d.description),
        repo_url: raw.repo_url.map(|u| u.trim_end_matches('/').to_owned()),
        language: raw.language.unwrap_or(d.language),
        authors: raw.authors.unwrap_or(d.authors),
        sections: raw.sections.unwrap_or(d.sections),
        relative_urls: raw.relative_urls.unwrap_or(d.relative_urls),
        exclude: raw
            .exclude
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.trim_matches('/').to_owned())
            .collect(),
        search: SearchConfig {
            enable: s.enable.unwrap_or(ds.enable),
            k1: s.k1.unwrap_or(ds.k1),
            b: s.b.unwrap_or(ds.b),
            boost_title: s.boost_title.unwrap_or(ds.boost_title),
            boost_section: s.boost_section.unwrap_or(ds.boost_section),
            boost_body: s.boost_body.unwrap_or(ds.boost_body),
            boost_code: s.boost_code.unwrap_or(ds.boost_code),
            excerpt_length: s.excerpt_length.unwrap_or(ds.excerpt_length),
            shard_size_bytes: s.shard_size_bytes.unwrap_or(ds.shard_size_bytes),
            doc_chunk_sections: s.doc_chunk_sections.unwrap_or(ds.doc_chunk_sections),
        },
        test: raw.test.unwrap_or_default(),
    };
    if let Err(problem) = check_base_url(&config.base_url) {
        let (line, col) = find_key(text, "base_url");
        return Err(
            Diagnostic::error(path, line, col, format!("invalid base_url: {problem}"))
                .with_source(text)
                .with_hint("write the absolute URL the site is served at, e.g. \"https://example.org/docs/\""),
        );
    }
    if let Some((key, problem)) = search_problem(&config.search) {
        let (line, col) = find_key(text, &format!("search.{key}"));
        return Err(Diagnostic::error(
            path,
            line,
            col,
            format!("invalid `[search]` {key}: {problem}"),
        )
        .with_source(text));
    }
    Ok((config, warnings))
}

/// `base_url` must be an absolute http(s) URL with a host: every permalink, the sitemap and the feed
/// are built from it, and a relative one makes them all wrong without a word.
pub fn check_base_url(base_url: &str) -> Result<(), String> {
    let rest = base_url
        .strip_prefix("https://")
        .or_else(|| base_url.strip_prefix("http://"))
        .ok_or_else(|| format!("`{base_url}` is not an absolute http:// or https:// URL"))?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || rest.contains(char::is_whitespace) || rest.contains(['?', '#']) {
        return Err(format!(
            "`{base_url}` has no host, or has spaces, a query or a fragment"
        ));
    }
    Ok(())
}

/// `search.?.shards` (serde_ignored marks `Option` layers with `?`) → `search.shards`.
pub(crate) fn dotted_path(path: &serde_ignored::Path) -> String {
    path.to_string()
        .split('.')
        .filter(|part| *part != "?")
        .collect::<Vec<_>>()
        .join(".")
}

fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> Diagnostic {
    let (line, col) = e.span().map_or((1, 1), |span| line_col(text, span.start));
    Diagnostic::error(
        path,
        line,
        col,
        format!("invalid docgen.toml: {}", e.message()),
    )
    .with_source(text)
}

/// The first `[search]` value the index stage cannot work with: the key and what is wrong with it.
fn search_problem(search: &SearchConfig) -> Option<(&'static str, String)> {
    let boosts = [
        ("boost_title", search.boost_title),
        ("boost_section", search.boost_section),
        ("boost_body", search.boost_body),
        ("boost_code", search.boost_code),
    ];
    if !(search.k1.is_finite() && search.k1 >= 0.0) {
        return Some(("k1", format!("must be a number >= 0, got {}", search.k1)));
    }
    if !(0.0..=1.0).contains(&search.b) {
        return Some(("b", format!("must be between 0 and 1, got {}", search.b)));
    }
    for (key, boost) in boosts {
        if !(boost.is_finite() && boost >= 0.0) {
            return Some((key, format!("must be a number >= 0, got {boost}")));
        }
    }
    let sizes = [
        ("shard_size_bytes", search.shard_size_bytes),
        ("doc_chunk_sections", search.doc_chunk_sections),
    ];
    sizes
        .into_iter()
        .find(|(_, value)| *value == 0)
        .map(|(key, _)| (key, "must be at least 1".to_owned()))
}

/// Line and column of a dotted key path (`search.fields`) in TOML text; falls back to line 1.
fn find_key(text: &str, dotted: &str) -> (usize, usize) {
    let Ok(table) = toml::de::DeTable::parse(text) else {
        return (1, 1);
    };
    let mut current = table.get_ref();
    let mut found = (1, 1);
    for part in dotted.split('.') {
        let Some((key, value)) = current.get_key_value(part) else {
            break;
        };
        found = line_col(text, key.span().start);
        match value.get_ref() {
            toml::de::DeValue::Table(t) => current = t,
            _ => break,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_when_file_is_empty() {
        let (config, warnings) = parse_config(Path::new("docgen.toml"), "").unwrap();
        assert_eq!(config, Config::default());
        assert!(warnings.is_empty());
    }

    #[test]
    fn unknown_key_warns_with_its_line() {
        let text = "title = \"x\"\n\n[search]\nenable = true\nshards = 3\n";
        let (_, warnings) = parse_config(Path::new("docgen.toml"), text).unwrap();
        assert_eq!(warnings.len(), 1);
        assert_eq!(
            warnings[0].to_string(),
            "docgen.toml:5:1: warning: unknown key `search.shards` in docgen.toml (ignored)"
        );
    }

    #[test]
    fn wrong_type_is_an_error_with_its_line() {
        let err =
            parse_config(Path::new("docgen.toml"), "title = \"x\"\nsections = 3\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(
            err.message.contains("invalid docgen.toml"),
            "{}",
            err.message
        );
    }

    #[test]
    fn base_url_must_be_absolute_http() {
        for bad in [
            "/docs/",
            "example.org",
            "ftp://x.org/",
            "https:///x",
            "https://x.org/a b",
        ] {
            let text = format!("title = \"x\"\nbase_url = \"{bad}\"\n");
            let err = parse_config(Path::new("docgen.toml"), &text).unwrap_err();
            assert_eq!((err.line, err.col), (2, 1), "{bad}: {err}");
            assert!(err.message.starts_with("invalid base_url"), "{err}");
        }
    }

    #[test]
    fn base_url_gets_a_trailing_slash() {
        let (config, _) = parse_config(
            Path::new("docgen.toml"),
            "base_url = \"https://x.dev/docs\"",
        )
        .unwrap();
        assert_eq!(config.base_url, "https://x.dev/docs/");
    }

    #[test]
    fn out_of_range_search_values_are_errors_with_their_line() {
        let cases = [
            (
                "b = 1.5",
                "invalid `[search]` b: must be between 0 and 1, got 1.5",
            ),
            (
                "k1 = -1.0",
                "invalid `[search]` k1: must be a number >= 0, got -1",
            ),
            (
                "boost_code = -0.5",
                "invalid `[search]` boost_code: must be a number >= 0, got -0.5",
            ),
            (
                "shard_size_bytes = 0",
                "invalid `[search]` shard_size_bytes: must be at least 1",
            ),
            (
                "doc_chunk_sections = 0",
                "invalid `[search]` doc_chunk_sections: must be at least 1",
            ),
        ];
        for (line, message) in cases {
            let text = format!("title = \"x\"\n[search]\nenable = true\n{line}\n");
            let err = parse_config(Path::new("docgen.toml"), &text).unwrap_err();
            assert_eq!(
                (err.line, err.col, err.message.as_str()),
                (4, 1, message),
                "{line}"
            );
        }
    }

    #[test]
    fn test_section_is_typed_and_rejects_unknown_keys() {
        let text = "title = \"x\"\n[test]\npath = [\"bin\"]\nbuild = \"make\"\n[test.rust.dependencies]\nserde = \"1\"\n";
        let (config, warnings) = parse_config(Path::new("docgen.toml"), text).unwrap();
        assert!(warnings.is_empty());
        assert_eq!(config.test.path, ["bin"]);
        assert_eq!(config.test.build.as_deref(), Some("make"));
        assert!(config.test.rust.dependencies.unwrap().contains_key("serde"));
        let err =
            parse_config(Path::new("docgen.toml"), "[test]\npaths = [\"bin\"]\n").unwrap_err();
        assert_eq!(err.line, 2, "{err}");
        assert!(err.message.contains("unknown field `paths`"), "{err}");
        let err = parse_config(Path::new("docgen.toml"), "[test]\npath = \"bin\"\n").unwrap_err();
        assert_eq!(err.line, 2, "{err}");
    }
}
