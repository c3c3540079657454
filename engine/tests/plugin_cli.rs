//! End-to-end tests of the plugin commands on the `ax` binary: `ax plugin new|list|check|dev|trace|
//! profile`, `ax run`, `ax lint`, and the hooks running inside `ax index` and `ax find`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use assert_cmd::Command;

const SOURCE: &str =
    "fn main() {\n    // TODO: handle errors\n    run();\n}\n\n// FIXME: too slow\nfn run() {}\n";

fn ax(root: &Path) -> Command {
    let mut command = Command::cargo_bin("ax").expect("the ax binary is built");
    command.current_dir(root).env("NO_COLOR", "1");
    command
}

fn stdout_of(command: &mut Command) -> String {
    let output = command.output().expect("ax runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A project with one Rust file and `[plugins] dir = "plugins"`, with no plugin yet.
fn project() -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(root.path().join("src")).expect("create src");
    std::fs::write(root.path().join("src/main.rs"), SOURCE).expect("write source");
    std::fs::write(
        root.path().join("ax.toml"),
        "[plugins]\ndir = \"plugins\"\n",
    )
    .expect("write ax.toml");
    root
}

/// A project with the fixture plugin `all-hooks` copied into `plugins/`.
fn project_with_fixture(name: &str) -> tempfile::TempDir {
    let root = project();
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/plugins/good")
        .join(name);
    let target = root.path().join("plugins").join(name);
    std::fs::create_dir_all(&target).expect("create plugin dir");
    for file in ["plugin.toml", "init.lua"] {
        std::fs::copy(source.join(file), target.join(file)).expect("copy plugin file");
    }
    root
}

#[test]
fn plugin_new_scaffolds_a_plugin_that_passes_check() {
    let root = project();
    ax(root.path())
        .args(["plugin", "new", "hello"])
        .assert()
        .success()
        .stdout("created plugins/hello\n");
    for file in ["plugin.toml", "init.lua", "README.md"] {
        assert!(
            root.path().join("plugins/hello").join(file).is_file(),
            "{file} is written"
        );
    }
    let check = ax(root.path()).args(["plugin", "check"]).assert().success();
    insta::assert_snapshot!(String::from_utf8_lossy(&check.get_output().stdout));
}

#[test]
fn plugin_new_refuses_a_bad_name_and_an_existing_folder() {
    let root = project();
    ax(root.path())
        .args(["plugin", "new", "Bad_Name"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("invalid plugin name `Bad_Name`"));
    ax(root.path())
        .args(["plugin", "new", "twice"])
        .assert()
        .success();
    ax(root.path())
        .args(["plugin", "new", "twice"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("the folder already exists"));
}

#[test]
fn plugin_list_shows_enabled_plugins_and_load_errors() {
    let root = project_with_fixture("all-hooks");
    let list = ax(root.path()).args(["plugin", "list"]).assert().success();
    insta::assert_snapshot!(String::from_utf8_lossy(&list.get_output().stdout));

    std::fs::create_dir_all(root.path().join("plugins/broken")).expect("create dir");
    std::fs::write(
        root.path().join("plugins/broken/plugin.toml"),
        "name = \"broken\"\nversion = 1\n",
    )
    .expect("write");
    ax(root.path())
        .args(["plugin", "list"])
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "plugins/broken/plugin.toml:2: invalid type: integer `1`, expected a string",
        ));
}

#[test]
fn plugin_list_as_json() {
    let root = project_with_fixture("all-hooks");
    let output = stdout_of(ax(root.path()).args(["plugin", "list", "--json"]));
    let json: serde_json::Value = serde_json::from_str(&output).expect("stdout is JSON");
    assert_eq!(json["plugins"][0]["manifest"]["name"], "all-hooks");
    assert_eq!(json["plugins"][0]["manifest"]["hooks"][0], "on_index");
    assert_eq!(json["plugins"][0]["lint_rules"][0], "no_fixme");
    assert_eq!(json["plugins"][0]["path"], "plugins/all-hooks");
}

#[test]
fn plugin_check_fails_on_a_hook_error_and_names_the_line() {
    let root = project();
    ax(root.path())
        .args(["plugin", "new", "oops"])
        .assert()
        .success();
    let init = root.path().join("plugins/oops/init.lua");
    let text = std::fs::read_to_string(&init).expect("read init.lua");
    std::fs::write(
        &init,
        text.replace(
            "  return nil\nend\n\n-- on_results",
            "  return query + 1\nend\n\n-- on_results",
        ),
    )
    .expect("break on_query");
    let check = ax(root.path())
        .args(["plugin", "check", "plugins/oops"])
        .assert()
        .failure();
    let stdout = String::from_utf8_lossy(&check.get_output().stdout).into_owned();
    assert!(stdout.contains("  FAIL on_query: plugin `oops`, on_query: attempt to add a 'string' with a 'number' at "), "{stdout}");
    assert!(stdout.contains("plugins/oops/init.lua:20\n"), "{stdout}");
    assert!(stdout.ends_with("failed\n"), "{stdout}");
}

#[test]
fn run_calls_a_plugin_command_with_arguments() {
    let root = project_with_fixture("all-hooks");
    ax(root.path())
        .args(["run", "all-hooks", "echo", "one", "--two"])
        .assert()
        .success()
        .stdout("one --two\n");
    ax(root.path())
        .args(["run", "all-hooks", "broken"])
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "commands.broken: attempt to index a nil value (local 'missing') at ",
        ))
        .stderr(predicates::str::contains("plugins/all-hooks/init.lua:45"));
    ax(root.path())
        .args(["run", "nope", "x"])
        .assert()
        .failure()
        .stderr("error: no plugin named `nope` is enabled\n");
}

#[test]
fn run_gives_index_read_plugins_the_real_index() {
    let root = project_with_fixture("all-hooks");
    ax(root.path()).arg("index").assert().success();
    ax(root.path())
        .args(["run", "all-hooks", "find", "run"])
        .assert()
        .success()
        .stdout(predicates::str::contains("src/main.rs:7 run\n"));
}

#[test]
fn lint_reports_path_and_line_and_exits_1() {
    let root = project_with_fixture("all-hooks");
    ax(root.path())
        .arg("lint")
        .assert()
        .code(1)
        .stdout("src/main.rs:6: all-hooks/no_fixme: FIXME left in code\n");
    std::fs::write(root.path().join("src/main.rs"), "fn main() {}\n").expect("clean the file");
    ax(root.path()).arg("lint").assert().success().stdout("");
}

#[test]
fn lint_and_trace_as_json() {
    let root = project_with_fixture("all-hooks");
    let output = stdout_of(ax(root.path()).args(["lint", "--json"]));
    let json: serde_json::Value = serde_json::from_str(&output).expect("stdout is JSON");
    assert_eq!(
        json["findings"],
        serde_json::json!([{ "path": "src/main.rs", "line": 6, "plugin": "all-hooks", "rule": "no_fixme", "message": "FIXME left in code" }])
    );
    let output = stdout_of(ax(root.path()).args(["plugin", "trace", "--json", "keep"]));
    let json: serde_json::Value = serde_json::from_str(&output).expect("stdout is JSON");
    let hooks: Vec<&str> = json["calls"]
        .as_array()
        .expect("calls")
        .iter()
        .filter_map(|call| call["hook"].as_str())
        .collect();
    assert_eq!(
        hooks,
        vec!["on_index", "lint.no_fixme", "on_query", "on_results"]
    );
    assert_eq!(
        json["calls"][2]["result_size"], 0,
        "`keep` is kept: on_query returned nil"
    );
}

#[test]
fn index_and_find_run_the_hooks() {
    let root = project_with_fixture("all-hooks");
    ax(root.path())
        .arg("index")
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "[all-hooks] indexing src/main.rs with 2 symbols",
        ));
    // on_index added a `marker` symbol; on_query rewrites `fn X` to `function X`.
    ax(root.path())
        .args(["find", "seen"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "src/main.rs:2:1  marker  seen:src/main.rs",
        ));
}

#[test]
fn enabling_or_editing_an_on_index_plugin_reindexes_unchanged_files() {
    let root = project();
    std::fs::write(root.path().join("ax.toml"), "").expect("no plugins yet");
    ax(root.path()).arg("index").assert().success();
    ax(root.path())
        .args(["find", "seen"])
        .assert()
        .success()
        .stdout("");

    let with_plugin = project_with_fixture("all-hooks");
    let plugin = root.path().join("plugins/all-hooks");
    std::fs::create_dir_all(&plugin).expect("create plugin dir");
    for file in ["plugin.toml", "init.lua"] {
        std::fs::copy(
            with_plugin.path().join("plugins/all-hooks").join(file),
            plugin.join(file),
        )
        .expect("copy");
    }
    std::fs::write(
        root.path().join("ax.toml"),
        "[plugins]\ndir = \"plugins\"\n",
    )
    .expect("enable the plugin");
    ax(root.path())
        .arg("index")
        .assert()
        .success()
        .stdout(predicates::str::contains("(1 parsed, 0 unchanged"));
    ax(root.path())
        .args(["find", "seen"])
        .assert()
        .success()
        .stdout(predicates::str::contains("marker  seen:src/main.rs"));
    ax(root.path())
        .arg("index")
        .assert()
        .success()
        .stdout(predicates::str::contains("(0 parsed, 1 unchanged"));

    let init = plugin.join("init.lua");
    let text = std::fs::read_to_string(&init).expect("read init.lua");
    std::fs::write(&init, text.replace("\"seen:\"", "\"saw:\"")).expect("edit the plugin");
    ax(root.path())
        .arg("index")
        .assert()
        .success()
        .stdout(predicates::str::contains("(1 parsed, 0 unchanged"));
    ax(root.path())
        .args(["find", "saw"])
        .assert()
        .success()
        .stdout(predicates::str::contains("marker  saw:src/main.rs"));
}

#[test]
fn catalog_plugins_rewrite_and_rerank_a_real_find() {
    let root = tempfile::tempdir().expect("temp dir");
    for (path, text) in [
        ("src/settings.rs", "pub fn read_config(path: &str) {}\n"),
        ("tests/settings_test.rs", "fn config() {}\n"),
    ] {
        let file = root.path().join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("create dir");
        std::fs::write(file, text).expect("write source");
    }
    ax(root.path()).arg("index").assert().success();
    let catalog = Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins");
    let enable = |plugins: &[&str]| {
        let paths: Vec<String> = plugins
            .iter()
            .map(|name| format!("{:?}", catalog.join(name)))
            .collect();
        std::fs::write(
            root.path().join("ax.toml"),
            format!("[plugins]\npaths = [{}]\n", paths.join(", ")),
        )
        .expect("write ax.toml");
    };
    let first_paths = || -> Vec<String> {
        stdout_of(ax(root.path()).args(["find", "cfg"]))
            .lines()
            .filter_map(|line| line.split(':').next().map(str::to_string))
            .collect()
    };

    assert!(first_paths().is_empty(), "`cfg` alone matches nothing");
    enable(&["query-synonyms"]);
    assert_eq!(
        first_paths(),
        vec!["tests/settings_test.rs", "src/settings.rs"],
        "`cfg` also searches `config`"
    );
    enable(&["query-synonyms", "test-demoter"]);
    assert_eq!(
        first_paths(),
        vec!["src/settings.rs", "tests/settings_test.rs"],
        "the test hit is demoted"
    );
}

#[test]
fn a_failing_hook_is_reported_and_find_still_answers() {
    let root = project();
    let plugin = root.path().join("plugins/crashy");
    std::fs::create_dir_all(&plugin).expect("create plugin dir");
    std::fs::write(
        plugin.join("plugin.toml"),
        "name = \"crashy\"\nversion = \"0.1.0\"\ndescription = \"Fails.\"\nax = \">=0.1\"\nhooks = [\"on_query\"]\n",
    )
    .expect("write manifest");
    std::fs::write(
        plugin.join("init.lua"),
        "return {\n  on_query = function(q)\n    while true do end\n  end,\n}\n",
    )
    .expect("write init.lua");
    // The limits come from ax.toml; a budget this small trips long before the timeout.
    std::fs::write(
        root.path().join("ax.toml"),
        "[plugins]\ndir = \"plugins\"\ninstruction_budget = 100000\ntimeout_ms = 30000\n",
    )
    .expect("write ax.toml");
    ax(root.path()).arg("index").assert().success();
    ax(root.path())
        .args(["find", "run"])
        .assert()
        .success()
        .stdout(predicates::str::contains("src/main.rs:7:4  function  run"))
        .stderr(predicates::str::contains(
            "warning: plugin `crashy`, on_query: instruction budget of 100000 instructions exceeded at ",
        ))
        .stderr(predicates::str::contains("plugins/crashy/init.lua:3"));
}

#[test]
fn plugin_trace_prints_each_hook_call() {
    let root = project_with_fixture("all-hooks");
    let stdout = stdout_of(ax(root.path()).args(["plugin", "trace", "fn run"]));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "1 file(s), query \"fn run\", sample hits (no index)"
    );
    assert!(
        lines[1].starts_with("all-hooks on_index(file=src/main.rs symbols=2) -> 1 item(s) in "),
        "{stdout}"
    );
    assert!(
        lines[2].starts_with("all-hooks lint.no_fixme(file=src/main.rs) -> 1 item(s) in "),
        "{stdout}"
    );
    assert!(
        lines[3].starts_with("all-hooks on_query(query=\"fn run\") -> 1 item(s) in "),
        "{stdout}"
    );
    assert!(
        lines[4]
            .starts_with("all-hooks on_results(query=\"function run\" results=3) -> 3 item(s) in "),
        "{stdout}"
    );
    assert_eq!(lines.len(), 5, "{stdout}");
}

#[test]
fn plugin_profile_prints_one_row_per_hook_sorted_by_instructions() {
    let root = project_with_fixture("all-hooks");
    let stdout = stdout_of(ax(root.path()).args(["plugin", "profile", "--runs", "3"]));
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("plugin"), "{stdout}");
    let mut hooks: Vec<&str> = lines[1..]
        .iter()
        .map(|line| line.split_whitespace().nth(1).unwrap_or(""))
        .collect();
    hooks.sort_unstable();
    assert_eq!(
        hooks,
        vec!["lint.no_fixme", "on_index", "on_query", "on_results"]
    );
    for line in &lines[1..] {
        assert_eq!(
            line.split_whitespace().nth(2),
            Some("3"),
            "3 calls each: {line}"
        );
    }
    let instructions: Vec<u64> = lines[1..]
        .iter()
        .filter_map(|line| line.split_whitespace().nth(6)?.parse().ok())
        .collect();
    assert_eq!(instructions.len(), 4, "{stdout}");
    assert!(
        instructions.windows(2).all(|pair| pair[0] >= pair[1]),
        "sorted by instructions, most first: {stdout}"
    );
}

/// Runs `ax plugin dev --max-reloads 1`, waits for it to watch, applies `edit`, returns its stdout.
fn dev_session(root: &Path, edit: impl FnOnce()) -> String {
    let binary: PathBuf = assert_cmd::cargo::cargo_bin("ax");
    let mut child = std::process::Command::new(binary)
        .args(["plugin", "dev", "--max-reloads", "1"])
        .current_dir(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("ax plugin dev starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let (lines_sender, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_sender.send(line).is_err() {
                break;
            }
        }
    });
    let mut output = Vec::new();
    loop {
        match lines.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => {
                let watching = line.starts_with("watching ");
                output.push(line);
                if watching {
                    break;
                }
            }
            Err(_) => {
                let _ = child.kill();
                panic!("ax plugin dev never started watching: {output:?}");
            }
        }
    }
    edit();
    while let Ok(line) = lines.recv_timeout(Duration::from_secs(30)) {
        output.push(line);
    }
    let _ = child.kill();
    let _ = child.wait();
    output.join("\n")
}

#[test]
fn plugin_dev_reloads_on_save_and_prints_hook_calls() {
    let root = project_with_fixture("echo-suffix");
    let init = root.path().join("plugins/echo-suffix/init.lua");
    let output = dev_session(root.path(), || {
        std::fs::write(
            &init,
            "return {\n  on_query = function(query)\n    return query .. \" edited\"\n  end,\n}\n",
        )
        .expect("edit init.lua");
    });
    assert!(
        output.contains("  echo-suffix on_query(query=\"parse config\") -> 1 item(s)"),
        "{output}"
    );
    assert!(
        output.contains("watching 1 plugin folder(s) for changes"),
        "{output}"
    );
    assert!(
        output.contains("reloaded plugins/echo-suffix in "),
        "{output}"
    );
}

#[test]
fn plugin_dev_keeps_the_last_good_version_on_a_bad_save() {
    let root = project_with_fixture("echo-suffix");
    let init = root.path().join("plugins/echo-suffix/init.lua");
    let output = dev_session(root.path(), || {
        std::fs::write(
            &init,
            "return {\n  on_query = function(query)\n    return query ..\n  end,\n}\n",
        )
        .expect("break init.lua");
    });
    assert!(
        output.contains("reload failed, keeping the last good version: plugin `echo-suffix`: "),
        "{output}"
    );
    assert!(
        output.contains("plugins/echo-suffix/init.lua:4: syntax error"),
        "{output}"
    );
    let after_reload = output.split("reload failed").nth(1).unwrap_or_default();
    assert!(
        after_reload.contains("echo-suffix on_query(query=\"parse config\") -> 1 item(s)"),
        "{output}"
    );
}
