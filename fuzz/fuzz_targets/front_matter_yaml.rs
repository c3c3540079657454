//! libFuzzer entry point for `fuzz_targets::markdown::front_matter_yaml` (the body and its invariants live there).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_targets::markdown::front_matter_yaml(data));
