//! Fuzz target `smoke_spec`: see `fuzz/checks/smoke_spec.rs` for what it feeds and asserts (the same
//! checks run on saved inputs in `tests/fuzz_regressions.rs`).
#![no_main]

#[path = "../checks/smoke_spec.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
