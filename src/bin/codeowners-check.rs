//! `codeowners-check`: see [`sfci::app::codeowners_check`].
fn main() {
    sfci::app::codeowners_check::main(std::env::args_os());
}
