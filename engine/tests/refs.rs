//! `refs`: every use of exactly one name, with its line and column, read from the per-name layout
//! (decision 0104): uses that pack into a postings position, and the rare ones that do not (a
//! column past 4095) kept in the file's stored payload. Edits and deletions remove both kinds.

mod common;

use ax::Engine;

fn refs(engine: &Engine, name: &str) -> Vec<String> {
    engine
        .refs(name)
        .expect("refs succeeds")
        .into_iter()
        .map(|reference| {
            assert_eq!(reference.name, name);
            format!("{}:{}:{}", reference.path, reference.line, reference.column)
        })
        .collect()
}

/// A Rust file calling `target()` on lines 2 and 3, and once at column `5001` of line 4.
fn with_a_long_line() -> String {
    format!(
        "fn main() {{\n    target();\n    other(); target();\n{}target();\n}}\n",
        " ".repeat(5000)
    )
}

#[test]
fn every_use_comes_back_with_its_line_and_column_even_past_the_packed_range() {
    let project = common::project(&[
        ("src/long.rs", with_a_long_line()),
        (
            "src/short.rs",
            "fn f() { target(); Target(); target_two(); }\n".to_owned(),
        ),
    ]);
    let engine = Engine::open(project.path()).expect("open");
    engine.index().expect("index");
    assert_eq!(
        refs(&engine, "target"),
        [
            "src/long.rs:2:5",
            "src/long.rs:3:14",
            "src/long.rs:4:5001",
            "src/short.rs:1:10"
        ]
    );
    // Exact and case-sensitive.
    assert_eq!(refs(&engine, "Target"), ["src/short.rs:1:20"]);
    assert_eq!(refs(&engine, "target_two"), ["src/short.rs:1:30"]);
    assert!(refs(&engine, "targ").is_empty());
    assert_eq!(refs(&engine, "other"), ["src/long.rs:3:5"]);
}

#[test]
fn edits_and_deletions_remove_packed_and_overflowing_uses() {
    let project = common::project(&[
        ("src/long.rs", with_a_long_line()),
        ("src/short.rs", "fn f() { target(); }\n".to_owned()),
    ]);
    let engine = Engine::open(project.path()).expect("open");
    engine.index().expect("index");
    assert_eq!(refs(&engine, "target").len(), 4);
    // The long line goes: its use leaves with it; the others move.
    common::write(
        project.path(),
        "src/long.rs",
        "fn main() {\n\n    target();\n}\n",
    );
    engine.index().expect("re-index");
    assert_eq!(
        refs(&engine, "target"),
        ["src/long.rs:3:5", "src/short.rs:1:10"]
    );
    // Back again, then the file is deleted.
    common::write(project.path(), "src/long.rs", &with_a_long_line());
    engine.index().expect("re-index");
    assert_eq!(refs(&engine, "target").len(), 4);
    std::fs::remove_file(project.path().join("src/long.rs")).expect("delete");
    engine.index().expect("re-index");
    assert_eq!(refs(&engine, "target"), ["src/short.rs:1:10"]);
}

#[test]
fn references_in_many_files_across_segments_come_back_sorted() {
    let files: Vec<(String, String)> = (0..300)
        .map(|i| {
            (
                format!("src/m{i:03}.rs"),
                format!("fn f{i}() {{\n    shared();\n    shared();\n}}\n"),
            )
        })
        .collect();
    let project = common::project(&files);
    let engine = Engine::open(project.path()).expect("open");
    engine.index().expect("index");
    // Edits add segments (and deletions in the old ones) before any merge.
    for i in [7, 150, 299] {
        common::write(
            project.path(),
            &format!("src/m{i:03}.rs"),
            &format!("fn f{i}() {{\n\n    shared();\n}}\n"),
        );
        engine.index().expect("re-index");
    }
    let found = refs(&engine, "shared");
    assert_eq!(found.len(), 297 * 2 + 3);
    let mut sorted = found.clone();
    sorted.sort();
    assert_eq!(found, sorted);
    assert_eq!(found[0], "src/m000.rs:2:5");
    assert!(found.contains(&"src/m150.rs:3:5".to_owned()));
    assert!(!found.contains(&"src/m150.rs:2:5".to_owned()));
}
