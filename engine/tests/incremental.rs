//! Incremental re-indexing: only changed files are parsed; edits, additions and deletions show up.

mod common;

use ax::{Engine, FindOptions};

#[test]
fn edit_add_and_delete_are_picked_up() {
    let project = common::project(&[
        ("src/a.rs", "pub fn alpha() {}\n"),
        ("src/b.rs", "pub fn beta() { alpha(); }\n"),
    ]);
    let engine = Engine::open(project.path()).expect("open");
    let first = engine.index().expect("first index");
    assert_eq!(
        (first.files_parsed, first.symbols, first.generation),
        (2, 2, 1)
    );

    let unchanged = engine.index().expect("no-op index");
    assert_eq!((unchanged.files_parsed, unchanged.files_unchanged), (0, 2));
    assert_eq!(
        unchanged.generation, 1,
        "a run with no change commits nothing"
    );

    // Edit: alpha moves down a line and gains a sibling.
    common::write(
        project.path(),
        "src/a.rs",
        "\npub fn alpha() {}\npub fn alpha_two() {}\n",
    );
    let edited = engine.index().expect("index after edit");
    assert_eq!((edited.files_parsed, edited.files_unchanged), (1, 1));
    assert_eq!(common::def_paths(&engine, "alpha"), ["src/a.rs:2"]);
    assert_eq!(common::def_paths(&engine, "alpha_two"), ["src/a.rs:3"]);

    // Add a file.
    common::write(project.path(), "src/c.rs", "pub fn gamma() { alpha(); }\n");
    let added = engine.index().expect("index after add");
    assert_eq!((added.files_parsed, added.files_unchanged), (1, 2));
    assert_eq!(common::def_paths(&engine, "gamma"), ["src/c.rs:1"]);
    let callers: Vec<String> = engine
        .refs("alpha")
        .expect("refs")
        .into_iter()
        .map(|r| r.path)
        .collect();
    assert_eq!(callers, ["src/b.rs", "src/c.rs"]);

    // Delete a file: its symbols and references go.
    std::fs::remove_file(project.path().join("src/b.rs")).expect("delete");
    let deleted = engine.index().expect("index after delete");
    assert_eq!(deleted.files_removed, 1);
    assert!(common::def_paths(&engine, "beta").is_empty());
    let callers: Vec<String> = engine
        .refs("alpha")
        .expect("refs")
        .into_iter()
        .map(|r| r.path)
        .collect();
    assert_eq!(callers, ["src/c.rs"]);
    assert_eq!(engine.stats().expect("stats").files, 2);
}

#[test]
fn reindexing_invalidates_the_query_cache() {
    let project = common::project(&[("lib.py", "def render_page():\n    pass\n")]);
    let engine = Engine::open(project.path()).expect("open");
    engine.index().expect("index");
    let before = engine
        .find("render", &FindOptions::default())
        .expect("find");
    assert_eq!(before.len(), 1);
    // Same query again is served from the cache; then a change must not serve stale hits.
    assert_eq!(
        engine
            .find("render", &FindOptions::default())
            .expect("cached find"),
        before
    );
    common::write(
        project.path(),
        "lib.py",
        "def render_page():\n    pass\n\ndef render_site():\n    pass\n",
    );
    engine.index().expect("reindex");
    let after = engine
        .find("render", &FindOptions::default())
        .expect("find after reindex");
    assert_eq!(after.len(), 2);
}

#[test]
fn gitignore_and_ax_toml_ignore_globs_are_respected() {
    let project = common::project(&[
        (".gitignore", "generated/\n"),
        ("ax.toml", "[index]\nignore = [\"vendor/**\"]\n"),
        ("src/keep.go", "package keep\n\nfunc Keep() {}\n"),
        ("generated/gen.go", "package gen\n\nfunc Generated() {}\n"),
        ("vendor/dep.go", "package dep\n\nfunc Vendored() {}\n"),
    ]);
    let engine = Engine::open(project.path()).expect("open");
    let report = engine.index().expect("index");
    assert_eq!(report.files_seen, 1);
    assert_eq!(common::def_paths(&engine, "Keep"), ["src/keep.go:3"]);
    assert!(common::def_paths(&engine, "Vendored").is_empty());
}

/// Distinct tantivy segments in `.ax/index` (each segment is several files named by its id).
fn segment_count(root: &std::path::Path) -> usize {
    let mut ids: Vec<String> = std::fs::read_dir(root.join(".ax/index"))
        .expect("index dir")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| !name.starts_with('.') && !name.starts_with("meta"))
        .map(|name| name.split('.').next().unwrap_or("").to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    ids.len()
}

#[test]
fn repeated_edits_keep_the_segment_count_bounded() {
    let project = common::project(&[
        ("src/a.rs", "pub fn alpha() {}\n"),
        ("src/b.rs", "pub fn beta() {}\n"),
    ]);
    let engine = Engine::open(project.path()).expect("open");
    engine.index().expect("first index");
    for round in 0..6 {
        common::write(
            project.path(),
            "src/a.rs",
            &format!("pub fn alpha() {{}}\npub fn round_{round}() {{}}\n"),
        );
        engine.index().expect("incremental index");
        assert!(
            segment_count(project.path()) <= 3,
            "round {round}: {} segments",
            segment_count(project.path())
        );
        assert_eq!(
            common::def_paths(&engine, &format!("round_{round}")),
            ["src/a.rs:2"]
        );
    }
    assert_eq!(common::def_paths(&engine, "beta"), ["src/b.rs:1"]);
}

/// A small tree is written by one indexer thread: one segment, the same on every run, so the cost
/// of a query over it does not depend on how the threads happened to split the documents (the
/// `docgen test` cost gate relies on it). With two threads, 8 fresh indexes of 48 documents gave
/// splits from [47, 1] to [27, 21].
#[test]
fn a_small_tree_is_indexed_into_one_segment_every_time() {
    let files: Vec<(String, String)> = (0..40)
        .map(|i| {
            (
                format!("src/m{i}.rs"),
                format!("pub fn f{i}() {{}}\npub struct S{i};\n"),
            )
        })
        .collect();
    let project = common::project(&files);
    for run in 0..5 {
        let _ = std::fs::remove_dir_all(project.path().join(".ax"));
        let engine = Engine::open(project.path()).expect("open");
        engine.index().expect("index");
        assert_eq!(segment_count(project.path()), 1, "run {run}");
    }
}

/// Rewrites the generation recorded in `.ax/manifest.json`, as if a commit were half done.
fn set_manifest_generation(root: &std::path::Path, from: u64, to: u64) {
    let path = root.join(".ax/manifest.json");
    let text = std::fs::read_to_string(&path).expect("manifest");
    let changed = text.replace(
        &format!("\"generation\": {from}"),
        &format!("\"generation\": {to}"),
    );
    assert_ne!(text, changed, "the manifest records generation {from}");
    std::fs::write(&path, changed).expect("write manifest");
}

#[test]
fn a_run_killed_before_its_manifest_write_answers_the_committed_generation() {
    let project = common::project(&[("a.py", "def alpha():\n    pass\n")]);
    let root = project.path().to_owned();
    let engine = Engine::open(&root).expect("open");
    engine.index().expect("index");
    common::write(
        &root,
        "a.py",
        "def alpha():\n    pass\n\ndef beta():\n    pass\n",
    );
    engine.index().expect("reindex");
    // Tantivy committed generation 2 (its payload is the manifest); `manifest.json` never got there.
    set_manifest_generation(&root, 2, 1);
    let hits = engine
        .clone()
        .with_query_cache(false)
        .find("beta", &FindOptions::default())
        .expect("the committed generation answers");
    assert_eq!(hits.len(), 1);
    assert_eq!(engine.stats().expect("stats").generation, 2);
    // The next run continues from the committed generation.
    common::write(&root, "a.py", "def gamma():\n    pass\n");
    assert_eq!(engine.index().expect("index").generation, 3);
    assert_eq!(common::def_paths(&engine, "gamma"), ["a.py:1"]);
}

#[test]
fn a_manifest_ahead_of_the_index_is_a_damaged_index() {
    let project = common::project(&[("a.py", "def alpha():\n    pass\n")]);
    let engine = Engine::open(project.path()).expect("open");
    engine.index().expect("index");
    // No commit ever writes the manifest before tantivy: this is damage, not an interrupted run.
    set_manifest_generation(project.path(), 1, 7);
    let error = engine
        .with_query_cache(false)
        .find("alpha", &FindOptions::default())
        .expect_err("generation mismatch");
    assert!(
        error.to_string().contains("run `ax index` to rebuild it"),
        "{error}"
    );
}

#[test]
fn index_changed_re_reads_only_the_named_files_and_matches_a_full_run() {
    let project = common::project(&[
        ("src/a.rs", "pub fn alpha() {}\n"),
        ("src/b.rs", "pub fn beta() { alpha(); }\n"),
        ("src/gone/c.rs", "pub fn gamma() {}\n"),
    ]);
    let root = project.path().to_owned();
    let engine = Engine::open(&root).expect("open");
    engine.index().expect("index");

    common::write(&root, "src/a.rs", "pub fn alpha_edited() {}\n");
    let edited = engine
        .index_changed(&[root.join("src/a.rs")])
        .expect("targeted run");
    assert_eq!((edited.files_parsed, edited.files_unchanged), (1, 2));
    assert_eq!(common::def_paths(&engine, "alpha_edited"), ["src/a.rs:1"]);
    assert!(common::def_paths(&engine, "alpha").is_empty());

    // A deleted folder drops every file under it.
    std::fs::remove_dir_all(root.join("src/gone")).expect("remove folder");
    let removed = engine
        .index_changed(&[root.join("src/gone")])
        .expect("targeted run");
    assert_eq!(removed.files_removed, 1);
    assert!(common::def_paths(&engine, "gamma").is_empty());

    // A new file may be ignored or not: the full walk decides.
    common::write(&root, "src/d.rs", "pub fn delta() {}\n");
    let added = engine
        .index_changed(&[root.join("src/d.rs")])
        .expect("falls back to a full run");
    assert_eq!(added.files_seen, 3);
    assert_eq!(common::def_paths(&engine, "delta"), ["src/d.rs:1"]);

    // Paths outside the root, inside `.ax/`, or of unchanged files commit nothing.
    let generation = added.generation;
    let idle = engine
        .index_changed(&[
            root.join("src/b.rs"),
            root.join(".ax/manifest.json"),
            std::env::temp_dir().join("elsewhere.rs"),
        ])
        .expect("nothing to do");
    assert_eq!(idle.generation, generation);

    let full = engine.index().expect("full run");
    assert_eq!(
        full.files_parsed, 0,
        "the targeted runs left nothing behind"
    );
    assert_eq!(full.symbols, idle.symbols);
}

/// A tree the last run saw with 1,024 files or more is walked on every core while the last file
/// table loads: an edit, an addition, a removal and an unreadable file are still all seen, and a
/// run with nothing to change starts no index writer (it succeeds while another holds the lock).
#[test]
fn a_large_tree_walked_beside_the_table_load_sees_every_change() {
    let files: Vec<(String, String)> = (0..1100)
        .map(|i| (format!("src/m{i}.rs"), format!("pub fn f{i}() {{}}\n")))
        .collect();
    let project = common::project(&files);
    let engine = Engine::open(project.path()).expect("open");
    assert_eq!(engine.index().expect("first index").files_parsed, 1100);

    common::write(project.path(), "src/m7.rs", "pub fn f7_edited() {}\n");
    common::write(project.path(), "src/new.rs", "pub fn added() {}\n");
    std::fs::remove_file(project.path().join("src/m9.rs")).expect("delete");
    std::fs::write(project.path().join("src/m11.rs"), b"\0binary").expect("write");
    let report = engine.index().expect("index after changes");
    assert_eq!(
        (report.files_parsed, report.files_removed, report.files_seen),
        (2, 2, 1100)
    );
    assert_eq!(common::def_paths(&engine, "f7_edited"), ["src/m7.rs:1"]);
    assert!(common::def_paths(&engine, "f7").is_empty());
    assert_eq!(common::def_paths(&engine, "added"), ["src/new.rs:1"]);
    assert!(common::def_paths(&engine, "f9").is_empty());
    assert!(common::def_paths(&engine, "f11").is_empty());
    assert_eq!(common::def_paths(&engine, "f1000"), ["src/m1000.rs:1"]);

    // Another writer holds the index's lock: a run with nothing to do does not need it.
    let writer: tantivy::IndexWriter =
        tantivy::Index::open_in_dir(project.path().join(".ax/index"))
            .expect("open")
            .writer_with_num_threads(1, 15_000_000)
            .expect("the lock is free");
    let unchanged = engine.index().expect("a run with nothing to change");
    assert_eq!((unchanged.files_parsed, unchanged.files_removed), (0, 0));
    drop(writer);
}
