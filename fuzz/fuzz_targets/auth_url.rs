//! Fuzz target `auth_url`: see `fuzz/checks/auth_url.rs` for what it feeds and asserts (the same
//! checks run on saved inputs in `tests/fuzz_regressions.rs`).
#![no_main]

#[path = "../checks/auth_url.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
