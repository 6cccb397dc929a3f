//! Hardening: malformed input for every input format of every binary — empty, binary, not
//! UTF-8, a byte-order mark, CRLF, a 10 MB line, deep nesting, FIFOs and symbolic-link loops
//! in the scanned tree, paths with spaces and non-ASCII characters. Each case runs the real
//! binary under a 60 s hang guard, asserts the exit code (0/1 when the tool copes, 2 when it
//! cannot do its job), the message naming the file (and line where there is one), and that
//! nothing panicked.

use std::os::unix::fs::symlink;
use std::path::Path;

mod common;
mod hardening_util;
use hardening_util::*;

const LINT: &str = env!("CARGO_BIN_EXE_lint-callout-mocks");
const DEPS: &str = env!("CARGO_BIN_EXE_validate-deps");
const OWNERS: &str = env!("CARGO_BIN_EXE_codeowners-check");
const SMOKE: &str = env!("CARGO_BIN_EXE_smoke");
const GATE: &str = env!("CARGO_BIN_EXE_gate");

/// One malformed input: how to make it, how to run, what must come out.
struct Case {
    name: &'static str,
    setup: Box<dyn Fn(&Path)>,
    args: Vec<String>,
    stdin: Option<Vec<u8>>,
    code: i32,
    /// Each must appear in stdout or stderr.
    expect: Vec<String>,
    /// None may appear.
    reject: Vec<String>,
}

fn case(name: &'static str, setup: impl Fn(&Path) + 'static, args: &[&str], code: i32) -> Case {
    Case {
        name,
        setup: Box::new(setup),
        args: args.iter().map(|s| s.to_string()).collect(),
        stdin: None,
        code,
        expect: vec![],
        reject: vec![],
    }
}

impl Case {
    fn expect(mut self, s: &str) -> Self {
        self.expect.push(s.to_string());
        self
    }
    fn reject(mut self, s: &str) -> Self {
        self.reject.push(s.to_string());
        self
    }
    fn stdin(mut self, bytes: impl AsRef<[u8]>) -> Self {
        self.stdin = Some(bytes.as_ref().to_vec());
        self
    }
}

/// Runs every case in a fresh folder prepared by `base` and the case's own setup.
fn run_table(bin: &str, base: &dyn Fn(&Path), cases: Vec<Case>) {
    let mut failures = Vec::new();
    for c in cases {
        let dir = tempfile::tempdir().unwrap();
        base(dir.path());
        (c.setup)(dir.path());
        let mut cmd = command(bin, dir.path());
        cmd.args(&c.args);
        let r = run_limited(cmd, c.stdin.clone(), std::time::Duration::from_secs(60));
        let all = format!("{}{}", r.stdout, r.stderr);
        let mut problems = Vec::new();
        if r.code != Some(c.code) {
            problems.push(format!("exit {:?}, expected {}", r.code, c.code));
        }
        for e in &c.expect {
            if !all.contains(e.as_str()) {
                problems.push(format!("missing {e:?}"));
            }
        }
        for e in &c.reject {
            if all.contains(e.as_str()) {
                problems.push(format!("unexpected {e:?}"));
            }
        }
        if !problems.is_empty() {
            let shown: String = all.chars().take(3000).collect();
            failures.push(format!("[{}] {}\n{shown}", c.name, problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

// --- lint-callout-mocks: Apex sources, .sfci.yml, sfdx-project.json, baselines ------------

const CLASSES: &str = "force-app/main/default/classes";

/// An SFDX project whose one known finding (Sentinel.cls line 2) proves the scan went on.
fn lint_project(dir: &Path) {
    write(
        &dir.join("sfdx-project.json"),
        r#"{"packageDirectories": [{"path": "force-app", "default": true}]}"#,
    );
    write(
        &dir.join(CLASSES).join("Sentinel.cls"),
        "@IsTest\nprivate class Sentinel { @IsTest static void t() { new Http().send(new HttpRequest()); } }\n",
    );
}

fn cls(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    write(&dir.join(CLASSES).join(name), bytes);
}

const UNMOCKED: &str =
    "public class X {\n  @IsTest static void t() {\n    new Http().send(new HttpRequest());\n  }\n}\n";

const SENTINEL: &str = "classes/Sentinel.cls:2:";

#[test]
fn apex_sources() {
    let cases = vec![
        case("empty", |d| cls(d, "Empty.cls", ""), &[], 1).expect(SENTINEL),
        case("binary", |d| cls(d, "Binary.cls", binary(4096)), &[], 1)
            .expect(SENTINEL)
            .reject("Binary.cls:1:1: error"),
        case(
            "not UTF-8 (Latin-1)",
            |d| cls(d, "Latin.cls", b"public class Latin {\n  @IsTest static void t() { String s = 'caf\xe9'; new Http().send(new HttpRequest()); }\n}\n"),
            &[],
            1,
        )
        .expect("classes/Latin.cls:2:")
        .expect(SENTINEL),
        case("BOM", |d| cls(d, "Bom.cls", bom(&UNMOCKED.replace("X", "Bom"))), &[], 1)
            .expect("classes/Bom.cls:2:")
            .expect("Bom.cls:3)"),
        case("CRLF", |d| cls(d, "Crlf.cls", crlf(&UNMOCKED.replace("X", "Crlf"))), &[], 1)
            .expect("classes/Crlf.cls:2:")
            .expect("Crlf.cls:3)"),
        case(
            "10 MB single line",
            |d| {
                let line = format!(
                    "public class Huge {{ @IsTest static void t() {{ String s = '{}'; new Http().send(new HttpRequest()); }} }}",
                    "a".repeat(TEN_MB)
                );
                cls(d, "Huge.cls", line)
            },
            &[],
            1,
        )
        .expect("classes/Huge.cls:1:"),
        case(
            "deeply nested parentheses",
            |d| cls(d, "Parens.cls", format!("public class Parens {{ void m() {{ x = {}1; }} }}", "(".repeat(100_000))),
            &[],
            1,
        )
        .expect(SENTINEL),
        case(
            "deeply nested braces",
            |d| cls(d, "Braces.cls", format!("public class Braces {{ {}", "{".repeat(100_000))),
            &[],
            1,
        )
        .expect("classes/Braces.cls:1:")
        .expect("parse-error")
        .expect(SENTINEL),
        case("FIFO in the tree", |d| mkfifo(&d.join(CLASSES).join("Fifo.cls")), &[], 1)
            .expect(SENTINEL)
            .reject("Fifo.cls"),
        case(
            "symbolic-link loops in the tree",
            |d| {
                symlink("../classes", d.join(CLASSES).join("loop")).unwrap();
                symlink("Self.cls", d.join(CLASSES).join("Self.cls")).unwrap();
            },
            &[],
            1,
        )
        .expect(SENTINEL)
        .reject("loop/"),
        case(
            "spaces and unicode in the path",
            |d| cls(d, "sp ä ce/Ünï.cls", UNMOCKED.replace("X", "Uni")),
            &[],
            1,
        )
        .expect("classes/sp ä ce/Ünï.cls:2:"),
        case(
            "a FIFO named on the command line",
            |d| mkfifo(&d.join("Fifo.cls")),
            &["Fifo.cls"],
            0,
        )
        .expect("Fifo.cls: skipped: not a regular file"),
        case(
            "a looping symbolic link named on the command line",
            |d| symlink("Self.cls", d.join("Self.cls")).unwrap(),
            &["Self.cls"],
            2,
        )
        .expect("Self.cls: Too many levels of symbolic links"),
    ];
    run_table(LINT, &lint_project, cases);
}

const SEVERITY_OFF: &str = "lint:\n  rules:\n    callout-without-mock:\n      severity: off\n";

#[test]
fn sfci_yml() {
    let y = |bytes: Vec<u8>| move |d: &Path| write(&d.join(".sfci.yml"), &bytes);
    let cases = vec![
        case("empty", y(vec![]), &[], 1).expect(SENTINEL),
        case("binary", y(binary(2000)), &[], 2)
            .expect(".sfci.yml:1:")
            .expect("not UTF-8"),
        case(
            "not UTF-8",
            y(b"lint:\n  exclude: [\"caf\xe9\"]\n".to_vec()),
            &[],
            2,
        )
        .expect(".sfci.yml:2:17: the file is not UTF-8 text"),
        // The configuration applies: the sentinel's rule is off.
        case("BOM", y(bom(SEVERITY_OFF)), &[], 0),
        case("CRLF", y(crlf(SEVERITY_OFF).into_bytes()), &[], 0),
        case(
            "CRLF with an unknown key",
            y(crlf("lint:\n  exclude: [x]\n  bogus: 1\n").into_bytes()),
            &[],
            2,
        )
        .expect(".sfci.yml:3:3: unknown key `lint.bogus`"),
        case(
            "10 MB comment line",
            y(format!("lint:\n  exclude: [x]\n# {}\n", "a".repeat(TEN_MB)).into_bytes()),
            &[],
            1,
        )
        .expect(SENTINEL),
        // Regression: a 10 MB glob took hours to compile (quadratic matcher construction).
        case(
            "10 MB glob",
            y(format!("lint:\n  exclude: [\"{}\"]\n", "a".repeat(TEN_MB)).into_bytes()),
            &[],
            2,
        )
        .expect(".sfci.yml:2:")
        .expect("invalid glob: it is 10485760 bytes long"),
        case(
            "deeply nested flow collections",
            y(format!("lint: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)).into_bytes()),
            &[],
            2,
        )
        .expect(".sfci.yml:1:")
        .expect("`lint`: invalid type"),
        case(
            "deeply nested block mappings",
            y({
                let mut s = "lint:\n".to_string();
                for i in 1..2000 {
                    s.push_str(&format!("{}k:\n", "  ".repeat(i)));
                }
                s.into_bytes()
            }),
            &[],
            2,
        )
        .expect(".sfci.yml:2:3: unknown key `lint.k`"),
        case(
            "billion laughs (alias expansion)",
            y({
                let mut s = "a: &a [x,x,x,x,x,x,x,x,x,x]\n".to_string();
                for (prev, next) in ('a'..='i').zip('b'..='j') {
                    s.push_str(&format!(
                        "{next}: &{next} [{}]\n",
                        vec![format!("*{prev}"); 10].join(",")
                    ));
                }
                s.into_bytes()
            }),
            &[],
            2,
        )
        .expect(".sfci.yml:1:1: unknown key `a`"),
        // Regression: a FIFO blocked the run forever; a looping link was silently ignored.
        case("FIFO", |d: &Path| mkfifo(&d.join(".sfci.yml")), &[], 2)
            .expect(".sfci.yml: not a regular file"),
        case(
            "looping symbolic link",
            |d: &Path| symlink(".sfci.yml", d.join(".sfci.yml")).unwrap(),
            &[],
            2,
        )
        .expect(".sfci.yml: cannot read the file: Too many levels of symbolic links"),
        case(
            "a directory",
            |d: &Path| std::fs::create_dir(d.join(".sfci.yml")).unwrap(),
            &[],
            2,
        )
        .expect(".sfci.yml: cannot read the file"),
        case(
            "--config with spaces and unicode",
            |d: &Path| write(&d.join("cönf ig/sfci ä.yml"), SEVERITY_OFF),
            &["--config", "cönf ig/sfci ä.yml"],
            0,
        ),
    ];
    run_table(LINT, &lint_project, cases);
}

#[test]
fn sfdx_project_json() {
    let p = |bytes: Vec<u8>| move |d: &Path| write(&d.join("sfdx-project.json"), &bytes);
    let cases = vec![
        case("empty", p(vec![]), &[], 2).expect("sfdx-project.json"),
        case("binary", p(binary(1000)), &[], 2).expect("sfdx-project.json:1:"),
        case(
            "not UTF-8",
            p(b"{\"packageDirectories\": [{\"path\": \"force-app\xe9\"}]}".to_vec()),
            &[],
            2,
        )
        .expect("sfdx-project.json:1:"),
        case(
            "BOM and CRLF",
            p(bom(&crlf(
                "{\n  \"packageDirectories\": [{\"path\": \"force-app\"}]\n}\n",
            ))),
            &[],
            1,
        )
        .expect(SENTINEL),
        case(
            "deeply nested",
            p(format!(
                "{{\"packageDirectories\": {}{}}}",
                "[".repeat(100_000),
                "]".repeat(100_000)
            )
            .into_bytes()),
            &[],
            2,
        )
        .expect("sfdx-project.json:1:"),
        case(
            "10 MB line",
            p(format!(
                "{{\"packageDirectories\": [{{\"path\": \"force-app\"}}], \"x\": \"{}\"}}",
                "a".repeat(TEN_MB)
            )
            .into_bytes()),
            &[],
            1,
        )
        .expect(SENTINEL),
        // Regression: a FIFO blocked the run forever.
        case(
            "FIFO",
            |d: &Path| {
                std::fs::remove_file(d.join("sfdx-project.json")).unwrap();
                mkfifo(&d.join("sfdx-project.json"));
            },
            &[],
            2,
        )
        .expect("sfdx-project.json: not a regular file"),
        case(
            "package directory with spaces and unicode",
            |d: &Path| {
                write(
                    &d.join("sfdx-project.json"),
                    r#"{"packageDirectories": [{"path": "äpp dir"}]}"#,
                );
                write(
                    &d.join("äpp dir/classes/Uni.cls"),
                    UNMOCKED.replace("X", "Uni"),
                );
            },
            &[],
            1,
        )
        .expect("äpp dir/classes/Uni.cls:2:"),
    ];
    run_table(LINT, &lint_project, cases);
}

#[test]
fn lint_baseline() {
    let good = "{\n  \"tool\": \"lint-callout-mocks\",\n  \"version\": 1,\n  \"findings\": []\n}\n";
    let b = |bytes: Vec<u8>| move |d: &Path| write(&d.join("base line.json"), &bytes);
    let args = ["--baseline", "base line.json"];
    let cases = vec![
        case("empty", b(vec![]), &args, 2).expect("base line.json:1:0: not a sfci baseline"),
        case("binary", b(binary(500)), &args, 2).expect("base line.json:1:1: not a sfci baseline"),
        case("not UTF-8", b(b"{\"tool\": \"caf\xe9\"}".to_vec()), &args, 2)
            .expect("base line.json:1:"),
        // Regression: a byte-order mark made a valid baseline "not a sfci baseline".
        case("BOM", b(bom(good)), &args, 1).expect(SENTINEL),
        case("CRLF", b(crlf(good).into_bytes()), &args, 1).expect(SENTINEL),
        case(
            "10 MB line",
            b(format!("{{\"tool\": \"lint-callout-mocks\", \"version\": 1, \"findings\": [], \"x\": \"{}\"}}", "a".repeat(TEN_MB)).into_bytes()),
            &args,
            1,
        )
        .expect(SENTINEL),
        case(
            "deeply nested",
            b(format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes()),
            &args,
            2,
        )
        .expect("base line.json:1:"),
        case(
            "a directory",
            |d: &Path| std::fs::create_dir(d.join("base line.json")).unwrap(),
            &args,
            2,
        )
        .expect("cannot read baseline base line.json"),
        case(
            "looping symbolic link",
            |d: &Path| symlink("base line.json", d.join("base line.json")).unwrap(),
            &args,
            2,
        )
        .expect("cannot read baseline base line.json"),
    ];
    run_table(LINT, &lint_project, cases);
}

// --- validate-deps: LWC, Aura, Visualforce, flows, Apex, .sfci.yml -------------------------

const SALES: &str = "sales/main/default";

/// Two teams; the sentinel (sales → billing) is the one warning every run must still report.
fn deps_project(dir: &Path) {
    write(
        &dir.join("sfdx-project.json"),
        r#"{"packageDirectories": [{"path": "sales", "default": true}, {"path": "billing"}]}"#,
    );
    write(
        &dir.join("billing/main/default/classes/Inv.cls"),
        "public class Inv { public static void go() {} }\n",
    );
    write(
        &dir.join(SALES).join("classes/Sentinel.cls"),
        "public class Sentinel { void m() { Inv.go(); } }\n",
    );
}

const DEPS_SENTINEL: &str = "classes/Sentinel.cls:1:";

fn sales(d: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    write(&d.join(SALES).join(rel), bytes);
}

#[test]
fn metadata_read_by_validate_deps() {
    let all = ["--all"];
    let cases = vec![
        case("binary LWC JavaScript", |d| sales(d, "lwc/cmp/cmp.js", binary(3000)), &all, 0)
            .expect(DEPS_SENTINEL),
        case(
            "LWC template not UTF-8",
            |d| sales(d, "lwc/cmp/cmp.html", b"<template>caf\xe9<c-other></c-other></template>"),
            &all,
            0,
        )
        .expect(DEPS_SENTINEL),
        case(
            "LWC with an Apex import, BOM and CRLF",
            |d| {
                sales(d, "lwc/cmp/cmp.js", bom(&crlf("// x\nimport go from '@salesforce/apex/Inv.go';\nexport default class C {}\n")));
                sales(d, "lwc/cmp/cmp.js-meta.xml", bom(&crlf("<?xml version=\"1.0\"?>\n<LightningComponentBundle xmlns=\"http://soap.sforce.com/2006/04/metadata\"><apiVersion>60.0</apiVersion></LightningComponentBundle>\n")));
            },
            &all,
            0,
        )
        .expect("lwc/cmp/cmp.js:2:")
        .expect(DEPS_SENTINEL),
        case(
            "LWC JavaScript nested 100,000 deep",
            |d| sales(d, "lwc/cmp/cmp.js", format!("import x from 'c/y';\n{}", "{(".repeat(100_000))),
            &all,
            0,
        )
        .expect(DEPS_SENTINEL),
        case(
            "Aura markup nested 100,000 deep",
            |d| sales(d, "aura/auraCmp/auraCmp.cmp", format!("<aura:component controller=\"Inv\">{}{}</aura:component>", "<div>".repeat(100_000), "</div>".repeat(100_000))),
            &all,
            0,
        )
        .expect("aura/auraCmp/auraCmp.cmp:1:"),
        case(
            "Visualforce page with a 10 MB line",
            |d| sales(d, "pages/P.page", format!("<apex:page controller=\"Inv\">{}</apex:page>", "x".repeat(TEN_MB))),
            &all,
            0,
        )
        .expect("pages/P.page:1:"),
        case("empty Visualforce page", |d| sales(d, "pages/E.page", ""), &all, 0)
            .expect(DEPS_SENTINEL),
        case(
            "flow with a DTD (billion laughs)",
            |d| sales(d, "flows/Lol.flow-meta.xml", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><Flow>&b;</Flow>"),
            &all,
            0,
        )
        .expect("flows/Lol.flow-meta.xml:1:1: warning[parse-error]")
        .expect(DEPS_SENTINEL),
        case(
            "truncated flow XML",
            |d| sales(d, "flows/Cut.flow-meta.xml", "<?xml version=\"1.0\"?>\n<Flow>\n  <actionCalls>\n</Flow>\n"),
            &all,
            0,
        )
        .expect("flows/Cut.flow-meta.xml:")
        .expect("parse-error")
        .expect(DEPS_SENTINEL),
        case(
            "flow with CRLF",
            |d| sales(d, "flows/Crlf.flow-meta.xml", crlf("<?xml version=\"1.0\"?>\n<Flow xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n<actionCalls><actionName>Inv</actionName><actionType>apex</actionType></actionCalls>\n</Flow>\n")),
            &all,
            0,
        )
        .expect("flows/Crlf.flow-meta.xml:3:"),
        case(
            "binary flow",
            |d| sales(d, "flows/Bin.flow-meta.xml", binary(2000)),
            &all,
            0,
        )
        .expect("flows/Bin.flow-meta.xml:")
        .expect(DEPS_SENTINEL),
        case(
            "FIFOs in the tree",
            |d| {
                std::fs::create_dir_all(d.join(SALES).join("flows")).unwrap();
                std::fs::create_dir_all(d.join(SALES).join("lwc/cmp")).unwrap();
                mkfifo(&d.join(SALES).join("flows/Fifo.flow-meta.xml"));
                mkfifo(&d.join(SALES).join("lwc/cmp/cmp.js"));
                mkfifo(&d.join(SALES).join("classes/Fifo.cls"));
            },
            &all,
            0,
        )
        .expect(DEPS_SENTINEL)
        .reject("Fifo"),
        case(
            "symbolic-link loops in the tree",
            |d| {
                symlink("../classes", d.join(SALES).join("classes/loop")).unwrap();
                symlink("Dangling.cls", d.join(SALES).join("classes/Dangling.cls")).unwrap();
            },
            &all,
            0,
        )
        .expect(DEPS_SENTINEL)
        .reject("loop/"),
        case(
            "spaces and unicode in the path",
            |d| sales(d, "classes/sp ä/Ünï.cls", "public class Uni { Inv i; }\n"),
            &all,
            0,
        )
        .expect("classes/sp ä/Ünï.cls:1:"),
        // Regression: the team-path glob took hours to compile.
        case(
            ".sfci.yml team path of 10 MB",
            |d| write(&d.join(".sfci.yml"), format!("deps:\n  teams:\n    t:\n      paths: [\"{}\"]\n", "a".repeat(TEN_MB))),
            &all,
            2,
        )
        .expect(".sfci.yml:4:")
        .expect("invalid glob: it is 10485760 bytes long"),
        case(
            ".sfci.yml not UTF-8",
            |d| write(&d.join(".sfci.yml"), b"deps:\n  teams:\n    caf\xe9: {}\n"),
            &all,
            2,
        )
        .expect(".sfci.yml:3:"),
    ];
    run_table(DEPS, &deps_project, cases);
}

// --- codeowners-check: CODEOWNERS in both dialects, paths on stdin -------------------------

fn owners_repo(dir: &Path) {
    for f in ["src/a.cls", "docs/x.md", "sp ä/Ünï.cls"] {
        write(&dir.join(f), "x\n");
    }
    common_git(dir, &["init", "-q"]);
    common_git(dir, &["add", "-A"]);
}

fn common_git(dir: &Path, args: &[&str]) {
    let st = std::process::Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(st.status.success(), "git {args:?}");
}

#[test]
fn codeowners_files() {
    let co = |bytes: Vec<u8>| move |d: &Path| write(&d.join("CODEOWNERS"), &bytes);
    let gh = ["owners", "--dialect", "github", "src/a.cls", "sp ä/Ünï.cls"];
    let gl = ["owners", "--dialect", "gitlab", "src/a.cls", "sp ä/Ünï.cls"];
    let val_gh = ["validate", "--dialect", "github", "--offline"];
    let val_gl = ["validate", "--dialect", "gitlab", "--offline"];
    let cases = vec![
        case("empty", co(vec![]), &gh, 0).expect("src/a.cls: (unowned)"),
        case("empty, validate", co(vec![]), &val_gh, 0).expect("unowned-file"),
        case("binary", co(binary(3000)), &gh, 0).expect("src/a.cls: (unowned)"),
        case("binary, validate", co(binary(3000)), &val_gl, 1)
            .expect("CODEOWNERS:1:")
            .expect("syntax-error"),
        case(
            "a line not UTF-8 matches nothing, the rest applies",
            co(b"/src/caf\xe9 @x\n/src/ @y\n".to_vec()),
            &gh,
            0,
        )
        .expect("src/a.cls: @y (line 2)"),
        case("BOM, GitHub", co(bom("/src/ @x\n")), &gh, 0).expect("src/a.cls: @x (line 1)"),
        case("BOM, GitLab", co(bom("[S]\n/src/ @x\n")), &gl, 0)
            .expect("src/a.cls: @x ([S] line 2)"),
        case(
            "CRLF, GitHub",
            co(crlf("* @all\n/src/ @x\n").into_bytes()),
            &gh,
            0,
        )
        .expect("src/a.cls: @x (line 2)"),
        case(
            "CRLF, GitLab sections",
            co(crlf("[S][2] @d\n/src/\n^[T]\n/src/ @t\n").into_bytes()),
            &gl,
            0,
        )
        .expect("src/a.cls: @d @t ([S] line 2, [T] line 4)"),
        case(
            "10 MB line, GitHub (over its 3 MB limit)",
            co(format!("/{} @x\n* @y\n", "a".repeat(TEN_MB)).into_bytes()),
            &val_gh,
            1,
        )
        .expect("CODEOWNERS:1:1: error[file-too-large]"),
        case(
            "2 MB line, GitHub",
            co(format!("/{} @x\n* @y\n", "a".repeat(2 << 20)).into_bytes()),
            &gh,
            0,
        )
        .expect("src/a.cls: @y (line 2)"),
        case(
            "10 MB line, GitLab",
            co(format!("/{} @x\n* @y\n", "a".repeat(TEN_MB)).into_bytes()),
            &gl,
            0,
        )
        .expect("src/a.cls: @y ([codeowners] line 2)"),
        case(
            "10 MB section name, GitLab",
            co(format!("[{}\n* @y\n", "[".repeat(TEN_MB)).into_bytes()),
            &val_gl,
            1,
        )
        .expect("CODEOWNERS:1:"),
        case(
            "escaped space and unicode in a pattern",
            co("* @y\n/sp\\ ä/ @uni\n".as_bytes().to_vec()),
            &gh,
            0,
        )
        .expect("sp ä/Ünï.cls: @uni (line 2)"),
        case("FIFO", |d: &Path| mkfifo(&d.join("CODEOWNERS")), &gh, 2).expect("no CODEOWNERS file"),
        case(
            "looping symbolic link",
            |d: &Path| symlink("CODEOWNERS", d.join("CODEOWNERS")).unwrap(),
            &val_gh,
            2,
        )
        .expect("CODEOWNERS"),
        case(
            "--codeowners with spaces and unicode",
            |d: &Path| write(&d.join("cö de/OWN ERS"), "/src/ @x\n"),
            &[
                "owners",
                "--dialect",
                "github",
                "--codeowners",
                "cö de/OWN ERS",
                "src/a.cls",
            ],
            0,
        )
        .expect("src/a.cls: @x (line 1)"),
    ];
    run_table(OWNERS, &owners_repo, cases);
}

#[test]
fn path_lists_on_stdin() {
    let setup = |d: &Path| write(&d.join("CODEOWNERS"), "* @all\n/src/ @x\n");
    let args = ["owners", "--dialect", "github", "-"];
    let none = |_: &Path| {};
    let cases = vec![
        case("empty", none, &args, 0).stdin(""),
        case("binary", none, &args, 2)
            .stdin(binary(3000))
            .expect("reading paths from stdin, line 1"),
        // Regression: the line of a path that is not UTF-8 was not named.
        case("a path not UTF-8", none, &args, 2)
            .stdin(b"src/a.cls\nb\nsrc/caf\xe9.cls\n")
            .expect("reading paths from stdin, line 3"),
        // Regression: a byte-order mark became part of the first path (wrong owners).
        case("BOM", none, &args, 0)
            .stdin(bom("src/a.cls\n"))
            .expect("src/a.cls: @x (line 2)"),
        case("CRLF", none, &args, 0)
            .stdin("src/a.cls\r\nb.cls\r\n")
            .expect("src/a.cls: @x (line 2)")
            .expect("b.cls: @all (line 1)"),
        case("10 MB path", none, &args, 0)
            .stdin(format!("src/{}\n", "a".repeat(TEN_MB)))
            .expect(" @x (line 2)"),
        case("spaces, unicode, blank lines, ./", none, &args, 0)
            .stdin("src/sp ä/Ünï.cls\n\n   \n./src/b.cls\n")
            .expect("src/sp ä/Ünï.cls: @x (line 2)")
            .expect("\nsrc/b.cls: @x (line 2)"),
    ];
    run_table(OWNERS, &setup, cases);
}

// --- smoke: specs, auth URL files, JWT key files --------------------------------------------

const SPEC: &str =
    "checks:\n  - name: api\n    limits: DailyApiRequests\n    expect: {min_remaining: 1}\n";

#[test]
fn smoke_specs() {
    let s = |bytes: Vec<u8>| move |d: &Path| write(&d.join("sp ä.yml"), &bytes);
    let args = ["--check-spec", "--spec", "sp ä.yml"];
    let cases = vec![
        case("empty", s(vec![]), &args, 2).expect("sp ä.yml: the spec is empty"),
        case("binary", s(binary(3000)), &args, 2)
            .expect("sp ä.yml:1:")
            .expect("not UTF-8"),
        case(
            "not UTF-8",
            s(b"checks:\n  - name: caf\xe9\n    limits: X\n".to_vec()),
            &args,
            2,
        )
        .expect("sp ä.yml:2:14: the spec is not UTF-8 text"),
        case("BOM", s(bom(SPEC)), &args, 0).expect("1 check(s) OK"),
        case("CRLF", s(crlf(SPEC).into_bytes()), &args, 0).expect("1 check(s) OK"),
        case(
            "CRLF with an unknown key",
            s(crlf(&format!("{SPEC}    bogus: 1\n")).into_bytes()),
            &args,
            2,
        )
        .expect("sp ä.yml:5:5: unknown key `checks[0].bogus`"),
        case(
            "10 MB query",
            s(format!(
                "checks:\n  - name: q\n    soql: SELECT Id FROM A WHERE N = '{}'\n",
                "a".repeat(TEN_MB)
            )
            .into_bytes()),
            &args,
            0,
        )
        .expect("1 check(s) OK"),
        case(
            "deeply nested flow collections",
            s(format!("checks: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)).into_bytes()),
            &args,
            2,
        )
        .expect("sp ä.yml:1:")
        .expect("recursion limit"),
        case(
            "deeply nested block mappings",
            s({
                let mut t =
                    "checks:\n  - name: a\n    soql: x\n    expect:\n      equals:\n".to_string();
                for i in 4..3000 {
                    t.push_str(&format!("{}k:\n", "  ".repeat(i)));
                }
                t.into_bytes()
            }),
            &args,
            2,
        )
        .expect("sp ä.yml:")
        .expect("more than 64 levels deep"),
        // Regression: a smoke spec's unknown top-level key listed .sfci.yml's sections.
        case(
            "unknown top-level key",
            s(format!("foo: 1\n{SPEC}").into_bytes()),
            &args,
            2,
        )
        .expect("sp ä.yml:1:1: unknown key `foo`")
        .expect("`checks`")
        .reject("`lint`"),
        case(
            "billion laughs (alias expansion)",
            s({
                let mut t = "a: &a [x,x,x,x,x,x,x,x,x,x]\n".to_string();
                for (prev, next) in ('a'..='h').zip('b'..='i') {
                    t.push_str(&format!(
                        "{next}: &{next} [{}]\n",
                        vec![format!("*{prev}"); 10].join(",")
                    ));
                }
                t.into_bytes()
            }),
            &args,
            2,
        )
        .expect("sp ä.yml:1:1: unknown key `a`")
        .reject("`lint`"),
        case(
            "looping symbolic link",
            |d: &Path| symlink("sp ä.yml", d.join("sp ä.yml")).unwrap(),
            &args,
            2,
        )
        .expect("sp ä.yml: cannot read the spec: Too many levels of symbolic links"),
        case(
            "a FIFO with a writer (process substitution)",
            |d: &Path| {
                let fifo = d.join("sp ä.yml");
                mkfifo(&fifo);
                std::thread::spawn(move || std::fs::write(fifo, SPEC).unwrap());
            },
            &args,
            0,
        )
        .expect("1 check(s) OK"),
    ];
    run_table(SMOKE, &|_| {}, cases);
}

/// A spec and a closed port: any credential that parses fails at the login, never earlier.
fn smoke_dir(dir: &Path) {
    write(&dir.join("smoke.yml"), SPEC);
}

const LOGIN_FAILS: &str = "cannot log in to the org";

#[test]
fn auth_url_files() {
    let a = |bytes: Vec<u8>| move |d: &Path| write(&d.join("auth ä.txt"), &bytes);
    let args = [
        "--auth-url-file",
        "auth ä.txt",
        "--retries",
        "0",
        "--junit",
        "s.xml",
    ];
    let url = "force://PlatformCLI::5Aep861FAKErefresh@http://127.0.0.1:9";
    let cases = vec![
        case("empty", a(vec![]), &args, 2).expect("--auth-url-file auth ä.txt: the file is empty"),
        case("binary", a(binary(300)), &args, 2)
            .expect("--auth-url-file auth ä.txt: the file is not UTF-8 text"),
        case(
            "not UTF-8",
            a(b"force://PlatformCLI::5Aep\xe9@http://127.0.0.1:9\n".to_vec()),
            &args,
            2,
        )
        .expect("the file is not UTF-8 text"),
        case("BOM", a(bom(&format!("{url}\n"))), &args, 2).expect(LOGIN_FAILS),
        case("CRLF", a(format!("{url}\r\n").into_bytes()), &args, 2).expect(LOGIN_FAILS),
        case(
            "10 MB line",
            a(format!(
                "force://PlatformCLI::{}@http://127.0.0.1:9",
                "a".repeat(TEN_MB)
            )
            .into_bytes()),
            &args,
            2,
        )
        .expect(LOGIN_FAILS),
        case(
            "the JSON of sf org display",
            a(format!("{{\"sfdxAuthUrl\": \"{url}\"}}").into_bytes()),
            &args,
            2,
        )
        .expect("not an SFDX auth URL: it must start with force://"),
        case(
            "deeply nested JSON",
            a(format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes()),
            &args,
            2,
        )
        .expect("not an SFDX auth URL"),
        case(
            "a directory",
            |d: &Path| std::fs::create_dir(d.join("auth ä.txt")).unwrap(),
            &args,
            2,
        )
        .expect("--auth-url-file auth ä.txt: cannot read it"),
        case(
            "looping symbolic link",
            |d: &Path| symlink("auth ä.txt", d.join("auth ä.txt")).unwrap(),
            &args,
            2,
        )
        .expect("--auth-url-file auth ä.txt: cannot read it: Too many levels of symbolic links"),
    ];
    run_table(SMOKE, &smoke_dir, cases);
}

#[test]
fn jwt_key_files() {
    let key = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/org/test-jwt-key.pem"
    ))
    .unwrap();
    let k = |bytes: Vec<u8>| move |d: &Path| write(&d.join("kéy file.pem"), &bytes);
    let args = [
        "--client-id",
        "3MVG9FAKE",
        "--username",
        "u@example.com",
        "--jwt-key-file",
        "kéy file.pem",
        "--login-url",
        "http://127.0.0.1:9",
        "--retries",
        "0",
    ];
    let cases = vec![
        case("empty", k(vec![]), &args, 2).expect("--jwt-key-file kéy file.pem: the file is empty"),
        case("binary", k(binary(2000)), &args, 2)
            .expect("--jwt-key-file kéy file.pem: the file is not UTF-8 text"),
        case(
            "not UTF-8",
            k(b"-----BEGIN PRIVATE KEY-----\nMIIE\xe9\n-----END PRIVATE KEY-----\n".to_vec()),
            &args,
            2,
        )
        .expect("the file is not UTF-8 text"),
        case("BOM", k(bom(&key)), &args, 2).expect(LOGIN_FAILS),
        case("CRLF", k(crlf(&key).into_bytes()), &args, 2).expect(LOGIN_FAILS),
        case(
            "10 MB body",
            k(format!(
                "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
                "A".repeat(TEN_MB)
            )
            .into_bytes()),
            &args,
            2,
        )
        .expect("--jwt-key-file kéy file.pem: not an RSA private key in PEM format"),
        case(
            "not a key",
            k(b"-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n".to_vec()),
            &args,
            2,
        )
        .expect("not an RSA private key in PEM format"),
        case(
            "a directory",
            |d: &Path| std::fs::create_dir(d.join("kéy file.pem")).unwrap(),
            &args,
            2,
        )
        .expect("--jwt-key-file kéy file.pem: cannot read it"),
    ];
    run_table(SMOKE, &smoke_dir, cases);
}

// --- gate deploy-result: deploy/test JSON and Metadata API XML ------------------------------

fn gate_project(dir: &Path) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/gate/project");
    copy(&fixture, dir);
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

fn failed_deploy() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/gate/deploy-failed.json"
    ))
    .unwrap()
}

#[test]
fn deploy_results() {
    let f = |name: &'static str, bytes: Vec<u8>| move |d: &Path| write(&d.join(name), &bytes);
    let dr = |file: &str| vec!["deploy-result".to_string(), file.to_string()];
    let with_args = |mut c: Case, args: Vec<String>| {
        c.args = args;
        c
    };
    let failed = failed_deploy();
    let huge = failed.replacen(
        "\"checkOnly\": true,",
        &format!("\"checkOnly\": true, \"x\": \"{}\",", "a".repeat(TEN_MB)),
        1,
    );
    let soap = |status: &str| {
        format!("<?xml version=\"1.0\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body><checkDeployStatusResponse><result><status>{status}")
    };
    let cases = vec![
        with_args(case("empty", f("e.json", vec![]), &[], 2).expect("e.json: the input is empty"), dr("e.json")),
        with_args(case("binary", f("b.json", binary(3000)), &[], 2).expect("b.json: not JSON or XML"), dr("b.json")),
        with_args(
            case("not UTF-8", f("n.json", b"{\"status\":0,\"result\":{\"status\":\"Succ\xe9eded\"}}".to_vec()), &[], 2)
                .expect("n.json:1:"),
            dr("n.json"),
        ),
        with_args(case("BOM", f("bom.json", bom(&failed)), &[], 1).expect("AccountService"), dr("bom.json")),
        with_args(case("CRLF", f("crlf.json", crlf(&failed).into_bytes()), &[], 1).expect("AccountService"), dr("crlf.json")),
        with_args(case("10 MB line", f("huge.json", huge.clone().into_bytes()), &[], 1).expect("AccountService"), dr("huge.json")),
        with_args(
            case("deeply nested JSON", f("deep.json", format!("{{\"status\":0,\"result\":{{\"details\":{}{}}}}}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes()), &[], 2)
                .expect("deep.json"),
            dr("deep.json"),
        ),
        with_args(
            case("truncated JSON", f("cut.json", failed.as_bytes()[..failed.len() / 2].to_vec()), &[], 2)
                .expect("cut.json:"),
            dr("cut.json"),
        ),
        with_args(
            case("truncated SOAP XML", f("cut.xml", soap("Succ").into_bytes()), &[], 2)
                .expect("cut.xml:1:1: invalid XML"),
            dr("cut.xml"),
        ),
        with_args(
            case("deeply nested XML", f("deep.xml", format!("<?xml version=\"1.0\"?>{}{}", "<a>".repeat(100_000), "</a>".repeat(100_000)).into_bytes()), &[], 2)
                .expect("deep.xml"),
            dr("deep.xml"),
        ),
        with_args(
            case("XML with a DTD (billion laughs)", f("lol.xml", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><x>&b;</x>".as_bytes().to_vec()), &[], 2)
                .expect("lol.xml:1:1: invalid XML: XML with DTD detected"),
            dr("lol.xml"),
        ),
        with_args(
            case("binary XML-looking", f("bin.xml", [b"<?xml version=\"1.0\"?>".to_vec(), binary(2000)].concat()), &[], 2)
                .expect("bin.xml"),
            dr("bin.xml"),
        ),
        with_args(
            case("spaces and unicode in the name", f("dé ploy.json", failed.clone().into_bytes()), &[], 1)
                .expect("AccountService"),
            dr("dé ploy.json"),
        ),
        with_args(
            case("a directory", |d: &Path| std::fs::create_dir(d.join("dir.json")).unwrap(), &[], 2)
                .expect("cannot read dir.json"),
            dr("dir.json"),
        ),
        with_args(
            case("looping symbolic link", |d: &Path| symlink("l.json", d.join("l.json")).unwrap(), &[], 2)
                .expect("cannot read l.json: Too many levels of symbolic links"),
            dr("l.json"),
        ),
        with_args(
            case("a FIFO with a writer (process substitution)", move |d: &Path| {
                let fifo = d.join("fifo.json");
                mkfifo(&fifo);
                let text = failed_deploy();
                std::thread::spawn(move || std::fs::write(fifo, text).unwrap());
            }, &[], 1)
            .expect("AccountService"),
            dr("fifo.json"),
        ),
        with_args(case("stdin empty", |_: &Path| {}, &[], 2).stdin("").expect("stdin: the input is empty"), dr("-")),
        with_args(case("stdin binary", |_: &Path| {}, &[], 2).stdin(binary(500)).expect("stdin: not JSON or XML"), dr("-")),
        with_args(case("stdin BOM and CRLF", |_: &Path| {}, &[], 1).stdin(bom(&crlf(&failed))).expect("AccountService"), dr("-")),
    ];
    run_table(GATE, &gate_project, cases);
}
