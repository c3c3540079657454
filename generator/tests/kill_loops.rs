//! Crash safety under `kill -9`: `docgen build`, `docgen test --bless`, `docgen test --update-baseline`
//! and the tutorial cache are killed at random moments in a loop, and after every kill what they
//! write is whole: `public/` is the complete old or new site, the markdown and the baseline are the
//! old or the new file (never torn), a cache entry is valid or absent; the next run cleans up and
//! succeeds. The number of kills per loop is `DOCGEN_KILL_LOOPS` (`.ci/run` sets 60; 6 otherwise);
//! `DOCGEN_KILL_SEED` replays a printed seed.

mod common;

use common::TempSite;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn kill_count() -> usize {
    std::env::var("DOCGEN_KILL_LOOPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6)
}

/// xorshift64*, seeded from the clock unless `DOCGEN_KILL_SEED` is set; the seed is printed.
struct Random(u64);

impl Random {
    fn new(name: &str) -> Random {
        let seed = std::env::var("DOCGEN_KILL_SEED")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |d| d.as_nanos() as u64)
            })
            | 1;
        println!("{name}: DOCGEN_KILL_SEED={seed}");
        Random(seed)
    }

    /// A duration in `0..max`.
    fn below(&mut self, max: Duration) -> Duration {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let fraction =
            (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64;
        max.mul_f64(fraction)
    }
}

fn docgen(root: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_docgen"));
    command
        .args(args)
        .arg("--root")
        .arg(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

/// How long a full, unkilled run takes (the range kills are drawn from).
fn time_run(mut command: Command) -> Duration {
    let started = Instant::now();
    let _ = command.status().expect("docgen runs");
    started.elapsed()
}

/// Start `command` and SIGKILL it after `delay` (it may have finished by then).
fn run_and_kill(mut command: Command, delay: Duration) {
    let mut child = command.spawn().expect("docgen starts");
    std::thread::sleep(delay);
    let _ = child.kill();
    let _ = child.wait();
}

/// The loop every test here runs: time one unkilled run of `command`, then `kill_count()` times
/// `prepare(kill)`, start the command, SIGKILL it at a random moment within 1.2 times that run (so
/// some kills land after it finished), and `check(kill)` what it left.
fn kill_at_random_moments(
    name: &str,
    command: impl Fn() -> Command,
    mut prepare: impl FnMut(usize),
    mut check: impl FnMut(usize),
) {
    // A killed run cannot remove its own temporary folders (the tutorial sandboxes); they land in
    // this scratch folder, removed when the loop ends, instead of piling up in the system's.
    let scratch = tempfile::tempdir().expect("scratch folder");
    let command = || {
        let mut command = command();
        command.env("TMPDIR", scratch.path());
        command
    };
    let full = time_run(command());
    let mut random = Random::new(name);
    for kill in 0..kill_count() {
        prepare(kill);
        run_and_kill(command(), random.below(full.mul_f64(1.2)));
        check(kill);
    }
}

/// Every file under `dir` (relative path → blake3 of its bytes).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, String> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let bytes = std::fs::read(e.path()).expect("read an output file");
            (
                e.path().strip_prefix(dir).expect("under dir").to_path_buf(),
                blake3::hash(&bytes).to_hex().to_string(),
            )
        })
        .collect()
}

/// Names in the site root other than the sources a test wrote (staging folders, temporary files).
fn leftovers(root: &Path, sources: &[&str]) -> Vec<String> {
    std::fs::read_dir(root)
        .expect("read the site root")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !sources.contains(&name.as_str()))
        .collect()
}

/// A site big enough that a debug build spends a while writing: 60 pages in two sections.
fn write_pages(site: &TempSite, word: &str) {
    for i in 0..60 {
        let section = if i % 2 == 0 { "guide" } else { "reference" };
        let mut body = format!("+++\ntitle = \"Page {i} {word}\"\nweight = {i}\n+++\n\n");
        for h in 0..6 {
            body.push_str(&format!(
                "## Part {h} of {word}\n\nThe {word} text of part {h}, page {i}, with `code` and a [link](#part-0-of-{word}).\n\n```rust\nfn {word}_{h}() -> u32 {{ {i} }}\n```\n\n"
            ));
        }
        site.file(&format!("content/{section}/page-{i}.md"), &body);
    }
}

#[test]
fn build_killed_at_random_moments_leaves_the_old_or_the_new_site_complete() {
    let site = TempSite::new();
    let root = site.root();
    let build = || docgen(root, &["build"]);
    let mut complete = Vec::new();
    for word in ["alpha", "beta"] {
        write_pages(&site, word);
        assert!(build().status().expect("docgen runs").success());
        complete.push(snapshot(&site.out()));
    }
    assert_ne!(complete[0], complete[1]);
    let mut seen = [0usize; 2];
    kill_at_random_moments(
        "docgen build",
        build,
        |kill| write_pages(&site, ["alpha", "beta"][kill % 2]),
        |kill| {
            let now = snapshot(&site.out());
            let which = complete.iter().position(|c| *c == now).unwrap_or_else(|| {
                panic!(
                    "kill {kill}: public/ is neither the old nor the new site ({} files)",
                    now.len()
                )
            });
            seen[which] += 1;
        },
    );
    println!("after kills: {seen:?} (alpha, beta)");
    write_pages(&site, "alpha");
    assert!(build().status().expect("docgen runs").success());
    assert_eq!(snapshot(&site.out()), complete[0]);
    assert_eq!(
        leftovers(root, &["content", "public"]),
        Vec::<String>::new(),
        "the next build leaves no staging folder behind"
    );
}

const HEADER: &str = "+++\ntitle = \"T\"\n+++\n\n";

/// `docgen test` against `/bin/sh` as the `ax` folder: console steps run shell built-ins only.
fn test_command(root: &Path, extra: &[&str]) -> Command {
    let mut command = docgen(root, &["test", "--ax", "/bin/sh"]);
    command.args(extra);
    command
}

#[test]
fn bless_killed_at_random_moments_leaves_the_old_or_the_new_markdown() {
    let site = TempSite::new();
    let root = site.root();
    let mut old = HEADER.to_owned();
    for i in 0..40 {
        old.push_str(&format!(
            "Step {i}. {}\n\n```console\n$ echo out-{i}\nwrong-{i}\n```\n\n",
            "Padding so the file takes a while to write. ".repeat(40)
        ));
    }
    let path = root.join("tutorials/bless.md");
    site.file("tutorials/bless.md", &old);
    let bless = || test_command(root, &["--bless"]);
    let _ = bless().status().expect("docgen runs");
    let new = std::fs::read_to_string(&path).expect("blessed file");
    assert!(
        new.contains("out-39\n") && !new.contains("wrong-"),
        "bless rewrote every block"
    );
    site.file("tutorials/bless.md", &old);
    let mut seen = [0usize; 2];
    kill_at_random_moments(
        "docgen test --bless",
        bless,
        |_| {
            site.file("tutorials/bless.md", &old);
        },
        |kill| {
            let now = std::fs::read_to_string(&path).expect("the tutorial is still there");
            assert!(
                now == old || now == new,
                "kill {kill}: the markdown is torn ({} bytes; old {}, new {})",
                now.len(),
                old.len(),
                new.len()
            );
            seen[usize::from(now == new)] += 1;
        },
    );
    println!("after kills: {seen:?} (old, new)");
}

#[test]
fn update_baseline_killed_at_random_moments_leaves_a_whole_baseline() {
    let site = TempSite::new();
    let root = site.root();
    let mut tutorial = HEADER.to_owned();
    for i in 0..20 {
        tutorial.push_str(&format!(
            "```perf\ncommand = \"echo {i}\"\nruns = 3\nwarmup = 0\np95 < \"10s\"\n```\n\n"
        ));
    }
    site.file("tutorials/perf.md", &tutorial);
    let baseline = root.join("tutorials/perf-baseline.json");
    let update = || test_command(root, &["--update-baseline"]);
    let _ = update().status().expect("docgen runs");
    let keys_of = |text: &str| -> Option<Vec<String>> {
        let baseline: docgen::model::PerfBaseline = serde_json::from_str(text).ok()?;
        Some(baseline.claims.into_keys().collect())
    };
    let first = std::fs::read_to_string(&baseline).expect("the baseline was written");
    let keys = keys_of(&first).expect("the baseline is JSON");
    assert_eq!(keys.len(), 20, "one entry per claim (each claims p95)");
    kill_at_random_moments(
        "docgen test --update-baseline",
        update,
        |_| {},
        |kill| {
            let now = std::fs::read_to_string(&baseline).expect("the baseline is still there");
            assert_eq!(
                keys_of(&now).as_ref(),
                Some(&keys),
                "kill {kill}: the baseline is torn: {now:?}"
            );
        },
    );
}

#[test]
fn tutorial_cache_killed_at_random_moments_holds_only_whole_entries() {
    let site = TempSite::new();
    let root = site.root();
    let tutorial = |n: usize| {
        format!(
            "{HEADER}Run {n}.\n\n```console\n$ echo hello\nhello\n$ printf 'a\\nb\\n'\na\nb\n```\n"
        )
    };
    site.file("tutorials/cached.md", &tutorial(0));
    let run = || test_command(root, &[]);
    assert!(run().status().expect("docgen runs").success());
    let cache = root.join(".docgen/cache");
    kill_at_random_moments(
        "docgen test cache",
        run,
        // A new text each time, so every run misses the cache and writes an entry.
        |kill| {
            site.file("tutorials/cached.md", &tutorial(kill + 1));
        },
        |kill| {
            for entry in std::fs::read_dir(&cache).expect("cache folder").flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.ends_with(".json") {
                    let text = std::fs::read_to_string(entry.path()).expect("read an entry");
                    assert!(
                        serde_json::from_str::<serde_json::Value>(&text).is_ok(),
                        "kill {kill}: cache entry {name} is torn"
                    );
                }
            }
        },
    );
    assert!(run().status().expect("docgen runs").success());
}

#[test]
fn a_torn_cache_entry_is_ignored_not_trusted() {
    let site = TempSite::new();
    let root = site.root();
    site.file(
        "tutorials/cached.md",
        &format!("{HEADER}```console\n$ echo hello\nhello\n```\n"),
    );
    let json_run = || {
        let mut command = test_command(root, &["--format", "json"]);
        command.stdout(Stdio::piped());
        let output = command.output().expect("docgen runs");
        assert!(output.status.success());
        serde_json::from_slice::<serde_json::Value>(&output.stdout).expect("a JSON report")
    };
    let cached = |report: &serde_json::Value| report["tutorials"][0]["cached"].as_bool();
    assert_eq!(cached(&json_run()), Some(false));
    assert_eq!(
        cached(&json_run()),
        Some(true),
        "the second run is served from the cache"
    );
    let cache = root.join(".docgen/cache");
    let entry = std::fs::read_dir(&cache)
        .expect("cache folder")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .expect("one cache entry");
    let whole = std::fs::read(&entry).expect("read the entry");
    for cut in [1, whole.len() / 3, whole.len() / 2, whole.len() - 1] {
        std::fs::write(&entry, &whole[..cut]).expect("tear the entry");
        let report = json_run();
        assert_eq!(
            cached(&report),
            Some(false),
            "a torn entry ({cut} bytes) must not be trusted"
        );
    }
}
