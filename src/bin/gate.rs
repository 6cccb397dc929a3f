//! `gate`: see [`sfci::app::gate`].
fn main() {
    sfci::app::gate::main(std::env::args_os());
}
