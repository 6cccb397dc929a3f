//! Fuzz target `config`: see `fuzz/checks/config.rs` for what it feeds and asserts (the same
//! checks run on saved inputs in `tests/fuzz_regressions.rs`).
#![no_main]

#[path = "../checks/config.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
