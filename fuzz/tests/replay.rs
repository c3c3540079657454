//! Replays every committed fuzz input (`fuzz/corpus/TARGET/*` and the crash inputs in
//! `fuzz/regressions/TARGET/*`) through its target body: no new fuzzing, just the inputs we keep, so
//! a fixed crash cannot come back. Runs under `cargo test --workspace`.

use std::path::{Path, PathBuf};

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn replay(target: &fuzz_targets::Target) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut count = 0;
    for folder in ["corpus", "regressions"] {
        for file in inputs(&root.join(folder).join(target.name)) {
            let data = std::fs::read(&file).expect("read a corpus file");
            let outcome = std::panic::catch_unwind(|| (target.run)(&data));
            assert!(
                outcome.is_ok(),
                "{} fails on {} (reproduce: cargo fuzz run {} {})",
                target.name,
                file.display(),
                target.name,
                file.display()
            );
            count += 1;
        }
    }
    count
}

/// Replays one target's committed inputs; it must have some.
fn replay_target(name: &str) {
    let target = fuzz_targets::TARGETS
        .iter()
        .find(|target| target.name == name)
        .unwrap_or_else(|| panic!("no target {name}"));
    let started = std::time::Instant::now();
    let count = replay(target);
    println!(
        "{name}: {count} inputs replayed in {:.2?}",
        started.elapsed()
    );
    assert!(count > 0, "{name} has no committed corpus");
}

/// One test per target, so the harness replays them in parallel.
macro_rules! replay_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                replay_target(stringify!($name));
            }
        )*
        const REPLAYED: &[&str] = &[$(stringify!($name)),*];
    };
}

replay_tests!(
    front_matter_toml,
    front_matter_yaml,
    parse_page,
    info_string,
    console_block,
    output_matcher,
    perf_block,
    docgen_toml,
    ax_toml,
    plugin_toml,
    search_bundle,
    scan_rust,
    scan_python,
    scan_typescript,
    scan_javascript,
    scan_go,
    lua_sandbox,
);

#[test]
fn every_target_is_replayed() {
    let names: Vec<&str> = fuzz_targets::TARGETS.iter().map(|t| t.name).collect();
    assert_eq!(names, REPLAYED, "add the new target to replay_tests!");
}

#[test]
fn every_target_has_a_fuzz_binary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for target in fuzz_targets::TARGETS {
        let binary = root
            .join("fuzz_targets")
            .join(format!("{}.rs", target.name));
        assert!(binary.is_file(), "no {}", binary.display());
    }
}
