//! `validate-deps`: see [`sfci::app::validate_deps`].
fn main() {
    sfci::app::validate_deps::main(std::env::args_os());
}
