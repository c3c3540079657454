//! libFuzzer entry point for `fuzz_targets::scan::scan_python` (the body and its invariants live there).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_targets::scan::scan_python(data));
