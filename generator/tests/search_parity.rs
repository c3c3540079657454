//! Parity between the browser client (`theme/static/search-core.js`, run under node) and the Rust side:
//! same stems, same analysis, same top-10 in the same order with the same scores.

mod search_support;

use docgen::config::SearchConfig;
use docgen::index::analysis::{analyze, lowercase_words, stem};
use docgen::index::bm25f::{self, Bm25fParams};
use docgen::index::build_search_bundle;
use docgen::index::inverter::InvertedIndex;
use docgen::model::SearchDocument;
use search_support::*;
use std::collections::BTreeSet;

const EXACT_QUERIES: &[&str] = &[
    "index",
    "indexing repository",
    "parse_config",
    "HashMap",
    "plugin hot reload",
    "ranking boost",
    "tantivy shards",
    "lua",
    "cache",
    "ax find --json",
    "Übersetzungen",
    "permission error",
    "snake_case camelCase",
    "k1",
    "tree-sitter grammar",
    "nonexistentword",
    "the",
    "search",
    "std::collections::HashMap",
    "ax.symbols.find",
    "max_file_bytes",
    "code-intelligence engine",
];

const PREFIX_QUERIES: &[&str] = &[
    "ind",
    "plug",
    "hot rel",
    "pars",
    "tutorial te",
    "sha",
    "Übers",
    "lu",
    "s",
    "searching sy",
    "HTMLPa",
];

fn all_text(documents: &[SearchDocument]) -> String {
    documents
        .iter()
        .map(|d| format!("{} {} {} {}", d.page_title, d.section_title, d.body, d.code))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every markdown file of the site's own content and of `docs/`, and the generator's Rust sources: real
/// prose and identifiers for the stemmer check (about 7,400 distinct words).
fn site_markdown() -> String {
    let mut text = String::new();
    for (dir, extension) in [
        ("content", "md"),
        ("tutorials", "md"),
        ("docs", "md"),
        ("generator/src", "rs"),
    ] {
        for entry in walkdir::WalkDir::new(repo_root().join(dir))
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if entry.path().extension().is_some_and(|e| e == extension) {
                text.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
                text.push('\n');
            }
        }
    }
    text
}

#[test]
fn js_stemmer_matches_tantivys_for_every_indexed_word() {
    if !node_available("js_stemmer_matches_tantivys_for_every_indexed_word") {
        return;
    }
    let text = format!("{}\n{}", all_text(&fixture_documents()), site_markdown());
    let mut words: BTreeSet<String> = lowercase_words(&text).into_iter().collect();
    // Words that exercise every step and exception of the Snowball English algorithm.
    for extra in "caresses ponies ties cats feed agreed disabled matting mating meeting milling messing meetings \
        happy sky skies dying lying news succeed proceed exceed generate generation communication past pasted \
        arsenal generously ogists hopefully relational conditional rational valenci hesitanci digitizer \
        conformabli radicalli differentli vileli analogousli vietnamization predication operator feudalism \
        decisiveness hopefulness callousness formaliti sensitiviti sensibiliti triplicate formative formalize \
        electriciti electrical hopeful goodness revival allowance inference airliner gyroscopic adjustable \
        defensible irritant replacement adjustment dependent adoption homologou communism activate angulariti \
        homologous effective bowdlerize probate rate cease controll roll yield yes ayes sayings gently early only \
        singly idly ugly atlas cosmos bias andes howe inning outing canning herring earring proceeding \
        exceeding succeeding emerging universal organization interest later laters"
        .split_whitespace()
    {
        words.insert(extra.to_owned());
    }
    let words: Vec<String> = words.into_iter().collect();
    assert!(
        words.len() > 3000,
        "the check should cover a real vocabulary, got {} words",
        words.len()
    );
    println!(
        "{} distinct words stemmed alike by Rust and JS",
        words.len()
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("words.json");
    std::fs::write(&path, serde_json::to_vec(&words).unwrap()).unwrap();
    let js_stems = run_node(&["stem".as_ref(), path.as_os_str()]);
    let mismatches: Vec<String> = words
        .iter()
        .zip(js_stems.as_array().expect("an array of stems"))
        .filter(|(word, js)| js.as_str() != Some(stem(word).as_str()))
        .map(|(word, js)| format!("{word}: rust {} js {js}", stem(word)))
        .collect();
    assert!(
        mismatches.is_empty(),
        "{} of {} words differ:\n{}",
        mismatches.len(),
        words.len(),
        mismatches.join("\n")
    );
}

#[test]
fn js_decodes_every_fieldnorm_id_like_tantivy() {
    if !node_available("js_decodes_every_fieldnorm_id_like_tantivy") {
        return;
    }
    let js = run_node(&["fieldnorms".as_ref()]);
    let expected: Vec<u32> = (0..=255u8)
        .map(tantivy::fieldnorm::FieldNormReader::id_to_fieldnorm)
        .collect();
    assert_eq!(js, serde_json::json!(expected));
}

#[test]
fn js_analyzer_matches_rust() {
    if !node_available("js_analyzer_matches_rust") {
        return;
    }
    let mut texts: Vec<String> = fixture_documents()
        .iter()
        .flat_map(|d| [d.body.clone(), d.code.clone()])
        .collect();
    texts.extend(
        [
            "XMLHttpRequest2Go",
            "ÉcoleNormale x86_64 ĲsselMeer",
            "ΣΊΣΥΦΟΣ",
            "a::b::C.d_e",
            "",
            "---",
            "utf8Decoder",
        ]
        .map(String::from),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("texts.json");
    std::fs::write(&path, serde_json::to_vec(&texts).unwrap()).unwrap();
    let js = run_node(&["analyze".as_ref(), path.as_os_str()]);
    for (text, js_terms) in texts.iter().zip(js.as_array().expect("an array per text")) {
        let rust_terms = serde_json::to_value(analyze(text)).unwrap();
        assert_eq!(&rust_terms, js_terms, "analysis of {text:?}");
    }
}

/// Build a bundle of `documents`, run every query through the JS client under node and through the
/// Rust reference on the tantivy index, and require the same hits, scores and URLs. Returns how many
/// queries found something.
fn assert_same_rankings(
    documents: &[SearchDocument],
    config: &SearchConfig,
    exact: &[&str],
    prefix: &[&str],
) -> usize {
    let files = build_search_bundle(documents, config).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let manifest = write_bundle(dir.path(), &files);
    let queries: Vec<serde_json::Value> = exact
        .iter()
        .map(|q| (q, false))
        .chain(prefix.iter().map(|q| (q, true)))
        .map(|(query, prefix)| serde_json::json!({ "query": query, "prefix": prefix }))
        .collect();
    let queries_path = dir.path().join("queries.json");
    std::fs::write(&queries_path, serde_json::to_vec(&queries).unwrap()).unwrap();
    let js = run_node(&[
        "rank".as_ref(),
        manifest.as_os_str(),
        queries_path.as_os_str(),
    ]);

    let index = InvertedIndex::build(documents);
    let params = Bm25fParams::from_config(config);
    let mut non_empty = 0;
    for answer in js.as_array().expect("one answer per query") {
        let query = answer["query"].as_str().unwrap();
        let prefix = answer["prefix"].as_bool().unwrap();
        let reference = bm25f::search(&index, &params, query, prefix, 10);
        let expected: Vec<serde_json::Value> = reference
            .iter()
            .map(|page| {
                let hits: Vec<serde_json::Value> = page
                    .sections
                    .iter()
                    .map(|hit| serde_json::json!([hit.ordinal, hit.score]))
                    .collect();
                serde_json::json!([page.page, hits])
            })
            .collect();
        assert_eq!(
            answer["pages"].as_array().unwrap(),
            &expected,
            "query {query:?} (prefix: {prefix})"
        );
        let expected_urls: Vec<Vec<String>> = reference
            .iter()
            .map(|page| {
                page.sections
                    .iter()
                    .map(|hit| {
                        let d = &documents[hit.ordinal as usize];
                        if d.anchor.is_empty() {
                            d.page_url.clone()
                        } else {
                            format!("{}#{}", d.page_url, d.anchor)
                        }
                    })
                    .collect()
            })
            .collect();
        assert_eq!(
            answer["urls"],
            serde_json::json!(expected_urls),
            "query {query:?} shows the right pages"
        );
        non_empty += usize::from(!reference.is_empty());
    }
    non_empty
}

#[test]
fn js_client_returns_the_same_top_10_as_the_tantivy_reference() {
    if !node_available("js_client_returns_the_same_top_10_as_the_tantivy_reference") {
        return;
    }
    // Small shards so the fixture spreads over several and prefix lookups cross shard boundaries.
    let config = SearchConfig {
        shard_size_bytes: 256,
        doc_chunk_sections: 4,
        ..SearchConfig::default()
    };
    let found = assert_same_rankings(&fixture_documents(), &config, EXACT_QUERIES, PREFIX_QUERIES);
    assert!(
        found >= EXACT_QUERIES.len() + PREFIX_QUERIES.len() - 3,
        "most queries should find something"
    );
}

#[test]
fn js_client_matches_the_reference_on_long_quantized_sections() {
    if !node_available("js_client_matches_the_reference_on_long_quantized_sections") {
        return;
    }
    let documents = synthetic_documents(400);
    assert!(
        documents.iter().any(|d| d.body.split(' ').count() > 200),
        "field lengths must be quantized"
    );
    let config = SearchConfig {
        k1: 1.6,
        b: 0.6,
        boost_code: 1.7,
        boost_section: 0.0,
        shard_size_bytes: 2048,
        ..SearchConfig::default()
    };
    let exact = [
        "shard",
        "pipeline render",
        "plugin reload latency",
        "indexing queries",
        "generously",
        "handle",
        "FooHandle",
        "config::new",
        "page 7",
        "s13",
        "relational connection",
        "trait struct function",
    ];
    let prefix = [
        "sh",
        "pipeline ren",
        "que",
        "handl",
        "page 1",
        "gener",
        "index",
    ];
    let found = assert_same_rankings(&documents, &config, &exact, &prefix);
    assert_eq!(
        found,
        exact.len() + prefix.len() - 1,
        "every query but `s13` finds sections"
    );
}

/// A damaged bundle makes the client fail with a message saying what is wrong (the page shows it), never
/// wrong results: one case per kind of damage.
#[test]
fn js_client_rejects_damaged_bundles_with_a_clear_error() {
    if !node_available("js_client_rejects_damaged_bundles_with_a_clear_error") {
        return;
    }
    let files = build_search_bundle(&fixture_documents(), &SearchConfig::default()).unwrap();
    type Damage = fn(&str, &mut Vec<u8>);
    let cases: [(&str, Damage, &str); 4] = [
        (
            "future version",
            |path, bytes| {
                if path.contains("manifest.") {
                    *bytes = String::from_utf8_lossy(bytes)
                        .replace("\"version\":2", "\"version\":99")
                        .into_bytes();
                }
            },
            "unsupported search bundle (format docgen-search v99)",
        ),
        (
            "manifest not JSON",
            |path, bytes| {
                if path.contains("manifest.") {
                    bytes.truncate(10);
                }
            },
            "JSON",
        ),
        (
            "shard not deflated",
            |path, bytes| {
                if path.ends_with("/t0.bin") {
                    *bytes = b"garbage".to_vec();
                }
            },
            "Error",
        ),
        (
            "shard truncated after inflating",
            |path, bytes| {
                if path.ends_with("/t0.bin") {
                    let inflated = docgen::index::inflate(bytes).unwrap();
                    *bytes = docgen::index::deflate(&inflated[..inflated.len() / 2]).unwrap();
                }
            },
            "search shard is truncated",
        ),
    ];
    for (name, damage, expected) in cases {
        let mut damaged = files.clone();
        for file in &mut damaged {
            damage(&file.path, &mut file.bytes);
        }
        let dir = tempfile::tempdir().unwrap();
        let manifest = write_bundle(dir.path(), &damaged);
        let queries = dir.path().join("queries.json");
        std::fs::write(&queries, r#"[{"query": "build index", "prefix": false}]"#).unwrap();
        let stderr =
            run_node_failing(&["rank".as_ref(), manifest.as_os_str(), queries.as_os_str()]);
        assert!(
            stderr.contains(expected),
            "{name}: expected {expected:?} in {stderr}"
        );
    }
}

#[test]
fn prefix_search_finds_words_being_typed() {
    let documents = fixture_documents();
    let index = InvertedIndex::build(&documents);
    let params = Bm25fParams::from_config(&SearchConfig::default());
    let hits = bm25f::search(&index, &params, "plugin hot rel", true, 3);
    assert_eq!(
        documents[hits[0].sections[0].ordinal as usize].anchor,
        "hot-reload"
    );
    let exact = bm25f::search(&index, &params, "plugin hot rel", false, 3);
    assert!(!exact.is_empty());
    assert!(
        bm25f::search(&index, &params, "HTMLPa", true, 3)
            .iter()
            .flat_map(|page| &page.sections)
            .any(|h| documents[h.ordinal as usize].anchor == "tokenizer")
    );
}

#[test]
fn title_boost_ranks_the_page_about_a_word_first() {
    let documents = fixture_documents();
    let index = InvertedIndex::build(&documents);
    let params = Bm25fParams::from_config(&SearchConfig::default());
    let hits = bm25f::search(&index, &params, "plugin", false, 10);
    let top = &documents[hits[0].sections[0].ordinal as usize];
    assert_eq!(top.page_title, "Writing a plugin");
    let hits = bm25f::search(&index, &params, "indexing", false, 1);
    assert_eq!(
        documents[hits[0].sections[0].ordinal as usize].section_title,
        "Incremental indexing"
    );
}

/// The client's stemmer is Snowball's output committed as generated (third_party/snowball/README.md
/// records the SHA-256 of each file): an edit by hand, which parity alone might not catch on the words
/// above, fails here and is undone by `third_party/snowball/regenerate.sh`.
#[test]
fn snowball_files_are_committed_as_generated() {
    let readme =
        std::fs::read_to_string(repo_root().join("third_party/snowball/README.md")).unwrap();
    let mut checked = 0;
    for name in ["snowball-english-stemmer.js", "snowball-base-stemmer.js"] {
        let recorded = readme
            .lines()
            .find_map(|line| line.strip_prefix(&format!("- `{name}`: `")))
            .and_then(|rest| rest.strip_suffix('`'))
            .unwrap_or_else(|| panic!("README.md records no SHA-256 for {name}"));
        let path = repo_root().join("theme/static").join(name);
        let output = std::process::Command::new("sha256sum")
            .arg(&path)
            .output()
            .expect("sha256sum (coreutils) runs");
        let actual = String::from_utf8_lossy(&output.stdout);
        assert_eq!(
            actual.split_whitespace().next(),
            Some(recorded),
            "{} is not the file Snowball generated; run third_party/snowball/regenerate.sh",
            path.display()
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            name != "snowball-english-stemmer.js"
                || text.starts_with("// Generated by Snowball 2.2.0 - https://snowballstem.org/"),
            "{name} should open with Snowball's generated-by line"
        );
        checked += 1;
    }
    assert_eq!(checked, 2);
}
