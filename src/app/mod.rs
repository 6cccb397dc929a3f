//! The command-line front ends: argument parsing (clap derive) and wiring only, no
//! logic. Each tool is a module with `main(args) -> !`, so one binary can carry
//! them all: `src/bin/<tool>.rs` calls its module, and the multi-call `sfci`
//! binary (the container image ships it once, with a link per tool name) picks
//! the tool from the name it was invoked as, or from its first argument.

pub mod codeowners_check;
pub mod gate;
pub mod lint_callout_mocks;
pub mod smoke;
pub mod validate_deps;

use std::ffi::OsString;
use std::path::Path;

/// A tool's entry point: runs with the arguments (program name first) and exits.
type Main = fn(Vec<OsString>) -> !;

/// Every tool, by the name it is installed under.
pub const TOOLS: &[(&str, Main)] = &[
    ("lint-callout-mocks", |a| lint_callout_mocks::main(a)),
    ("validate-deps", |a| validate_deps::main(a)),
    ("codeowners-check", |a| codeowners_check::main(a)),
    ("smoke", |a| smoke::main(a)),
    ("gate", |a| gate::main(a)),
];

fn find(name: &str) -> Option<Main> {
    TOOLS.iter().find(|(n, _)| *n == name).map(|(_, m)| *m)
}

fn usage() -> String {
    let names: Vec<&str> = TOOLS.iter().map(|(n, _)| *n).collect();
    format!(
        "sfci {}: merge-request checks and release gates for Salesforce teams\n\n\
         Usage: sfci <TOOL> [ARGS]...   (or call a link named after the tool)\n\n\
         Tools: {}\n\nRun `sfci <TOOL> --help` for a tool's options.\n",
        env!("CARGO_PKG_VERSION"),
        names.join(", ")
    )
}

/// The multi-call entry point: `lint-callout-mocks ARGS` through a link, or
/// `sfci lint-callout-mocks ARGS`.
pub fn dispatch(args: Vec<OsString>) -> ! {
    let invoked = args
        .first()
        .and_then(|a| Path::new(a).file_stem())
        .and_then(|s| s.to_str())
        .unwrap_or("sfci")
        .to_string();
    if let Some(main) = find(&invoked) {
        main(args);
    }
    let Some(first) = args.get(1).and_then(|a| a.to_str()) else {
        eprint!("{}", usage());
        std::process::exit(2);
    };
    match first {
        "-h" | "--help" | "help" => {
            print!("{}", usage());
            std::process::exit(0);
        }
        "-V" | "--version" => {
            println!("sfci {}", env!("CARGO_PKG_VERSION"));
            std::process::exit(0);
        }
        tool => match find(tool) {
            Some(main) => main(args[1..].to_vec()),
            None => {
                eprint!("sfci: unknown tool `{tool}`\n\n{}", usage());
                std::process::exit(2);
            }
        },
    }
}
