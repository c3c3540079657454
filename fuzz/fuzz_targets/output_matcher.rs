//! libFuzzer entry point for `fuzz_targets::tutorial::output_matcher` (the body and its invariants live there).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_targets::tutorial::output_matcher(data));
