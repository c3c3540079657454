//! The plugin catalog in `plugins/`: every plugin passes `ax plugin check`, and each plugin's
//! `tests/cases.toml` (inputs and expected hook results) holds.

use std::path::{Path, PathBuf};

use ax::plugin::check::check_plugin;
use ax::plugin::{PluginFile, PluginHit, PluginHost, PluginLimits, PluginSymbol};
use serde::Deserialize;

fn catalog_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins")
}

fn catalog_plugins() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(catalog_dir())
        .expect("plugins/ exists")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.join("plugin.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Cases {
    #[serde(default)]
    on_index: Vec<IndexCase>,
    #[serde(default)]
    on_query: Vec<QueryCase>,
    #[serde(default)]
    on_results: Vec<ResultsCase>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexCase {
    name: String,
    path: String,
    language: Option<String>,
    text: String,
    expect: Vec<ExpectedSymbol>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedSymbol {
    name: String,
    kind: String,
    line: u32,
    signature: Option<String>,
    doc: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QueryCase {
    query: String,
    expect: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResultsCase {
    name: String,
    query: String,
    hits: Vec<CaseHit>,
    expect: Option<Vec<String>>,
    expect_scores: Option<Vec<f32>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseHit {
    name: String,
    path: String,
    score: f32,
}

fn read_cases(plugin: &Path) -> Cases {
    let path = plugin.join("tests/cases.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    toml::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[test]
fn catalog_has_the_three_plugins_each_with_readme_and_tests() {
    let names: Vec<String> = catalog_plugins()
        .iter()
        .map(|dir| {
            dir.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        names,
        vec!["query-synonyms", "test-demoter", "todo-extractor"]
    );
    for dir in catalog_plugins() {
        for file in ["plugin.toml", "init.lua", "README.md", "tests/cases.toml"] {
            assert!(dir.join(file).is_file(), "{} has {file}", dir.display());
        }
    }
}

#[test]
fn every_catalog_plugin_passes_check() {
    for dir in catalog_plugins() {
        let report = check_plugin(&dir, PluginLimits::default());
        assert!(report.passed(), "{}", report.render());
    }
}

#[test]
fn every_catalog_plugin_meets_its_cases() {
    for dir in catalog_plugins() {
        let cases = read_cases(&dir);
        let mut host = PluginHost::new(PluginLimits::default());
        let errors = host.load_dirs(std::slice::from_ref(&dir));
        assert!(errors.is_empty(), "{errors:?}");
        let plugin = &host.plugins()[0];
        let total = cases.on_index.len() + cases.on_query.len() + cases.on_results.len();
        assert!(total > 0, "{} has no cases", dir.display());

        for case in &cases.on_index {
            let file = PluginFile {
                path: case.path.clone(),
                language: case.language.clone(),
                text: case.text.clone(),
            };
            let added = plugin
                .on_index(&file, &[])
                .unwrap_or_else(|error| panic!("{}: {error}", case.name));
            let expected: Vec<PluginSymbol> = case
                .expect
                .iter()
                .map(|symbol| PluginSymbol {
                    name: symbol.name.clone(),
                    kind: symbol.kind.clone(),
                    path: case.path.clone(),
                    line: symbol.line,
                    signature: symbol.signature.clone(),
                    doc: symbol.doc.clone(),
                })
                .collect();
            assert_eq!(added, expected, "{}: {}", dir.display(), case.name);
        }

        for case in &cases.on_query {
            let rewritten = plugin
                .on_query(&case.query)
                .unwrap_or_else(|error| panic!("{}: {error}", case.query));
            assert_eq!(
                rewritten,
                case.expect,
                "{}: query {:?}",
                dir.display(),
                case.query
            );
        }

        for case in &cases.on_results {
            let hits: Vec<PluginHit> = case
                .hits
                .iter()
                .enumerate()
                .map(|(index, hit)| PluginHit {
                    name: hit.name.clone(),
                    kind: "function".to_string(),
                    path: hit.path.clone(),
                    line: u32::try_from(index + 1).unwrap_or(u32::MAX),
                    score: hit.score,
                    signature: None,
                    doc: None,
                })
                .collect();
            let reranked = plugin
                .on_results(&case.query, &hits)
                .unwrap_or_else(|error| panic!("{}: {error}", case.name));
            let paths = reranked
                .as_ref()
                .map(|hits| hits.iter().map(|hit| hit.path.clone()).collect::<Vec<_>>());
            assert_eq!(paths, case.expect, "{}: {}", dir.display(), case.name);
            if let Some(scores) = &case.expect_scores {
                let actual: Vec<f32> = reranked
                    .unwrap_or_default()
                    .iter()
                    .map(|hit| hit.score)
                    .collect();
                assert_eq!(&actual, scores, "{}: {}", dir.display(), case.name);
            }
        }
    }
}
