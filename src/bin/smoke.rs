//! `smoke`: see [`sfci::app::smoke`].
fn main() {
    sfci::app::smoke::main(std::env::args_os());
}
