//! `docgen test` on fixture tutorials that fail on purpose: each failure names its `path:line` and
//! says what went wrong; `--bless` round-trips; reports have stable formats; unchanged tutorials hit
//! the cache. Console steps run plain shell commands here: the harness, not `ax`, is under test (the
//! real tutorials run against the real `ax` in the workspace's `tests/tutorials.rs`).

mod common;

use common::TempSite;
use docgen::doctest::{Outcome, TestOptions, TestRun, report, run_tests};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Rust-block tests share one compiled crate; cargo would serialise them anyway.
static RUST_CRATE: Mutex<()> = Mutex::new(());

fn options(site: &TempSite) -> TestOptions {
    let mut options = TestOptions::new(site.root());
    // PATH needs an `ax` folder; these tutorials only call shell built-ins and coreutils.
    options.ax_binary = Some(PathBuf::from("/bin/sh"));
    options.timeout = std::time::Duration::from_secs(5);
    options
}

fn tutorial(site: &TempSite, name: &str, body: &str) -> TestRun {
    site.file(&format!("tutorials/{name}"), body);
    run_tests(&options(site))
}

/// `(path:line, message)` of every failure.
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

const HEADER: &str = "+++\ntitle = \"T\"\n+++\n\n";

#[test]
fn passing_console_blocks_pass() {
    let site = TempSite::new();
    let run = tutorial(
        &site,
        "ok.md",
        &format!(
            "{HEADER}```console\n$ echo hello\nhello\n$ printf 'a\\nb\\nc\\n'\na\n...\n$ echo in $PWD\nin [CWD]\n$ mkdir sub\n$ cd sub\n$ echo $HOME\n[ROOT]/.home\n```\n"
        ),
    );
    assert!(run.success(), "{}", report::human(&run, false));
    assert_eq!(run.counts(), (6, 0, 0));
}

#[test]
fn wrong_output_names_the_command_line_with_a_diff() {
    let site = TempSite::new();
    let run = tutorial(
        &site,
        "out.md",
        &format!("{HEADER}Text.\n\n```console\n$ echo actual\nexpected\n```\n"),
    );
    assert_eq!(
        failures(&run),
        [(
            "tutorials/out.md:8".to_owned(),
            "`echo actual`: output differs".to_owned()
        )]
    );
    let text = report::human(&run, false);
    assert!(
        text.contains("-expected") && text.contains("+actual"),
        "{text}"
    );
    assert!(text.ends_with("0 passed, 1 failed, 0 skipped\n"), "{text}");
}

#[test]
fn wrong_exit_code_is_a_failure_and_question_mark_expects_it() {
    let site = TempSite::new();
    let run = tutorial(
        &site,
        "exit.md",
        &format!("{HEADER}```console\n$ exit 3\n$ exit 2\n? 2\n```\n"),
    );
    assert_eq!(
        failures(&run),
        [(
            "tutorials/exit.md:6".to_owned(),
            "`exit 3`: expected exit status 0, got exit status 3".to_owned()
        )]
    );
}

#[test]
fn status_attribute_sets_the_expected_exit_code() {
    let site = TempSite::new();
    let run = tutorial(
        &site,
        "status.md",
        &format!("{HEADER}```console status=1\n$ false\n```\n"),
    );
    assert!(run.success(), "{}", report::human(&run, false));
}

#[test]
fn a_timeout_kills_the_command_and_fails() {
    let site = TempSite::new();
    site.file(
        "tutorials/slow.md",
        &format!("{HEADER}```console\n$ sleep 30\n```\n"),
    );
    let mut options = options(&site);
    options.timeout = std::time::Duration::from_millis(300);
    let run = run_tests(&options);
    let f = failures(&run);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].0, "tutorials/slow.md:6");
    assert!(f[0].1.contains("timed out after 300 ms"), "{f:?}");
}

#[test]
fn a_perf_claim_that_cannot_hold_fails_with_the_measurement() {
    let site = TempSite::new();
    let run = tutorial(
        &site,
        "perf.md",
        &format!(
            "{HEADER}```perf\ncommand = \"sleep 0.05\"\nruns = 3\nwarmup = 0\np95 < \"1ms\"\n```\n"
        ),
    );
    let f = failures(&run);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "tutorials/perf.md:5");
    assert!(
        f[0].1
            .starts_with("claim `p95 < 1ms` does not hold: measured p95 = "),
        "{f:?}"
    );
}

#[test]
fn a_perf_command_that_fails_is_an_error_not_a_measurement() {
    let site = TempSite::new();
    let run = tutorial(
        &site,
        "perf.md",
        &format!("{HEADER}```perf\ncommand = \"exit 3\"\nruns = 3\np95 < \"1s\"\n```\n"),
    );
    let f = failures(&run);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "tutorials/perf.md:5");
    assert!(
        f[0].1.starts_with(
            "`exit 3` exited with status 3; a perf claim must measure a command that succeeds"
        ),
        "{f:?}"
    );
}

#[test]
fn a_mistyped_perf_block_fails_at_its_line() {
    let site = TempSite::new();
    let run = tutorial(
        &site,
        "typo.md",
        &format!("{HEADER}```perf\ncommand = \"true\"\nrun = 200\np95 < \"1s\"\n```\n"),
    );
    let f = failures(&run);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "tutorials/typo.md:7");
    assert!(f[0].1.contains("unknown field `run`"), "{f:?}");
}

#[test]
fn a_broken_baseline_file_is_an_error_not_an_empty_baseline() {
    let site = TempSite::new();
    site.file(
        "tutorials/perf-baseline.json",
        "{ \"tutorials/a.md :: x :: p95\": 1.0 }\n",
    );
    let run = tutorial(
        &site,
        "ok.md",
        &format!("{HEADER}```console\n$ echo hi\nhi\n```\n"),
    );
    assert!(!run.success());
    let d = run
        .diagnostics
        .iter()
        .find(|d| d.path == Path::new("tutorials/perf-baseline.json") && d.is_error())
        .expect("an error about the baseline");
    assert!(d.message.starts_with("invalid baseline"), "{}", d.message);
}

#[test]
fn backslash_continues_one_shell_command() {
    let site = TempSite::new();
    let run = tutorial(
        &site,
        "cont.md",
        &format!("{HEADER}```console\n$ printf '%s-%s\\n' \\\n    one \\\n    two\none-two\n```\n"),
    );
    assert!(run.success(), "{}", report::human(&run, false));
    assert_eq!(run.counts(), (1, 0, 0));
}

#[test]
fn a_console_block_of_only_wildcards_is_an_error() {
    let site = TempSite::new();
    let run = tutorial(
        &site,
        "vacuous.md",
        &format!("{HEADER}```console\n$ echo anything\n...\n```\n"),
    );
    let f = failures(&run);
    assert_eq!(f[0].0, "tutorials/vacuous.md:5");
    assert!(f[0].1.contains("checks nothing"), "{f:?}");
}

#[test]
fn a_file_block_through_a_symlink_out_of_the_sandbox_is_refused() {
    let site = TempSite::new();
    let outside = tempfile::tempdir().unwrap();
    let run = tutorial(
        &site,
        "link.md",
        &format!(
            "{HEADER}```console\n$ ln -s {} out\n```\n\n```toml file=out/evil.toml\na = 1\n```\n",
            outside.path().display()
        ),
    );
    let f = failures(&run);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "tutorials/link.md:9");
    assert!(f[0].1.contains("outside the sandbox"), "{f:?}");
    assert!(!outside.path().join("evil.toml").exists());
}

#[test]
fn bare_ignore_is_an_error_and_a_file_path_may_not_escape() {
    let site = TempSite::new();
    let run = tutorial(
        &site,
        "bad.md",
        &format!(
            "{HEADER}```console ignore\n$ true\n```\n\n```toml file=../../outside.toml\na = 1\n```\n"
        ),
    );
    let f = failures(&run);
    assert_eq!(
        f[0],
        (
            "tutorials/bad.md:5".to_owned(),
            "`ignore` needs a reason, e.g. ignore=\"needs network\"".to_owned()
        )
    );
    assert_eq!(f[1].0, "tutorials/bad.md:9");
    assert!(f[1].1.contains("leaves the tutorial's sandbox"));
    assert!(!site.root().parent().unwrap().join("outside.toml").exists());
}

#[test]
fn file_blocks_are_written_before_later_commands() {
    let site = TempSite::new();
    let run = tutorial(
        &site,
        "files.md",
        &format!(
            "{HEADER}```toml file=conf/app.toml\nname = \"x\"\n```\n\n```console\n$ cat conf/app.toml\nname = \"x\"\n```\n"
        ),
    );
    assert!(run.success(), "{}", report::human(&run, false));
}

#[test]
fn fixtures_are_copied_into_the_sandbox() {
    let site = TempSite::new();
    site.file("tutorials/fixtures/demo/data.txt", "fixture data\n");
    let run = tutorial(
        &site,
        "fx.md",
        "+++\ntitle = \"F\"\nfixtures = [\"demo\"]\n+++\n\n```console\n$ cat demo/data.txt\nfixture data\n```\n",
    );
    assert!(run.success(), "{}", report::human(&run, false));
    let missing = tutorial(
        &site,
        "fx2.md",
        "+++\ntitle = \"F\"\nfixtures = [\"nope\"]\n+++\n",
    );
    assert!(
        failures(&missing)
            .iter()
            .any(|(_, m)| m.contains("no fixture folder tutorials/fixtures/nope"))
    );
}

#[test]
fn bless_rewrites_only_the_failing_output() {
    let site = TempSite::new();
    let text = format!(
        "{HEADER}Keep this.\n\n```console\n$ echo new\nold\n$ echo same\nsame\n$ exit 4\n```\n\nAnd this.\n"
    );
    site.file("tutorials/b.md", &text);
    let mut options = options(&site);
    options.bless = true;
    let run = run_tests(&options);
    assert_eq!(docgen::doctest::bless::apply(site.root(), &run).unwrap(), 2);
    let blessed = std::fs::read_to_string(site.root().join("tutorials/b.md")).unwrap();
    assert_eq!(
        blessed,
        text.replace("$ echo new\nold\n", "$ echo new\nnew\n")
            .replace("$ exit 4\n", "$ exit 4\n? 4\n")
    );
    assert!(run_tests(&options).success(), "blessed tutorial passes");
}

#[test]
fn unchanged_tutorials_hit_the_cache_and_edits_miss_it() {
    let site = TempSite::new();
    site.file(
        "tutorials/c.md",
        &format!("{HEADER}```console\n$ echo hi\nhi\n```\n"),
    );
    let first = run_tests(&options(&site));
    assert!(first.success() && !first.tutorials[0].cached);
    let second = run_tests(&options(&site));
    assert!(
        second.tutorials[0].cached,
        "second run comes from the cache"
    );
    assert_eq!(second.counts(), first.counts());
    site.file(
        "tutorials/c.md",
        &format!("{HEADER}```console\n$ echo hi\nhi\n$ echo more\nmore\n```\n"),
    );
    let third = run_tests(&options(&site));
    assert!(!third.tutorials[0].cached && third.success());
    let mut no_cache = options(&site);
    no_cache.use_cache = false;
    assert!(!run_tests(&no_cache).tutorials[0].cached);
}

/// Shared crate, target dir and `ax` crate for rust-block tests, under the workspace's target/.
fn rust_options(site: &TempSite) -> TestOptions {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let mut options = options(site);
    options.rust_crate_dir = Some(workspace.join("target/docgen-rust-blocks-harness"));
    options.rust_target_dir = Some(workspace.join("target/docgen-rust-blocks/target"));
    options.ax_crate = Some(workspace.join("engine"));
    std::fs::copy(workspace.join("Cargo.lock"), site.root().join("Cargo.lock")).unwrap();
    options
}

/// A block that passes only when its `TMPDIR` is the run's own folder (removed after the run), not
/// the machine's.
const TMPDIR_IS_THE_RUNS: &str = "fn main() {\n    let tmp = std::env::temp_dir();\n    assert!(tmp.to_string_lossy().contains(\"docgen-rust-blocks-\"), \"{tmp:?}\");\n}";

#[test]
fn rust_blocks_compile_once_and_failures_map_to_markdown_lines() {
    let _guard = RUST_CRATE.lock().unwrap_or_else(|e| e.into_inner());
    let site = TempSite::new();
    site.file(
        "tutorials/r.md",
        &format!(
            "{HEADER}```rust\nfn main() {{\n    assert_eq!(ax::VERSION.is_empty(), false);\n}}\n```\n\n```rust\nfn main() {{\n    let x: u32 = \"not a number\";\n}}\n```\n\n```rust should_panic\nfn main() {{\n    panic!(\"expected\");\n}}\n```\n\n```rust compile_fail\nfn main() {{\n    let _ok: u32 = 1;\n}}\n```\n\n```rust\nfn main() {{\n    assert!(1 + 1 == 3, \"arithmetic\");\n}}\n```\n\n```rust no_run\nfn main() {{\n    panic!(\"a no_run block is compiled, never run\");\n}}\n```\n\n```rust\n{TMPDIR_IS_THE_RUNS}\n```\n"
        ),
    );
    let run = run_tests(&rust_options(&site));
    let f = failures(&run);
    assert_eq!(f.len(), 3, "{}", report::human(&run, false));
    assert_eq!(f[0].0, "tutorials/r.md:11");
    assert!(
        f[0].1.contains("does not compile")
            && f[0].1.contains("tutorials/r.md:13:")
            && f[0].1.contains("mismatched types"),
        "{f:?}"
    );
    assert_eq!(
        f[1],
        (
            "tutorials/r.md:23".to_owned(),
            "compile_fail block compiled successfully".to_owned()
        )
    );
    assert_eq!(f[2].0, "tutorials/r.md:29");
    assert!(f[2].1.contains("arithmetic"), "{f:?}");
    // The `no_run` block compiled, which is its whole check: it passes without running.
    assert_eq!(run.counts(), (4, 3, 0), "{}", report::human(&run, false));
}

/// Blocks that rustdoc compiles but a module of a shared crate cannot hold (found on Rust By
/// Example: 16 of its 211 run blocks) are compiled on their own and pass.
#[test]
fn rust_blocks_that_cannot_share_a_crate_compile_on_their_own() {
    let _guard = RUST_CRATE.lock().unwrap_or_else(|e| e.into_inner());
    let site = TempSite::new();
    let own_crate_tmpdir = format!("```rust edition2021\n{TMPDIR_IS_THE_RUNS}\n```");
    let blocks = [
        // A crate attribute after a comment, no `main`: hoisted as rustdoc does.
        "```rust\n// hide warnings\n#![allow(dead_code)]\nstruct Unused;\nassert_eq!(1 + 1, 2);\n```",
        // `crate::` names the block's own crate root.
        "```rust\nenum List { Nil }\nuse crate::List::Nil;\nfn main() {\n    let _list = Nil;\n}\n```",
        // `try!` is an error in 2018+: only compiles with the block's own edition.
        "```rust edition2015\nfn parse() -> Result<i32, std::num::ParseIntError> {\n    let x = try!(\"5\".parse::<i32>());\n    Ok(x)\n}\nfn main() {\n    assert_eq!(parse(), Ok(5));\n}\n```",
        // A `#[cfg(test)]` module is compiled out, as under rustdoc.
        "```rust\nfn half(x: u32) -> u32 {\n    x / 2\n}\n#[cfg(test)]\nmod tests {\n    use super::*;\n    #[test]\n    fn halves() {\n        assert_eq!(half(4), 2);\n    }\n}\n```",
        // should_panic holds on its own too.
        "```rust should_panic\nmod m {\n    pub fn boom() {\n        panic!(\"boom\");\n    }\n}\nfn main() {\n    crate::m::boom();\n}\n```",
        // Broken everywhere: reported at the markdown line of the error (line 59).
        "```rust\nenum Only { One }\nuse crate::Only::One;\nfn main() {\n    let n: u32 = One;\n}\n```",
        // `test_harness`: not wrapped in `main`, its tests run (The Rust Programming Language, ch. 7).
        "```rust test_harness\nmod inner {\n    pub fn one() -> u32 {\n        1\n    }\n}\nuse crate::inner::one;\n#[test]\nfn is_one() {\n    assert_eq!(one(), 1);\n}\n```",
        "```rust test_harness\n#[test]\nfn fails() {\n    assert_eq!(1, 2, \"one is not two\");\n}\n```",
        // A block sees no arguments, as its own program would (ch. 12 expects a panic from this).
        "```rust should_panic\nfn main() {\n    let args: Vec<String> = std::env::args().collect();\n    assert!(args.len() > 1, \"no arguments\");\n}\n```",
        // compile_fail under the edition it names: `async` is an identifier in 2015 (line 90).
        "```rust compile_fail edition2015\nfn main() {\n    let async = 1;\n}\n```",
        own_crate_tmpdir.as_str(),
    ];
    site.file(
        "tutorials/r.md",
        &format!("{HEADER}{}\n", blocks.join("\n\n")),
    );
    let run = run_tests(&rust_options(&site));
    let f = failures(&run);
    assert_eq!(run.counts(), (8, 3, 0), "{}", report::human(&run, false));
    assert_eq!(f[0].0, "tutorials/r.md:55", "{f:?}");
    assert!(
        f[0].1
            .starts_with("does not compile:\ntutorials/r.md:59: error[E0308]: mismatched types"),
        "{f:?}"
    );
    assert_eq!(f[1].0, "tutorials/r.md:76", "{f:?}");
    assert!(
        f[1].1.starts_with("block failed when run") && f[1].1.contains("one is not two"),
        "{f:?}"
    );
    assert_eq!(
        f[2],
        (
            "tutorials/r.md:90".to_owned(),
            "compile_fail block compiled successfully".to_owned()
        )
    );
}

/// A block that never returns is stopped at `--timeout`, in the merged crate (whose test process
/// stops itself; blocks that finished keep their results) and on its own.
#[test]
fn a_rust_block_that_runs_forever_is_stopped_at_the_time_limit() {
    let _guard = RUST_CRATE.lock().unwrap_or_else(|e| e.into_inner());
    let site = TempSite::new();
    let forever = "fn main() {\n    loop {\n        std::thread::sleep(std::time::Duration::from_millis(50));\n    }\n}";
    site.file(
        "tutorials/r.md",
        &format!(
            "{HEADER}```rust\nfn main() {{\n    assert_eq!(2 + 2, 4);\n}}\n```\n\n```rust\n{forever}\n```\n\n```rust edition2021\n{forever}\n```\n"
        ),
    );
    let mut options = rust_options(&site);
    options.timeout = std::time::Duration::from_secs(2);
    let run = run_tests(&options);
    let f = failures(&run);
    assert_eq!(run.counts(), (1, 2, 0), "{}", report::human(&run, false));
    let stopped = "timed out after 2 s (docgen test --timeout); the block was stopped";
    assert_eq!(f[0], ("tutorials/r.md:11".to_owned(), stopped.to_owned()));
    assert_eq!(f[1], ("tutorials/r.md:19".to_owned(), stopped.to_owned()));
}

fn report_fixture() -> (TempSite, TestRun) {
    let site = TempSite::new();
    site.file("tutorials/r.md", &format!("{HEADER}```console\n$ echo ok\nok\n$ echo got\nwant\n```\n\n```console ignore=\"needs network\"\n$ curl x\n```\n"));
    let mut options = options(&site);
    options.use_cache = false;
    let run = run_tests(&options);
    (site, run)
}

#[test]
fn json_report_snapshot() {
    let (_site, run) = report_fixture();
    insta::assert_snapshot!(report::json(&run));
}

#[test]
fn junit_report_snapshot() {
    let (_site, run) = report_fixture();
    insta::assert_snapshot!(report::junit(&run));
}

#[test]
fn github_report_snapshot() {
    let (_site, run) = report_fixture();
    insta::assert_snapshot!(report::github(&run));
}

#[test]
fn built_site_shows_the_measured_figure_next_to_each_claim() {
    let site = TempSite::new();
    site.file(
        "tutorials/p.md",
        &format!("{HEADER}```perf\ncommand = \"true\"\nruns = 3\nwarmup = 0\np95 < \"5s\"\n```\n"),
    );
    let before = site.build();
    assert!(before.success);
    let page = || std::fs::read_to_string(site.out().join("tutorials/p/index.html")).unwrap();
    assert!(
        page().contains("Checked by <code>docgen test</code> on every change."),
        "no figure before a test run"
    );
    let run = run_tests(&options(&site));
    assert!(run.success(), "{}", report::human(&run, false));
    docgen::doctest::update_baseline(site.root(), &run).unwrap();
    assert!(site.build().success);
    let html = page();
    assert!(
        html.contains("Measured by <code>docgen test</code> over 3 runs: p95 "),
        "{html}"
    );
    assert!(html.contains("ms (claim: under 5000 ms, holds)"), "{html}");
    let today = docgen::doctest::baseline::utc_date(std::time::SystemTime::now());
    assert!(
        html.contains(&format!(
            "Recorded {today} at commit <code>unknown</code>; the claim held."
        )),
        "{html}"
    );
}

/// Live processes whose command line is `sleep SECONDS`.
fn sleeping(seconds: &str) -> Vec<String> {
    let wanted = format!("sleep\0{seconds}\0");
    std::fs::read_dir("/proc")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|entry| {
                    std::fs::read(entry.path().join("cmdline")).unwrap_or_default()
                        == wanted.as_bytes()
                })
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A tutorial process that leaves its process group with `setsid`, from a command and from a
/// background step, escaped the group kill and kept running after the tutorial; now none is left.
#[test]
fn processes_that_call_setsid_do_not_outlive_the_tutorial() {
    let site = TempSite::new();
    let run = tutorial(
        &site,
        "setsid.md",
        &format!(
            "{HEADER}```console\n$ setsid sleep 3145 &\n$ (setsid sleep 3144 > /dev/null 2>&1 &); sleep 0.2; echo started\nstarted\n$ echo the background still runs\nthe background still runs\n```\n"
        ),
    );
    assert!(run.success(), "{}", report::human(&run, false));
    assert_eq!(
        sleeping("3144"),
        Vec::<String>::new(),
        "the command's setsid sleep is left"
    );
    assert_eq!(
        sleeping("3145"),
        Vec::<String>::new(),
        "the background's setsid sleep is left"
    );
}
