//! Ranking: BM25F with the exact-name boost, and `ax.toml` boosts that change the order.

mod common;

use ax::{Engine, FindOptions};

const SOURCES: &[(&str, &str)] = &[
    (
        "src/lexer.rs",
        "/// Splits source text into tokens.\npub fn tokenize(source: &str) -> Vec<String> { Vec::new() }\n",
    ),
    (
        "src/docs.rs",
        "/// Call this after you tokenize the input; it tokenize-checks nothing else.\npub fn normalise(input: &str) -> String { input.to_owned() }\n",
    ),
    (
        "src/extra.rs",
        "/// Returns the tokenize mode label.\npub fn tokenize_mode() -> &'static str { \"fast\" }\n",
    ),
];

fn names(engine: &Engine, query: &str) -> Vec<String> {
    engine
        .find(query, &FindOptions::default())
        .expect("find succeeds")
        .into_iter()
        .map(|hit| hit.symbol.name)
        .collect()
}

#[test]
fn exact_name_beats_a_doc_mention() {
    let project = common::project(SOURCES);
    let engine = Engine::open(project.path()).expect("open");
    engine.index().expect("index");
    let ranked = names(&engine, "tokenize");
    assert_eq!(
        ranked.first().map(String::as_str),
        Some("tokenize"),
        "{ranked:?}"
    );
    assert!(
        ranked.contains(&"normalise".to_owned()),
        "the doc mention is still found: {ranked:?}"
    );
}

#[test]
fn boosts_from_ax_toml_change_the_order() {
    let project = common::project(SOURCES);
    common::write(
        project.path(),
        "ax.toml",
        "[ranking]\nexact_name_boost = 1.0\n\n[ranking.boosts]\nname = 0.1\nsignature = 0.0\ndoc = 10.0\npath = 0.0\n",
    );
    let engine = Engine::open(project.path()).expect("open");
    engine.index().expect("index");
    let ranked = names(&engine, "tokenize");
    assert_eq!(
        ranked.first().map(String::as_str),
        Some("normalise"),
        "{ranked:?}"
    );
}

#[test]
fn kind_lang_and_path_filters_narrow_hits() {
    let project = common::project(&[
        (
            "a/parse.py",
            "def parse_line(text):\n    \"\"\"Parse one line.\"\"\"\n    return text\n",
        ),
        ("b/parse.rs", "/// Parse one line.\npub struct ParseLine;\n"),
    ]);
    let engine = Engine::open(project.path()).expect("open");
    engine.index().expect("index");
    let paths = |options: FindOptions| -> Vec<String> {
        engine
            .find("parse line", &options)
            .expect("find")
            .into_iter()
            .map(|hit| hit.symbol.path)
            .collect()
    };
    assert_eq!(paths(FindOptions::default()).len(), 2);
    let by_kind = FindOptions {
        kind: Some(ax::SymbolKind::Struct),
        ..FindOptions::default()
    };
    assert_eq!(paths(by_kind), ["b/parse.rs"]);
    let by_lang = FindOptions {
        lang: Some(ax::Language::Python),
        ..FindOptions::default()
    };
    assert_eq!(paths(by_lang), ["a/parse.py"]);
    let by_path = FindOptions {
        path_glob: Some("b/**".into()),
        ..FindOptions::default()
    };
    assert_eq!(paths(by_path), ["b/parse.rs"]);
    let limited = FindOptions {
        limit: Some(1),
        ..FindOptions::default()
    };
    assert_eq!(paths(limited).len(), 1);
}

#[test]
fn ties_are_ordered_by_path_even_past_the_limit() {
    let files: Vec<(String, String)> = (0..40)
        .map(|index| {
            (
                format!("pkg{index:02}/lib.go"),
                "package pkg\n\nfunc Render() {}\n".to_owned(),
            )
        })
        .collect();
    let project = common::project(&files);
    let engine = Engine::open(project.path()).expect("open");
    engine.index().expect("index");
    let options = FindOptions {
        limit: Some(3),
        ..FindOptions::default()
    };
    let paths: Vec<String> = engine
        .find("render", &options)
        .expect("find")
        .into_iter()
        .map(|hit| hit.symbol.path)
        .collect();
    assert_eq!(paths, ["pkg00/lib.go", "pkg01/lib.go", "pkg02/lib.go"]);
}

/// A server's engine keeps one snapshot open and hands `find`'s per-document table from query to
/// query: every answer, in any order and from several threads at once, is what a fresh process
/// answers, with the same kind and language filters and the same exact-name boosts.
#[test]
fn a_kept_snapshot_answers_every_query_as_a_fresh_one_does() {
    let mut sources: Vec<(String, String)> = SOURCES
        .iter()
        .map(|(path, text)| (path.to_string(), text.to_string()))
        .collect();
    sources.push((
        "src/shapes.py".into(),
        "class Token:\n    \"\"\"A token of the source.\"\"\"\n\ndef tokenize(text):\n    return []\n".into(),
    ));
    let project = common::project(&sources);
    Engine::open(project.path())
        .expect("open")
        .index()
        .expect("index");
    let queries: Vec<(&str, FindOptions)> = vec![
        ("tokenize", FindOptions::default()),
        (
            "token",
            FindOptions {
                kind: Some(ax::SymbolKind::Class),
                ..FindOptions::default()
            },
        ),
        (
            "tokenize",
            FindOptions {
                lang: Some(ax::Language::Python),
                ..FindOptions::default()
            },
        ),
        ("normalise input", FindOptions::default()),
        ("mode label", FindOptions::default()),
    ];
    let fresh: Vec<Vec<(String, String)>> = queries
        .iter()
        .map(|(query, options)| {
            let engine = Engine::open(project.path())
                .expect("open")
                .with_query_cache(false);
            hits(&engine, query, options)
        })
        .collect();
    assert!(fresh.iter().all(|answer| !answer.is_empty()), "{fresh:?}");
    let kept = Engine::open(project.path())
        .expect("open")
        .with_query_cache(false)
        .keeping_index_open();
    std::thread::scope(|scope| {
        for thread in 0..4 {
            let (kept, queries, fresh) = (&kept, &queries, &fresh);
            scope.spawn(move || {
                for round in 0..25 {
                    let index = (thread + round) % queries.len();
                    let (query, options) = &queries[index];
                    assert_eq!(hits(kept, query, options), fresh[index], "{query}");
                }
            });
        }
    });
}

fn hits(engine: &Engine, query: &str, options: &FindOptions) -> Vec<(String, String)> {
    engine
        .find(query, options)
        .expect("find succeeds")
        .into_iter()
        .map(|hit| (hit.symbol.name, format!("{:.4}", hit.score)))
        .collect()
}
