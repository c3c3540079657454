//! The perf gate has teeth: `docgen test` on a small project that is not ax (`fixtures/gate_cli/`,
//! a tiny CLI built by `[test] build`), with a baseline recorded from the unchanged CLI; then each
//! injected regression (chosen when the CLI is built) must fail with the `path:line` of the claim
//! or command that shows it, and the unchanged CLI must pass again, all with `docgen test`'s default
//! checks (what CI runs): the cost check catches CPU, the wall check (boosted samples' off-CPU time
//! against the baseline's) catches sleeping.

mod common;

use common::{TempSite, fixture, require, require_tool};
use docgen::doctest::timing::Priority;
use docgen::doctest::{Outcome, TestOptions, TestRun, report, run_tests, update_baseline};

const TUTORIAL: &str = "+++\ntitle = \"Greet\"\n+++\n\n```console\n$ greet --name docs\nhello, docs\n```\n\nIt is quick:\n\n```perf\ncommand = \"greet --name docs --count 30000000\"\nruns = 15\nwarmup = 2\np95 < \"10s\"\n```\n";
const CONSOLE_LINE: &str = "tutorials/greet.md:6";
const PERF_LINE: &str = "tutorials/greet.md:12";

fn site() -> TempSite {
    let site = TempSite::new();
    site.file(
        "greet.rs",
        &std::fs::read_to_string(fixture("gate_cli/greet.rs")).unwrap(),
    );
    site.file("tutorials/greet.md", TUTORIAL);
    site
}

/// Build the CLI (with `regression` compiled in, if any) through `[test] build`, then run.
fn run_with(site: &TempSite, regression: Option<&str>) -> TestRun {
    let env = regression.map_or(String::new(), |r| format!("GREET_REGRESSION={r} "));
    site.file(
        "docgen.toml",
        &format!(
            "title = \"gate\"\n[test]\npath = [\"bin\"]\nbuild = \"mkdir -p bin && {env}rustc -O --edition 2021 -o bin/greet greet.rs\"\n"
        ),
    );
    let mut options = TestOptions::new(site.root());
    options.use_cache = false;
    options.require_cost = true;
    run_tests(&options)
}

fn failures(run: &TestRun) -> Vec<(String, String)> {
    run.tutorials
        .iter()
        .flat_map(|t| &t.blocks)
        .filter_map(|b| match &b.outcome {
            Outcome::Failed { message, .. } => {
                Some((format!("{}:{}", b.path.display(), b.line), message.clone()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn each_injected_regression_fails_at_its_line_and_the_unchanged_cli_passes() {
    if !require_tool("valgrind") || !require_tool("rustc") {
        return;
    }
    // The sleep cases need the wall check, which is enforced only for boosted samples.
    if !require(
        Priority::available() == Priority::Boosted,
        "the wall check needs boosted perf samples (root or CAP_SYS_NICE)",
    ) {
        return;
    }
    let site = site();
    let first = run_with(&site, None);
    // No baseline yet: with `require_cost`, that is a failure that says how to record one.
    assert!(
        failures(&first)
            .iter()
            .any(|(at, m)| at == PERF_LINE && m.contains("--update-baseline")),
        "{}",
        report::human(&first, false)
    );
    update_baseline(site.root(), &first).unwrap();
    let unchanged = run_with(&site, None);
    assert!(unchanged.success(), "{}", report::human(&unchanged, false));
    // It passed with the wall check comparing, not skipping.
    let perf = unchanged.tutorials[0]
        .blocks
        .iter()
        .find_map(|b| b.perf.as_ref())
        .expect("the perf block was measured");
    assert_eq!(
        (perf.priority, perf.wall_note.as_deref()),
        (Priority::Boosted, None),
        "{}",
        report::human(&unchanged, false)
    );

    let cases = [
        ("cpu", PERF_LINE, "% instructions ("),
        ("startup", PERF_LINE, "% instructions"),
        // +15 ms at start-up by sleeping, and 2x wall time by waiting as long as the work took:
        // no instruction count moves, the wall check sees the waiting.
        ("sleep", PERF_LINE, "ms more per run (off-CPU median"),
        ("wait", PERF_LINE, "ms more per run (off-CPU median"),
        ("output", CONSOLE_LINE, "output differs"),
        (
            "flag",
            CONSOLE_LINE,
            "expected exit status 0, got exit status 2",
        ),
    ];
    for (regression, line, needle) in cases {
        let run = run_with(&site, Some(regression));
        let text = report::human(&run, false);
        if needle.contains("instructions") {
            // The message says by how much, against which tolerance, and how to accept it.
            assert!(
                failures(&run).iter().any(|(at, m)| at == line
                    && m.contains("tolerance 2%")
                    && m.contains("docgen test --update-baseline tutorials/greet.md")),
                "{text}"
            );
        }
        assert!(
            failures(&run)
                .iter()
                .any(|(at, m)| at == line && m.contains(needle)),
            "regression `{regression}` should fail at {line} with `{needle}`:\n{text}"
        );
        if needle.contains("off-CPU") {
            assert!(
                failures(&run)
                    .iter()
                    .all(|(_, m)| !m.contains("instructions (")),
                "a sleep must not move the instruction count:\n{text}"
            );
        }
        println!("{regression}: {text}");
    }
    let again = run_with(&site, None);
    assert!(again.success(), "{}", report::human(&again, false));
}

#[test]
fn a_failing_build_command_stops_the_run_with_its_output() {
    let site = site();
    site.file(
        "docgen.toml",
        "title = \"gate\"\n[test]\npath = [\"bin\"]\nbuild = \"echo compiler says no; exit 3\"\n",
    );
    let run = run_tests(&TestOptions::new(site.root()));
    assert!(run.tutorials.is_empty());
    let message = &run.diagnostics.last().unwrap().message;
    assert!(
        message.contains("[test] build failed") && message.contains("compiler says no"),
        "{message}"
    );
}
