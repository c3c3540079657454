//! The CI gate: every tutorial under `tutorials/` runs against the `ax` built from this workspace, and
//! any broken command, output, rust block or perf claim fails the test suite with its `path:line`.

use docgen::doctest::{TestOptions, find_ax_binary, report, run_tests};
use site_tests::repo_root;

#[test]
fn every_tutorial_passes_against_this_workspace_ax() {
    let ax =
        find_ax_binary(None).unwrap_or_else(|d| panic!("{d}: `cargo test --workspace` builds it"));
    let mut options = TestOptions::new(repo_root());
    options.ax_binary = Some(ax);
    // A clean clone has no cache; a developer's re-run should still test what changed only.
    options.use_cache = std::env::var_os("CI").is_none();
    // On CI every claim must have its instruction count compared with the committed baseline (valgrind
    // is installed by .ci/run); locally a missing valgrind only leaves the count out.
    options.require_cost = std::env::var_os("CI").is_some();
    let run = run_tests(&options);
    let text = report::human(&run, false);
    println!("{text}");
    assert!(
        run.tutorials.len() >= 20,
        "expected at least twenty tutorials:\n{text}"
    );
    assert!(run.success(), "tutorials failed:\n{text}");
    let perf_claims = run
        .tutorials
        .iter()
        .flat_map(|t| &t.blocks)
        .filter(|b| b.perf.is_some())
        .count();
    assert!(
        perf_claims >= 20 || run.tutorials.iter().any(|t| t.cached),
        "each tutorial makes a measured perf claim:\n{text}"
    );
}

#[test]
fn every_catalog_plugin_is_exercised_by_a_tutorial() {
    let mut used = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(repo_root().join("tutorials"))
        .unwrap()
        .flatten()
    {
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "md") {
            let text = std::fs::read_to_string(&path).unwrap();
            let split = docgen::load::split_front_matter(&path, &text).unwrap();
            used.extend(split.front_matter.plugins);
        }
    }
    for entry in std::fs::read_dir(repo_root().join("plugins"))
        .unwrap()
        .flatten()
    {
        if entry.path().join("plugin.toml").is_file() {
            let name = entry.file_name().to_string_lossy().into_owned();
            assert!(
                used.contains(&name),
                "no tutorial lists `{name}` in `plugins = [...]`, so a broken {name} would not fail CI"
            );
        }
    }
}
