//! Parity between the browser client (`theme/static/search.js`, run under node) and the Rust side:
//! same stems, same analysis, same top-10 in the same order with the same scores.

mod search_support;

use docgen::config::SearchConfig;
use docgen::index::analysis::{analyze, lowercase_words, stem};
use docgen::index::bm25f::{self, Bm25fParams};
use docgen::index::build_search_bundle;
use docgen::index::section_index::SectionIndex;
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

/// Every markdown file of the site's own content: real prose for the stemmer check.
fn site_markdown() -> String {
    let mut text = String::new();
    for dir in ["content", "tutorials"] {
        for entry in walkdir::WalkDir::new(repo_root().join(dir))
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if entry.path().extension().is_some_and(|e| e == "md") {
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
        words.len() > 300,
        "the check should cover a real vocabulary, got {} words",
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

#[test]
fn js_client_returns_the_same_top_10_as_the_tantivy_reference() {
    if !node_available("js_client_returns_the_same_top_10_as_the_tantivy_reference") {
        return;
    }
    let documents = fixture_documents();
    // Small shards so the fixture spreads over several and prefix lookups cross shard boundaries.
    let config = SearchConfig {
        shard_size_bytes: 256,
        doc_chunk_sections: 4,
        ..SearchConfig::default()
    };
    let files = build_search_bundle(&documents, &config).unwrap();
    assert!(
        files.iter().filter(|f| f.path.contains("/t")).count() > 3,
        "fixture should need several shards"
    );
    let dir = tempfile::tempdir().unwrap();
    let manifest = write_bundle(dir.path(), &files);

    let queries: Vec<serde_json::Value> = EXACT_QUERIES
        .iter()
        .map(|q| (q, false))
        .chain(PREFIX_QUERIES.iter().map(|q| (q, true)))
        .map(|(query, prefix)| serde_json::json!({ "query": query, "prefix": prefix }))
        .collect();
    let queries_path = dir.path().join("queries.json");
    std::fs::write(&queries_path, serde_json::to_vec(&queries).unwrap()).unwrap();
    let js = run_node(&[
        "rank".as_ref(),
        manifest.as_os_str(),
        queries_path.as_os_str(),
    ]);

    let index = SectionIndex::build(&documents).unwrap();
    let params = Bm25fParams::from_config(&config);
    let mut non_empty = 0;
    for answer in js.as_array().expect("one answer per query") {
        let query = answer["query"].as_str().unwrap();
        let prefix = answer["prefix"].as_bool().unwrap();
        let reference = bm25f::search(&index, &params, query, prefix, 10).unwrap();
        let expected: Vec<serde_json::Value> = reference
            .iter()
            .map(|hit| serde_json::json!([hit.ordinal, hit.score]))
            .collect();
        assert_eq!(
            answer["hits"].as_array().unwrap(),
            &expected,
            "query {query:?} (prefix: {prefix})"
        );
        let expected_urls: Vec<String> = reference
            .iter()
            .map(|hit| {
                let d = &documents[hit.ordinal as usize];
                if d.anchor.is_empty() {
                    d.page_url.clone()
                } else {
                    format!("{}#{}", d.page_url, d.anchor)
                }
            })
            .collect();
        assert_eq!(
            answer["urls"],
            serde_json::json!(expected_urls),
            "query {query:?} shows the right pages"
        );
        non_empty += usize::from(!reference.is_empty());
    }
    assert!(
        non_empty >= EXACT_QUERIES.len() + PREFIX_QUERIES.len() - 3,
        "most queries should find something"
    );
}

#[test]
fn prefix_search_finds_words_being_typed() {
    let documents = fixture_documents();
    let index = SectionIndex::build(&documents).unwrap();
    let params = Bm25fParams::from_config(&SearchConfig::default());
    let hits = bm25f::search(&index, &params, "plugin hot rel", true, 3).unwrap();
    assert_eq!(documents[hits[0].ordinal as usize].anchor, "hot-reload");
    let exact = bm25f::search(&index, &params, "plugin hot rel", false, 3).unwrap();
    assert_ne!(exact[0].ordinal, u32::MAX);
    assert!(
        bm25f::search(&index, &params, "HTMLPa", true, 3)
            .unwrap()
            .iter()
            .any(|h| documents[h.ordinal as usize].anchor == "tokenizer")
    );
}

#[test]
fn title_boost_ranks_the_page_about_a_word_first() {
    let documents = fixture_documents();
    let index = SectionIndex::build(&documents).unwrap();
    let params = Bm25fParams::from_config(&SearchConfig::default());
    let hits = bm25f::search(&index, &params, "plugin", false, 10).unwrap();
    let top = &documents[hits[0].ordinal as usize];
    assert_eq!(top.page_title, "Writing a plugin");
    let hits = bm25f::search(&index, &params, "indexing", false, 1).unwrap();
    assert_eq!(
        documents[hits[0].ordinal as usize].section_title,
        "Incremental indexing"
    );
}
