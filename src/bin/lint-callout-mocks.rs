//! `lint-callout-mocks`: see [`sfci::app::lint_callout_mocks`].
fn main() {
    sfci::app::lint_callout_mocks::main(std::env::args_os());
}
