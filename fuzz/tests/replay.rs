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

#[test]
fn every_target_has_a_committed_corpus_and_passes_it() {
    let mut empty = Vec::new();
    for target in fuzz_targets::TARGETS {
        let count = replay(target);
        println!("{}: {count} inputs replayed", target.name);
        if count == 0 {
            empty.push(target.name);
        }
    }
    assert!(
        empty.is_empty(),
        "targets without a committed corpus: {empty:?}"
    );
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
