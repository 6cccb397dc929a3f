//! `sfci`: every tool in one binary, chosen by the name it is called as (a link
//! named `gate`, `smoke`, …) or by its first argument (`sfci gate window …`).
fn main() {
    sfci::app::dispatch(std::env::args_os().collect());
}
