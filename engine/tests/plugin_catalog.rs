//! The plugin catalog in `plugins/`: every plugin passes `ax plugin check`, each plugin's
//! `tests/cases.toml` (inputs and expected hook results) holds, between them the plugins use every
//! hook and the `index.read` permission, and every plugin survives hot reload: a good edit while it is
//! loaded changes its behaviour as `[reload]` says, a broken edit is reported at its `init.lua:LINE`
//! while the last good version keeps serving, and fixing the edit recovers.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use ax::plugin::check::check_plugin;
use ax::plugin::records::RawLintFinding;
use ax::plugin::runtime::PluginInstance;
use ax::plugin::{IndexReader, PluginFile, PluginHit, PluginHost, PluginLimits, PluginSymbol};
use serde::Deserialize;

fn catalog_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins")
}

fn catalog_plugins() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(catalog_dir())
        .expect("plugins/ exists")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.join("plugin.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// Hook cases, as in `tests/cases.toml` and under its `[reload]`. Unknown keys are refused by the
/// structs that flatten it in.
#[derive(Debug, Default, Deserialize)]
struct Cases {
    #[serde(default)]
    on_index: Vec<IndexCase>,
    #[serde(default)]
    on_query: Vec<QueryCase>,
    #[serde(default)]
    on_results: Vec<ResultsCase>,
    #[serde(default)]
    lint: Vec<LintCase>,
    #[serde(default)]
    commands: Vec<CommandCase>,
}

/// `tests/cases.toml`: the cases, plus the hot-reload check.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    #[serde(flatten)]
    cases: Cases,
    reload: Option<ReloadCheck>,
}

/// A good edit made to `init.lua` while the plugin is loaded (`from` becomes `to`, once), and the
/// cases that must hold after it; at least one of them must fail before it, so the edit is observed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReloadCheck {
    from: String,
    to: String,
    #[serde(flatten)]
    cases: Cases,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexCase {
    name: String,
    path: String,
    language: Option<String>,
    text: String,
    expect: Vec<ExpectedSymbol>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedSymbol {
    name: String,
    kind: String,
    line: u32,
    signature: Option<String>,
    doc: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QueryCase {
    query: String,
    expect: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResultsCase {
    name: String,
    query: String,
    hits: Vec<CaseHit>,
    expect: Option<Vec<String>>,
    expect_scores: Option<Vec<f32>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseHit {
    name: String,
    path: String,
    score: f32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LintCase {
    rule: String,
    path: String,
    language: Option<String>,
    text: String,
    expect: Vec<RawLintFinding>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CommandCase {
    command: String,
    args: Vec<String>,
    /// The symbols `ax.index` serves to the command (see `CaseIndex`).
    #[serde(default)]
    index: Vec<IndexedSymbol>,
    expect: Option<String>,
    expect_error: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexedSymbol {
    name: String,
    kind: String,
    path: String,
    line: u32,
}

/// A small index for command cases: `def` returns the symbols with exactly that name, `find` those
/// whose name contains the query (case-insensitive), in order, at most `limit`. The tutorials run
/// the same commands against the real engine's index.
struct CaseIndex(Vec<IndexedSymbol>);

impl IndexReader for CaseIndex {
    fn find(&self, query: &str, limit: usize) -> Result<Vec<PluginHit>, String> {
        let query = query.to_lowercase();
        Ok(self
            .0
            .iter()
            .filter(|symbol| symbol.name.to_lowercase().contains(&query))
            .take(limit)
            .map(|symbol| PluginHit {
                name: symbol.name.clone(),
                kind: symbol.kind.clone(),
                path: symbol.path.clone(),
                line: symbol.line,
                score: 1.0,
                signature: None,
                doc: None,
            })
            .collect())
    }

    fn def(&self, name: &str) -> Result<Vec<PluginSymbol>, String> {
        Ok(self
            .0
            .iter()
            .filter(|symbol| symbol.name == name)
            .map(|symbol| PluginSymbol {
                name: symbol.name.clone(),
                kind: symbol.kind.clone(),
                path: symbol.path.clone(),
                line: symbol.line,
                signature: None,
                doc: None,
            })
            .collect())
    }
}

fn read_cases(plugin: &Path) -> CaseFile {
    let path = plugin.join("tests/cases.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    toml::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

impl Cases {
    fn len(&self) -> usize {
        self.on_index.len()
            + self.on_query.len()
            + self.on_results.len()
            + self.lint.len()
            + self.commands.len()
    }
}

/// Runs every case against the plugin `host` holds; returns one message per case that does not hold.
fn failed_cases(host: &PluginHost, cases: &Cases) -> Vec<String> {
    let plugin = &host.plugins()[0];
    let mut failures = Vec::new();
    let mut check = |what: String, ok: Result<(), String>| {
        if let Err(message) = ok {
            failures.push(format!("{what}: {message}"));
        }
    };
    for case in &cases.on_index {
        check(
            format!("on_index {:?}", case.name),
            index_case(plugin, case),
        );
    }
    for case in &cases.on_query {
        check(
            format!("on_query {:?}", case.query),
            query_case(plugin, case),
        );
    }
    for case in &cases.on_results {
        check(
            format!("on_results {:?}", case.name),
            results_case(plugin, case),
        );
    }
    for case in &cases.lint {
        check(
            format!("lint.{} on {}", case.rule, case.path),
            lint_case(plugin, case),
        );
    }
    for case in &cases.commands {
        check(
            format!("commands.{} {:?}", case.command, case.args),
            command_case(host, plugin, case),
        );
    }
    failures
}

fn same<T: PartialEq + std::fmt::Debug>(actual: T, expected: T) -> Result<(), String> {
    if actual == expected {
        Ok(())
    } else {
        Err(format!("got {actual:?}, expected {expected:?}"))
    }
}

fn index_case(plugin: &PluginInstance, case: &IndexCase) -> Result<(), String> {
    let file = PluginFile {
        path: case.path.clone(),
        language: case.language.clone(),
        text: case.text.clone(),
    };
    let added = plugin
        .on_index(&file, &[])
        .map_err(|error| error.to_string())?;
    let expected: Vec<PluginSymbol> = case
        .expect
        .iter()
        .map(|symbol| PluginSymbol {
            name: symbol.name.clone(),
            kind: symbol.kind.clone(),
            path: case.path.clone(),
            line: symbol.line,
            signature: symbol.signature.clone(),
            doc: symbol.doc.clone(),
        })
        .collect();
    same(added, expected)
}

fn query_case(plugin: &PluginInstance, case: &QueryCase) -> Result<(), String> {
    let rewritten = plugin
        .on_query(&case.query)
        .map_err(|error| error.to_string())?;
    same(rewritten, case.expect.clone())
}

fn results_case(plugin: &PluginInstance, case: &ResultsCase) -> Result<(), String> {
    let hits: Vec<PluginHit> = case
        .hits
        .iter()
        .enumerate()
        .map(|(index, hit)| PluginHit {
            name: hit.name.clone(),
            kind: "function".to_string(),
            path: hit.path.clone(),
            line: u32::try_from(index + 1).unwrap_or(u32::MAX),
            score: hit.score,
            signature: None,
            doc: None,
        })
        .collect();
    let reranked = plugin
        .on_results(&case.query, &hits)
        .map_err(|error| error.to_string())?;
    let paths = reranked
        .as_ref()
        .map(|hits| hits.iter().map(|hit| hit.path.clone()).collect::<Vec<_>>());
    same(paths, case.expect.clone())?;
    if let Some(scores) = &case.expect_scores {
        let actual: Vec<f32> = reranked
            .unwrap_or_default()
            .iter()
            .map(|hit| hit.score)
            .collect();
        same(&actual, scores)?;
    }
    Ok(())
}

fn lint_case(plugin: &PluginInstance, case: &LintCase) -> Result<(), String> {
    if !plugin.lint_rule_names().contains(&case.rule) {
        return Err(format!("no lint rule `{}`", case.rule));
    }
    let file = PluginFile {
        path: case.path.clone(),
        language: case.language.clone(),
        text: case.text.clone(),
    };
    let findings = plugin
        .lint_file(&case.rule, &file)
        .map_err(|error| error.to_string())?;
    let found: Vec<(u32, String)> = findings
        .into_iter()
        .map(|finding| (finding.line, finding.message))
        .collect();
    let expected: Vec<(u32, String)> = case
        .expect
        .iter()
        .map(|finding| (finding.line, finding.message.clone()))
        .collect();
    same(found, expected)
}

fn command_case(
    host: &PluginHost,
    plugin: &PluginInstance,
    case: &CommandCase,
) -> Result<(), String> {
    host.set_index_reader(Arc::new(CaseIndex(case.index.clone())));
    let result = plugin.run_command(&case.command, &case.args);
    match (&case.expect_error, result) {
        (Some(expected), Err(error)) if error.to_string().contains(expected.as_str()) => Ok(()),
        (Some(expected), other) => Err(format!(
            "expected an error with {expected:?}, got {other:?}"
        )),
        (None, Ok(output)) => same(output, case.expect.clone()),
        (None, Err(error)) => Err(error.to_string()),
    }
}

fn loaded(dir: &Path) -> PluginHost {
    let mut host = PluginHost::new(PluginLimits::default());
    let errors = host.load_dirs(&[dir.to_path_buf()]);
    assert!(errors.is_empty(), "{}: {errors:?}", dir.display());
    host
}

fn manifest_of(dir: &Path) -> ax::plugin::Manifest {
    loaded(dir).plugins()[0].manifest().clone()
}

#[test]
fn catalog_has_ten_plugins_each_with_readme_changelog_and_tests() {
    let plugins = catalog_plugins();
    assert!(plugins.len() >= 10, "{plugins:?}");
    for dir in &plugins {
        for file in [
            "plugin.toml",
            "init.lua",
            "README.md",
            "CHANGELOG.md",
            "tests/cases.toml",
        ] {
            assert!(dir.join(file).is_file(), "{} has {file}", dir.display());
        }
        let version = manifest_of(dir).version.to_string();
        let changelog = std::fs::read_to_string(dir.join("CHANGELOG.md")).expect("read changelog");
        assert!(
            changelog.contains(&format!("## [{version}]")),
            "{}: CHANGELOG.md has no entry for the manifest's version {version}",
            dir.display()
        );
    }
}

#[test]
fn catalog_uses_every_hook_and_the_index_read_permission() {
    let mut hooks = BTreeSet::new();
    let mut permissions = BTreeSet::new();
    for dir in catalog_plugins() {
        let manifest = manifest_of(&dir);
        hooks.extend(manifest.hooks.iter().map(|hook| hook.as_str().to_string()));
        permissions.extend(manifest.permissions.iter().map(|p| p.as_str().to_string()));
    }
    assert_eq!(
        hooks.into_iter().collect::<Vec<_>>(),
        ["commands", "lint", "on_index", "on_query", "on_results"]
    );
    assert_eq!(permissions.into_iter().collect::<Vec<_>>(), ["index.read"]);
}

#[test]
fn every_catalog_plugin_passes_check() {
    for dir in catalog_plugins() {
        let report = check_plugin(&dir, PluginLimits::default());
        assert!(report.passed(), "{}", report.render());
    }
}

#[test]
fn every_catalog_plugin_meets_its_cases() {
    for dir in catalog_plugins() {
        let cases = read_cases(&dir).cases;
        assert!(cases.len() > 0, "{} has no cases", dir.display());
        let host = loaded(&dir);
        let failures = failed_cases(&host, &cases);
        assert!(
            failures.is_empty(),
            "{}:\n{}",
            dir.display(),
            failures.join("\n")
        );
    }
}

/// Where the broken edit goes: a line in the middle of `init.lua`, between two statements.
fn broken_edit(text: &str) -> (String, usize) {
    let lines: Vec<&str> = text.lines().collect();
    // A blank line is between statements in every catalog plugin; the first one after the header comment.
    let blank = lines
        .iter()
        .position(|line| line.trim().is_empty())
        .unwrap_or(0);
    let mut edited: Vec<&str> = lines.clone();
    edited.insert(blank, "local broken = = 1");
    (edited.join("\n") + "\n", blank + 1)
}

#[test]
fn every_catalog_plugin_hot_reloads_good_bad_and_fixed_edits() {
    let mut timings = Vec::new();
    for source in catalog_plugins() {
        let name = source
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let CaseFile { cases, reload } = read_cases(&source);
        let Some(ReloadCheck {
            from,
            to,
            cases: after,
        }) = reload
        else {
            panic!(
                "plugins/{name}/tests/cases.toml has no [reload] check: add a good edit and the cases it changes"
            );
        };
        assert!(after.len() > 0, "{name}: [reload] has no cases");
        let temp = tempfile::tempdir().expect("temp dir");
        let dir = temp.path().join(&name);
        std::fs::create_dir_all(&dir).expect("plugin copy");
        for file in ["plugin.toml", "init.lua"] {
            std::fs::copy(source.join(file), dir.join(file)).expect("copy plugin file");
        }
        let original = std::fs::read_to_string(dir.join("init.lua")).expect("read init.lua");
        assert_eq!(
            original.matches(&from).count(),
            1,
            "{name}: [reload] from = {from:?} must occur once in init.lua"
        );
        let mut host = loaded(&dir);
        assert!(
            !failed_cases(&host, &after).is_empty(),
            "{name}: the [reload] cases already hold before the edit, so they cannot observe it"
        );

        // Good edit: the new behaviour serves.
        let good = original.replacen(&from, &to, 1);
        std::fs::write(dir.join("init.lua"), &good).expect("good edit");
        let reload_time = host.reload(&dir).expect("the good edit loads");
        let failures = failed_cases(&host, &after);
        assert!(
            failures.is_empty(),
            "{name} after the good edit:\n{}",
            failures.join("\n")
        );
        assert_eq!(host.plugins().len(), 1, "reload replaces, never duplicates");

        // Bad edit: an error at its line, and the good edit keeps serving.
        let (broken, line) = broken_edit(&good);
        std::fs::write(dir.join("init.lua"), broken).expect("bad edit");
        let error = host
            .reload(&dir)
            .expect_err("the bad edit is refused")
            .to_string();
        assert!(
            error.contains(&format!("{name}/init.lua:{line}:")),
            "{name}: the error names init.lua:{line}: {error}"
        );
        let failures = failed_cases(&host, &after);
        assert!(
            failures.is_empty(),
            "{name}: the last good version stops serving after a bad edit:\n{}",
            failures.join("\n")
        );

        // Fixed edit (back to the original): recovers, and the original cases hold again.
        std::fs::write(dir.join("init.lua"), &original).expect("fix");
        host.reload(&dir).expect("the fixed edit loads");
        let failures = failed_cases(&host, &cases);
        assert!(
            failures.is_empty(),
            "{name} after the fix:\n{}",
            failures.join("\n")
        );
        timings.push((name, reload_time));
    }
    // Figures for docs/performance.md (`cargo test --release -p ax --test plugin_catalog -- --nocapture`);
    // timing is reported, never asserted here (benches/plugin_reload.sh checks the target).
    for (name, time) in &timings {
        println!("reload {name:<18} {:>7.3} ms", time.as_secs_f64() * 1000.0);
    }
    let total: Duration = timings.iter().map(|(_, time)| *time).sum();
    println!(
        "reload total {:.3} ms over {} plugins",
        total.as_secs_f64() * 1000.0,
        timings.len()
    );
}
