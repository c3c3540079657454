//! Relevance of search on this repository's own site: every query of
//! `tests/fixtures/search_relevance/queries.toml` (real questions: commands, flags, config keys, concepts,
//! plugin names, misspellings) should list one of its expected pages among the first three results of the
//! JS client (`theme/static/search-core.js` under node, as readers get them). Prints the hit rate and
//! fails on any miss, naming each.

mod search_support;

use docgen::build::{BuildOptions, parse_pages, read_config};
use docgen::index::build_search_bundle;
use docgen::load::{LoadOptions, load_site};
use search_support::{node_available, repo_root, run_node, write_bundle};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct QueryFile {
    query: Vec<RelevanceQuery>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RelevanceQuery {
    /// What a reader types.
    text: String,
    /// What kind of question it is (command, flag, config, concept, plugin, misspelling).
    kind: String,
    /// Page URLs; the query passes when any of them is among the first three results.
    expect: Vec<String>,
}

const TOP: usize = 3;

#[test]
fn site_queries_find_their_pages_in_the_top_three() {
    if !node_available("site_queries_find_their_pages_in_the_top_three") {
        return;
    }
    let path = repo_root().join("generator/tests/fixtures/search_relevance/queries.toml");
    let text = std::fs::read_to_string(&path).expect("the query set is committed");
    let queries: QueryFile = toml::from_str(&text).expect("queries.toml is valid");
    assert!(
        queries.query.len() >= 40,
        "the suite needs 40+ queries, has {}",
        queries.query.len()
    );

    let root = repo_root();
    let (config, _) = read_config(&root).expect("the repo's docgen.toml reads");
    let (sources, problems) = load_site(&root, &config, &LoadOptions::default());
    assert!(
        !docgen::diagnostics::has_errors(&problems),
        "the site loads: {problems:?}"
    );
    let all: Vec<usize> = (0..sources.tree.pages.len()).collect();
    let (parsed, _) = parse_pages(&sources.tree, &all, &BuildOptions::new(&root));
    let documents: Vec<_> = parsed
        .iter()
        .flat_map(|p| p.search_sections.iter().cloned())
        .collect();
    let files = build_search_bundle(&documents, &config.search).expect("the bundle builds");
    let dir = tempfile::tempdir().unwrap();
    let manifest = write_bundle(dir.path(), &files);
    let queries_json: Vec<serde_json::Value> = queries
        .query
        .iter()
        .map(|q| serde_json::json!({ "query": q.text, "prefix": false }))
        .collect();
    let queries_path = dir.path().join("queries.json");
    std::fs::write(&queries_path, serde_json::to_vec(&queries_json).unwrap()).unwrap();
    let answers = run_node(&[
        "rank".as_ref(),
        manifest.as_os_str(),
        queries_path.as_os_str(),
    ]);

    let mut misses = Vec::new();
    for (query, answer) in queries.query.iter().zip(answers.as_array().unwrap()) {
        let top: Vec<String> = answer["urls"]
            .as_array()
            .unwrap()
            .iter()
            .take(TOP)
            .map(|page| {
                let first = page[0].as_str().unwrap_or_default();
                first.split('#').next().unwrap_or_default().to_owned()
            })
            .collect();
        if !query.expect.iter().any(|url| top.contains(url)) {
            misses.push(format!(
                "{:?} ({}): expected one of {:?}, top {TOP}: {top:?}",
                query.text, query.kind, query.expect
            ));
        }
    }
    let total = queries.query.len();
    println!(
        "search relevance: {}/{total} queries find an expected page in the top {TOP} ({:.1}%)",
        total - misses.len(),
        100.0 * (total - misses.len()) as f64 / total as f64
    );
    assert!(
        misses.is_empty(),
        "every query must find an expected page in the top {TOP}; missed:\n{}",
        misses.join("\n")
    );
}
