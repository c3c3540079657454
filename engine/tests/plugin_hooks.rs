//! Every hook through the host: on_index, on_query, on_results, commands, lint, plus the `ax` Lua API
//! (`ax.log`, `ax.plugin`, `ax.index` behind `index.read`) and the load errors of broken plugins.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ax::plugin::{
    IndexReader, PluginError, PluginFile, PluginHit, PluginHost, PluginLimits, PluginSymbol,
};

fn fixture(group: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/plugins")
        .join(group)
        .join(name)
}

fn host_with(group: &str, names: &[&str]) -> PluginHost {
    let mut host = PluginHost::new(PluginLimits::default());
    let dirs: Vec<PathBuf> = names.iter().map(|name| fixture(group, name)).collect();
    let errors = host.load_dirs(&dirs);
    assert!(errors.is_empty(), "load errors: {errors:?}");
    host
}

fn hit(name: &str, path: &str, score: f32) -> PluginHit {
    PluginHit {
        name: name.to_string(),
        kind: "function".to_string(),
        path: path.to_string(),
        line: 1,
        score,
        signature: None,
        doc: None,
    }
}

#[test]
fn on_index_adds_symbols_pinned_to_the_indexed_file_and_logs() {
    let host = host_with("good", &["all-hooks"]);
    let file = PluginFile {
        path: "src/lib.rs".to_string(),
        language: Some("rust".to_string()),
        text: "fn main() {}".to_string(),
    };
    let existing = vec![PluginSymbol {
        name: "main".to_string(),
        kind: "function".to_string(),
        path: "src/lib.rs".to_string(),
        line: 1,
        signature: None,
        doc: None,
    }];
    let added = host.on_index(&file, &existing);
    assert_eq!(
        added,
        vec![PluginSymbol {
            name: "seen:src/lib.rs".to_string(),
            kind: "marker".to_string(),
            // The plugin asked for "elsewhere.rs": a plugin cannot add symbols to other files.
            path: "src/lib.rs".to_string(),
            line: 1,
            signature: None,
            doc: None,
        }]
    );
    let logs = host.take_logs();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].plugin, "all-hooks");
    assert_eq!(logs[0].message, "indexing src/lib.rs with 1 symbols");
    assert!(host.take_problems().is_empty());
}

#[test]
fn on_query_rewrites_or_keeps_the_query() {
    let host = host_with("good", &["all-hooks"]);
    assert_eq!(host.on_query("fn parse"), "function parse");
    assert_eq!(host.on_query("keep"), "keep");
}

#[test]
fn on_query_chains_plugins_in_name_order() {
    let host = host_with("good", &["echo-suffix", "all-hooks"]);
    assert_eq!(host.on_query("fn parse"), "function parse served");
}

#[test]
fn on_results_filters_rescores_and_reorders() {
    let host = host_with("good", &["all-hooks"]);
    let hits = vec![
        hit("zeta", "src/z.rs", 1.0),
        hit("vendored", "vendor/v.rs", 9.0),
        hit("alpha", "src/a.rs", 0.5),
    ];
    let reranked = host.on_results("q", hits);
    let summary: Vec<(&str, f32)> = reranked
        .iter()
        .map(|hit| (hit.name.as_str(), hit.score))
        .collect();
    assert_eq!(summary, vec![("alpha", 1.0), ("zeta", 2.0)]);
}

#[test]
fn commands_run_with_arguments_and_see_the_plugin_identity() {
    let host = host_with("good", &["all-hooks"]);
    let args = vec!["a".to_string(), "b c".to_string()];
    assert_eq!(
        host.run_command("all-hooks", "echo", &args)
            .expect("echo runs"),
        Some("a b c".to_string())
    );
    assert_eq!(
        host.run_command("all-hooks", "whoami", &[])
            .expect("whoami runs"),
        Some(format!("all-hooks 1.2.3 on ax {}", ax::VERSION))
    );
}

#[test]
fn command_errors_name_the_command_and_line() {
    let host = host_with("good", &["all-hooks"]);
    let error = host
        .run_command("all-hooks", "broken", &[])
        .expect_err("broken fails");
    let text = error.to_string();
    assert!(text.starts_with("plugin `all-hooks`, commands.broken: attempt to index a nil value (local 'missing') at "), "{text}");
    assert!(text.ends_with("all-hooks/init.lua:45"), "{text}");

    let error = host
        .run_command("all-hooks", "bad_return", &[])
        .expect_err("bad return fails");
    assert!(matches!(error, PluginError::BadReturn { .. }), "{error}");
    assert!(
        error.to_string().ends_with("all-hooks/init.lua:47"),
        "{error}"
    );
}

#[test]
fn unknown_plugin_and_command_are_errors_listing_what_exists() {
    let host = host_with("good", &["all-hooks"]);
    let error = host
        .run_command("nope", "echo", &[])
        .expect_err("no such plugin");
    assert_eq!(error.to_string(), "no plugin named `nope` is enabled");
    let error = host
        .run_command("all-hooks", "nope", &[])
        .expect_err("no such command");
    assert_eq!(
        error.to_string(),
        "plugin `all-hooks` has no command `nope` (it has: bad_return, broken, echo, find, whoami)"
    );
}

#[test]
fn lint_rules_report_path_and_line_sorted() {
    let host = host_with("good", &["all-hooks"]);
    let files = vec![
        PluginFile {
            path: "src/b.rs".to_string(),
            language: None,
            text: "ok\n// FIXME later".to_string(),
        },
        PluginFile {
            path: "src/a.rs".to_string(),
            language: None,
            text: "// FIXME now".to_string(),
        },
    ];
    let findings: Vec<String> = host.lint(&files).iter().map(ToString::to_string).collect();
    assert_eq!(
        findings,
        vec![
            "src/a.rs:1: all-hooks/no_fixme: FIXME left in code",
            "src/b.rs:2: all-hooks/no_fixme: FIXME left in code",
        ]
    );
}

/// A fixed two-hit index standing in for the engine's, to test the read-only API plumbing.
struct TwoHitIndex;

impl IndexReader for TwoHitIndex {
    fn find(&self, query: &str, limit: usize) -> Result<Vec<PluginHit>, String> {
        let hits = vec![
            hit(&format!("{query}_one"), "src/one.rs", 2.0),
            hit(&format!("{query}_two"), "src/two.rs", 1.0),
        ];
        Ok(hits.into_iter().take(limit).collect())
    }

    fn def(&self, _name: &str) -> Result<Vec<PluginSymbol>, String> {
        Ok(Vec::new())
    }
}

#[test]
fn index_read_permission_gives_read_only_index_access() {
    let host = host_with("good", &["all-hooks"]);
    let empty = host
        .run_command("all-hooks", "find", &["parse".to_string()])
        .expect("find runs");
    assert_eq!(empty, Some(String::new()), "no index lent yet: no hits");
    host.set_index_reader(Arc::new(TwoHitIndex));
    let found = host
        .run_command("all-hooks", "find", &["parse".to_string()])
        .expect("find runs");
    assert_eq!(
        found,
        Some("src/one.rs:1 parse_one\nsrc/two.rs:1 parse_two".to_string())
    );
}

#[test]
fn index_access_without_the_permission_is_refused() {
    let host = host_with("good", &["no-permission"]);
    host.set_index_reader(Arc::new(TwoHitIndex));
    let error = host
        .run_command("no-permission", "peek", &[])
        .expect_err("no permission");
    let text = error.to_string();
    assert!(
        text.starts_with("plugin `no-permission`, commands.peek: ax.index needs the `index.read` permission in plugin.toml"),
        "{text}"
    );
    assert!(text.ends_with("no-permission/init.lua:4"), "{text}");
}

fn load_error(name: &str) -> String {
    let mut host = PluginHost::new(PluginLimits {
        instruction_budget: 100_000,
        ..PluginLimits::default()
    });
    let mut errors = host.load_dirs(&[fixture("broken", name), fixture("good", "echo-suffix")]);
    assert_eq!(
        host.on_query("q"),
        "q served",
        "the good plugin loads despite the broken one"
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors.remove(0).to_string()
}

#[test]
fn bad_manifest_names_plugin_toml_and_line() {
    let text = load_error("bad-manifest");
    assert!(text.ends_with("bad-manifest/plugin.toml:5: unknown hook `on_save` (expected one of: on_index, on_query, on_results, commands, lint)"), "{text}");
}

#[test]
fn syntax_error_names_init_lua_and_line() {
    let text = load_error("syntax-error");
    assert!(text.starts_with("plugin `syntax-error`: "), "{text}");
    assert!(
        text.contains("syntax-error/init.lua:4: syntax error: unexpected symbol near 'end'"),
        "{text}"
    );
}

#[test]
fn init_lua_must_return_a_table_with_the_declared_hooks() {
    assert_eq!(
        load_error("returns-number"),
        "plugin `returns-number`, load: bad return value: init.lua must return a table of hooks, it returned a integer"
    );
    assert_eq!(
        load_error("missing-hook"),
        "plugin `missing-hook`, load: bad return value: plugin.toml declares hook `on_query`, but init.lua returns a nil for it (expected a function)"
    );
}

#[test]
fn loading_init_lua_is_bounded_by_the_budget() {
    let text = load_error("load-loops");
    assert!(
        text.starts_with(
            "plugin `load-loops`, load: instruction budget of 100000 instructions exceeded at "
        ),
        "{text}"
    );
    assert!(text.ends_with("load-loops/init.lua:2"), "{text}");
}
