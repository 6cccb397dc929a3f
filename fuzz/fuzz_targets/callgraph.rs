//! Fuzz target `callgraph`: see `fuzz/checks/callgraph.rs` for the repositories it
//! generates and what it asserts (the same checks run on saved inputs in
//! `tests/fuzz_regressions.rs`, and on large fixed repositories in
//! `tests/callgraph_bound.rs`).
#![no_main]

#[path = "../checks/callgraph.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
