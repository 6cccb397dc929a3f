//! Fuzz target `deploy_result`: see `fuzz/checks/deploy_result.rs` for what it feeds and asserts (the same
//! checks run on saved inputs in `tests/fuzz_regressions.rs`).
#![no_main]

#[path = "../checks/deploy_result.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
