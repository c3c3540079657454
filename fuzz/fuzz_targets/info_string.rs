//! libFuzzer entry point for `fuzz_targets::markdown::info_string` (the body and its invariants live there).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_targets::markdown::info_string(data));
