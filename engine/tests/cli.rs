//! End-to-end tests of the `ax` binary: every command with `--json`, and the human output format.

mod common;

use assert_cmd::Command;
use serde_json::Value;

fn ax(root: &std::path::Path) -> Command {
    let mut command = Command::cargo_bin("ax").expect("the ax binary is built");
    command.current_dir(root).env("NO_COLOR", "1");
    command
}

fn json_of(output: &[u8]) -> Value {
    serde_json::from_slice(output).expect("stdout is JSON")
}

#[test]
fn index_find_def_refs_stats_as_json() {
    let project = common::copy_fixture("router-rs");
    let root = project.path();

    let index = ax(root).args(["index", "--json"]).assert().success();
    let index = json_of(&index.get_output().stdout);
    assert_eq!(index["command"], "index");
    assert_eq!(index["report"]["files_parsed"], 3);
    assert_eq!(index["report"]["generation"], 1);

    let find = ax(root)
        .args(["find", "parse", "request", "--json", "--limit", "2"])
        .assert()
        .success();
    let find = json_of(&find.get_output().stdout);
    assert_eq!(find["query"], "parse request");
    let hits = find["hits"].as_array().expect("hits array");
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0]["name"], "parse_request");
    assert_eq!(hits[0]["path"], "src/request.rs");
    assert_eq!(hits[0]["line"], 41);
    assert_eq!(hits[0]["kind"], "function");
    assert_eq!(hits[0]["lang"], "rust");
    assert!(hits[0]["score"].as_f64().expect("score") > hits[1]["score"].as_f64().expect("score"));

    let def = ax(root)
        .args(["def", "Router::dispatch", "--json"])
        .assert()
        .success();
    let def = json_of(&def.get_output().stdout);
    let definitions = def["definitions"].as_array().expect("definitions");
    assert_eq!(definitions.len(), 1);
    assert_eq!(definitions[0]["container"], "Router");
    assert_eq!(definitions[0]["line"], 40);

    let refs = ax(root)
        .args(["refs", "match_pattern", "--json"])
        .assert()
        .success();
    let refs = json_of(&refs.get_output().stdout);
    let locations: Vec<String> = refs["references"]
        .as_array()
        .expect("references")
        .iter()
        .map(|reference| {
            format!(
                "{}:{}",
                reference["path"].as_str().unwrap_or(""),
                reference["line"]
            )
        })
        .collect();
    assert_eq!(locations, ["src/router.rs:45", "src/router.rs:76"]);

    let stats = ax(root).args(["stats", "--json"]).assert().success();
    let stats = json_of(&stats.get_output().stdout);
    assert_eq!(stats["files"], 3);
    assert_eq!(stats["languages"]["rust"]["files"], 3);
    assert!(stats["kinds"]["function"].as_u64().expect("function count") >= 3);
}

#[test]
fn human_output_is_path_line_col_kind_name_signature() {
    let project = common::copy_fixture("kvstore-go");
    let root = project.path();
    ax(root).arg("index").assert().success();
    ax(root)
        .args(["def", "NewStore"])
        .assert()
        .success()
        .stdout("store.go:35:6  function  NewStore  func NewStore(clock Clock) *Store\n");
    ax(root)
        .args(["find", "evict", "expired", "-n", "1"])
        .assert()
        .success()
        .stdout("store.go:61:17  method  Evict  func (s *Store) Evict() int\n");
}

#[test]
fn commands_find_the_root_from_a_subfolder() {
    let project = common::copy_fixture("tokenizer-py");
    let root = project.path();
    ax(root).arg("index").assert().success();
    let find = ax(&root.join("tokenizer"))
        .args(["find", "tokenize", "--json", "-n", "1"])
        .assert()
        .success();
    let find = json_of(&find.get_output().stdout);
    assert_eq!(find["hits"][0]["path"], "tokenizer/lexer.py");
    assert_eq!(find["hits"][0]["name"], "tokenize");
}

#[test]
fn version_prints_the_crate_version() {
    Command::cargo_bin("ax")
        .expect("binary")
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("ax {}\n", ax::VERSION));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let project = common::copy_fixture("kvstore-go");
    let root = project.path();
    ax(root).arg("index").assert().success();
    let plain = ax(root).args(["def", "Evict"]).assert().success();
    assert!(
        !plain.get_output().stdout.contains(&0x1b),
        "piped output has no escape codes"
    );
    let coloured = ax(root)
        .args(["def", "Evict", "--color", "always"])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&coloured.get_output().stdout).into_owned();
    assert!(
        stdout.starts_with("\x1b[35mstore.go:61:17\x1b[0m"),
        "{stdout:?}"
    );
}

#[test]
fn cached_and_uncached_find_agree() {
    let project = common::copy_fixture("router-ts");
    let root = project.path();
    ax(root).arg("index").assert().success();
    let first = ax(root)
        .args(["find", "route", "handler", "--json"])
        .assert()
        .success();
    let cached = ax(root)
        .args(["find", "route", "handler", "--json"])
        .assert()
        .success();
    let uncached = ax(root)
        .args(["find", "route", "handler", "--json", "--no-cache"])
        .assert()
        .success();
    let first = first.get_output().stdout.clone();
    assert!(
        std::fs::read_dir(root.join(".ax/cache"))
            .expect("cache dir")
            .count()
            >= 1
    );
    assert_eq!(first, cached.get_output().stdout);
    assert_eq!(first, uncached.get_output().stdout);
}
