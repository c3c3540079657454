//! Excerpts in the JS client (`excerpt` in `theme/static/search-core.js`, run under node): the passage
//! around the matched words, within the configured length, matched words marked, stop words never marked.

mod search_support;

use search_support::{node_available, run_node};

fn excerpts(cases: serde_json::Value) -> Vec<(String, Vec<String>)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cases.json");
    std::fs::write(&path, serde_json::to_vec(&cases).unwrap()).unwrap();
    let answers = run_node(&["excerpt".as_ref(), path.as_os_str()]);
    answers
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let text = a["text"].as_str().unwrap().to_owned();
            let chars: Vec<char> = text.chars().collect();
            let marks = a["marks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| {
                    // Offsets are UTF-16; the texts here are ASCII apart from the ellipsis (one unit).
                    let (from, to) = (m[0].as_u64().unwrap(), m[1].as_u64().unwrap());
                    chars[from as usize..to as usize].iter().collect()
                })
                .collect();
            (text, marks)
        })
        .collect()
}

#[test]
fn excerpt_shows_the_passage_with_the_matched_words() {
    if !node_available("excerpt_shows_the_passage_with_the_matched_words") {
        return;
    }
    let filler = "Lorem ipsum dolor sit amet consectetur adipiscing elit. ".repeat(12);
    let text = format!("{filler}Enable hot reload with the watch flag. {filler}");
    let cut = excerpts(serde_json::json!([{ "text": text, "query": "hot reload", "length": 120 }]));
    let (shown, marks) = &cut[0];
    assert!(shown.contains("hot reload"), "{shown}");
    assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
    assert!(
        shown.chars().count() <= 122,
        "{} chars",
        shown.chars().count()
    );
    assert_eq!(marks, &["hot", "reload"]);
}

#[test]
fn stop_words_are_never_marked() {
    if !node_available("stop_words_are_never_marked") {
        return;
    }
    let cut = excerpts(serde_json::json!([{
        "text": "Write a plugin for the notes of a project, on reload.",
        "query": "write a plugin for notes on",
        "length": 240,
    }]));
    assert_eq!(cut[0].1, ["Write", "plugin", "notes"]);
    assert_eq!(
        cut[0].0,
        "Write a plugin for the notes of a project, on reload."
    );
}

#[test]
fn excerpt_without_a_match_is_the_section_start() {
    if !node_available("excerpt_without_a_match_is_the_section_start") {
        return;
    }
    let text = "First words of the section. ".repeat(20);
    let cut = excerpts(serde_json::json!([{ "text": text, "query": "absent", "length": 60 }]));
    assert!(cut[0].0.starts_with("First words"), "{}", cut[0].0);
    assert!(cut[0].1.is_empty());
}
