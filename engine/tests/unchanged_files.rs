//! `ax index` keeps a file's entry without reading it when its size, times and inode are what the
//! last run recorded, and only records them once they have settled (the "racy" write within the
//! timestamp granularity of the last read must still be seen). Renames and deletions are seen.

#![cfg(unix)]

mod common;

use std::path::Path;
use std::time::{Duration, SystemTime};

use ax::Engine;
use ax::model::FileStat;

fn set_modified(root: &Path, path: &str, time: SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(root.join(path))
        .expect("open for the times")
        .set_modified(time)
        .expect("set the modification time");
}

fn modified(root: &Path, path: &str) -> SystemTime {
    std::fs::metadata(root.join(path))
        .expect("metadata")
        .modified()
        .expect("modification time")
}

fn an_hour_ago() -> SystemTime {
    SystemTime::now() - Duration::from_secs(3600)
}

/// Waits out the settle window: setting a modification time is itself a change (of `ctime`), and
/// a stat is only recorded for a file unchanged for 2 s before the run.
fn settle() {
    std::thread::sleep(Duration::from_millis(2200));
}

/// The `stat` recorded for `path` in the newest file table, if any.
fn recorded_stat(root: &Path, path: &str) -> Option<FileStat> {
    Engine::open(root)
        .expect("open")
        .recorded_stat(path)
        .expect("read the file table")
}

#[test]
fn a_settled_file_records_its_stat_and_a_fresh_one_does_not() {
    let project = common::project(&[
        ("old.rs", "pub fn old() {}\n"),
        ("new.rs", "pub fn new_one() {}\n"),
    ]);
    let root = project.path();
    set_modified(root, "old.rs", an_hour_ago());
    settle();
    common::write(root, "new.rs", "pub fn new_two() {}\n");
    let engine = Engine::open(root).expect("open");
    engine.index().expect("index");
    let stat = recorded_stat(root, "old.rs").expect("a settled file's stat is recorded");
    assert_eq!(stat.size, 16);
    let seconds = modified(root, "old.rs")
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("after the epoch")
        .as_nanos();
    assert_eq!(u128::try_from(stat.modified_ns).ok(), Some(seconds));
    assert_eq!(
        recorded_stat(root, "new.rs"),
        None,
        "a file written just now could change again within its timestamp's granularity"
    );
    let again = engine.index().expect("second run");
    assert_eq!((again.files_parsed, again.files_unchanged), (0, 2));
    assert_eq!(again.generation, 1);
}

#[test]
fn a_fresh_file_rewritten_with_the_same_size_and_time_is_read_again() {
    let project = common::project(&[("a.rs", "pub fn alpha() {}\n")]);
    let root = project.path();
    let engine = Engine::open(root).expect("open");
    engine.index().expect("index");
    let written = modified(root, "a.rs");
    // Same length, same modification time: only reading the file can tell.
    common::write(root, "a.rs", "pub fn bravo() {}\n");
    set_modified(root, "a.rs", written);
    let report = engine.index().expect("re-index");
    assert_eq!(report.files_parsed, 1);
    assert_eq!(common::def_paths(&engine, "bravo"), ["a.rs:1"]);
    assert!(common::def_paths(&engine, "alpha").is_empty());
}

#[test]
fn a_settled_file_rewritten_with_the_same_size_and_time_is_seen_by_its_change_time() {
    let project = common::project(&[("a.rs", "pub fn alpha() {}\n")]);
    let root = project.path();
    let old = an_hour_ago();
    set_modified(root, "a.rs", old);
    settle();
    let engine = Engine::open(root).expect("open");
    engine.index().expect("index");
    assert!(recorded_stat(root, "a.rs").is_some());
    common::write(root, "a.rs", "pub fn bravo() {}\n");
    set_modified(root, "a.rs", old);
    let report = engine.index().expect("re-index");
    assert_eq!(report.files_parsed, 1);
    assert_eq!(common::def_paths(&engine, "bravo"), ["a.rs:1"]);
    assert!(common::def_paths(&engine, "alpha").is_empty());
}

#[test]
fn renames_swaps_and_deletions_of_settled_files_are_seen() {
    let project = common::project(&[
        ("a.rs", "pub fn alpha() {}\n"),
        ("b.rs", "pub fn bravo() {}\n"),
        ("c.rs", "pub fn delta() {}\n"),
        ("d.rs", "pub fn gamma() {}\n"),
    ]);
    let root = project.path();
    for path in ["a.rs", "b.rs", "c.rs", "d.rs"] {
        set_modified(root, path, an_hour_ago());
    }
    settle();
    let engine = Engine::open(root).expect("open");
    engine.index().expect("index");
    assert!(recorded_stat(root, "a.rs").is_some() && recorded_stat(root, "b.rs").is_some());
    // Swap a.rs and b.rs (same size; a rename keeps the modification time), rename c.rs, delete d.rs.
    std::fs::rename(root.join("a.rs"), root.join("swap.tmp")).expect("rename");
    std::fs::rename(root.join("b.rs"), root.join("a.rs")).expect("rename");
    std::fs::rename(root.join("swap.tmp"), root.join("b.rs")).expect("rename");
    std::fs::rename(root.join("c.rs"), root.join("e.rs")).expect("rename");
    std::fs::remove_file(root.join("d.rs")).expect("delete");
    let report = engine.index().expect("re-index");
    assert_eq!((report.files_parsed, report.files_removed), (3, 2));
    assert_eq!(common::def_paths(&engine, "alpha"), ["b.rs:1"]);
    assert_eq!(common::def_paths(&engine, "bravo"), ["a.rs:1"]);
    assert_eq!(common::def_paths(&engine, "delta"), ["e.rs:1"]);
    assert!(common::def_paths(&engine, "gamma").is_empty());
}
