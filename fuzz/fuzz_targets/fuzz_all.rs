//! One libFuzzer binary for every target, picked by `FUZZ_TARGET=NAME` (see `fuzz_targets::TARGETS`):
//! linking one instrumented binary instead of seventeen keeps a fuzz build affordable on a small
//! machine (`fuzz/run.sh` uses it; `cargo fuzz run NAME` uses the per-target binaries).
#![no_main]

use std::sync::OnceLock;

fn target() -> fn(&[u8]) {
    static RUN: OnceLock<fn(&[u8])> = OnceLock::new();
    *RUN.get_or_init(|| {
        let name = std::env::var("FUZZ_TARGET").unwrap_or_default();
        fuzz_targets::TARGETS
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.run)
            .unwrap_or_else(|| {
                let names: Vec<_> = fuzz_targets::TARGETS.iter().map(|t| t.name).collect();
                panic!("set FUZZ_TARGET to one of {names:?}")
            })
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| target()(data));
