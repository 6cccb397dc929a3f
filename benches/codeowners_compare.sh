#!/usr/bin/env bash
# `codeowners-check owners` against the npm and PyPI `codeowners` packages, on the same rules.
#
#   benches/codeowners_compare.sh                       # 5,000 rules, 1,000,000 paths (issue 4)
#   benches/codeowners_compare.sh --rules 1000 --paths 100000
#   benches/codeowners_compare.sh --skip-sfci           # only the two packages (no cargo build)
#   benches/codeowners_compare.sh --skip-npm --skip-pypi
#   benches/codeowners_compare.sh --gitlab              # also time sfci on the GitLab-sections file
#
# Options: --rules N (5000), --paths M (1000000), --seed S, --npm-sample K (2000),
# --pypi-sample K (20000), --skip-npm, --skip-pypi, --skip-sfci, --gitlab.
# Environment: CO_BENCH (work dir, default /tmp/co-bench), NPM_CODEOWNERS_VERSION (default 5),
# PYPI_CODEOWNERS_VERSION (default 0.9.*), CODEOWNERS_CHECK (a codeowners-check binary to use
# instead of building target/release/codeowners-check).
#
# The packages are slow (milliseconds per path), so they answer an evenly spaced sample of the
# paths (the npm sample is a subset of the PyPI sample); sfci answers all of them, once, under
# GNU time (wall time from date(1), max RSS from `time -v`). Answers are compared on the samples.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RULES=5000
PATHS=1000000
SEED=20240611
NPM_SAMPLE=2000
PYPI_SAMPLE=20000
RUN_NPM=1
RUN_PYPI=1
RUN_SFCI=1
RUN_GITLAB=0
while [ $# -gt 0 ]; do
    case "$1" in
        --rules) RULES=$2; shift 2 ;;
        --paths) PATHS=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        --npm-sample) NPM_SAMPLE=$2; shift 2 ;;
        --pypi-sample) PYPI_SAMPLE=$2; shift 2 ;;
        --skip-npm) RUN_NPM=0; shift ;;
        --skip-pypi) RUN_PYPI=0; shift ;;
        --skip-sfci) RUN_SFCI=0; shift ;;
        --gitlab) RUN_GITLAB=1; shift ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
CO_BENCH=${CO_BENCH:-/tmp/co-bench}
NPM_DIR=$CO_BENCH/npm
VENV=$CO_BENCH/venv
CORPUS=$CO_BENCH/corpus-github-r$RULES-p$PATHS-s$SEED
CORPUS_GL=$CO_BENCH/corpus-gitlab-r$RULES-p$PATHS-s$SEED
RESULTS=$CO_BENCH/results
NPM_VERSION=${NPM_CODEOWNERS_VERSION:-5}
PYPI_VERSION=${PYPI_CODEOWNERS_VERSION:-0.9.*}
mkdir -p "$CO_BENCH" "$RESULTS"
rm -f "$RESULTS"/npm.json "$RESULTS"/pypi.json "$RESULTS"/sfci.json "$RESULTS"/sfci-gitlab.json \
      "$RESULTS"/sfci.status "$RESULTS"/sfci-gitlab.status

log() { printf '==> %s\n' "$*" >&2; }

# --- prerequisites -------------------------------------------------------------------------
if [ "$RUN_SFCI" = 1 ] && ! /usr/bin/time -v true >/dev/null 2>&1; then
    log "installing GNU time (Debian package 'time')"
    if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq time >/dev/null
    else sudo apt-get update -qq && sudo apt-get install -y -qq time >/dev/null; fi
fi
if [ "$RUN_NPM" = 1 ] && [ ! -f "$NPM_DIR/node_modules/codeowners/package.json" ]; then
    command -v npm >/dev/null || { echo "node and npm are required for the npm package (or --skip-npm)" >&2; exit 2; }
    log "installing npm codeowners@$NPM_VERSION into $NPM_DIR"
    mkdir -p "$NPM_DIR"
    [ -f "$NPM_DIR/package.json" ] || (cd "$NPM_DIR" && npm init -y >/dev/null 2>&1)
    (cd "$NPM_DIR" && npm install --no-audit --no-fund --loglevel=error "codeowners@$NPM_VERSION" >/dev/null)
fi
if [ "$RUN_PYPI" = 1 ] && [ ! -x "$VENV/bin/python" ]; then
    log "creating $VENV"
    python3 -m venv "$VENV"
fi
if [ "$RUN_PYPI" = 1 ] && ! "$VENV/bin/python" -c 'import codeowners' 2>/dev/null; then
    log "installing PyPI codeowners==$PYPI_VERSION into $VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check "codeowners==$PYPI_VERSION"
fi
NPM_PKG_VERSION=$( [ "$RUN_NPM" = 1 ] && node -p "require('$NPM_DIR/node_modules/codeowners/package.json').version" || echo -)
PYPI_PKG_VERSION=$( [ "$RUN_PYPI" = 1 ] && "$VENV/bin/python" -c 'from importlib.metadata import version; print(version("codeowners"))' || echo -)

# --- corpus --------------------------------------------------------------------------------
gen() {  # gen DIR DIALECT
    if [ ! -f "$1/manifest.json" ] || [ ! -f "$1/paths.txt" ]; then
        log "generating $RULES rules ($2) and $PATHS paths into $1"
        rm -rf "$1"
        python3 "$REPO/benches/codeowners_gen.py" --rules "$RULES" --paths "$PATHS" --seed "$SEED" \
            --dialect "$2" "$1" >&2
    fi
}
gen "$CORPUS" github
if [ "$RUN_GITLAB" = 1 ]; then gen "$CORPUS_GL" gitlab; fi

# Evenly spaced samples; the npm sample is every (PYPI_SAMPLE/NPM_SAMPLE)-th path of the PyPI one.
python3 - "$CORPUS/paths.txt" "$PYPI_SAMPLE" "$NPM_SAMPLE" "$RESULTS" <<'PY'
import sys
paths_file, k_pypi, k_npm, results = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
paths = open(paths_file).read().split("\n")[:-1]
def sample(seq, k):
    k = min(k, len(seq))
    return [seq[i * len(seq) // k] for i in range(k)] if k else []
pypi = sample(paths, k_pypi)
npm = sample(pypi, k_npm)
open(f"{results}/sample-pypi.txt", "w").write("".join(p + "\n" for p in pypi))
open(f"{results}/sample-npm.txt", "w").write("".join(p + "\n" for p in npm))
PY
log "load average before measuring: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores; close other work for clean figures)"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# --- (a) npm codeowners --------------------------------------------------------------------
if [ "$RUN_NPM" = 1 ]; then
    cat >"$CO_BENCH/bench-npm.js" <<'JS'
// node bench-npm.js NPM_DIR CORPUS_DIR SAMPLE OUT: time getOwner() over the sample.
const fs = require('fs');
const path = require('path');
const [, , npmDir, corpusDir, sampleFile, outFile] = process.argv;
const Codeowners = require(path.join(npmDir, 'node_modules', 'codeowners'));
const version = require(path.join(npmDir, 'node_modules', 'codeowners', 'package.json')).version;
const paths = fs.readFileSync(sampleFile, 'utf8').split('\n').filter(Boolean);
const t0 = process.hrtime.bigint();
// The first argument is a directory: the package looks for .github/, .gitlab/, docs/ and then
// the directory itself, walking up; the second is the file name.
const co = new Codeowners(corpusDir, 'CODEOWNERS');
const t1 = process.hrtime.bigint();
const answers = new Array(paths.length);
for (let i = 0; i < paths.length; i++) answers[i] = [paths[i], co.getOwner(paths[i])];
const t2 = process.hrtime.bigint();
const setupMs = Number(t1 - t0) / 1e6;
const totalMs = Number(t2 - t1) / 1e6;
fs.writeFileSync(outFile, JSON.stringify({
  tool: 'npm codeowners', version, file: co.codeownersFilePath, paths: paths.length,
  setup_ms: setupMs, total_ms: totalMs, ms_per_path: totalMs / paths.length, answers,
}));
console.error(`npm codeowners ${version}: setup ${setupMs.toFixed(0)} ms, ${paths.length} paths in ` +
  `${(totalMs / 1000).toFixed(2)} s = ${(totalMs / paths.length).toFixed(3)} ms/path`);
JS
    log "(a) npm codeowners $NPM_PKG_VERSION: getOwner() on $(wc -l <"$RESULTS/sample-npm.txt") paths"
    node "$CO_BENCH/bench-npm.js" "$NPM_DIR" "$CORPUS" "$RESULTS/sample-npm.txt" "$RESULTS/npm.json"
fi

# --- (b) PyPI codeowners -------------------------------------------------------------------
if [ "$RUN_PYPI" = 1 ]; then
    cat >"$CO_BENCH/bench-pypi.py" <<'PY'
# python bench-pypi.py CODEOWNERS SAMPLE OUT: time CodeOwners(text).of(path) over the sample.
import json, sys, time
from importlib.metadata import version
from codeowners import CodeOwners
co_file, sample_file, out_file = sys.argv[1:4]
paths = open(sample_file).read().split("\n")[:-1]
text = open(co_file).read()
t0 = time.perf_counter()
co = CodeOwners(text)
t1 = time.perf_counter()
# of() returns (kind, owner) tuples: ("TEAM", "@org/team"), ("USERNAME", "@u"), ("EMAIL", "a@b").
answers = [(p, co.of(p)) for p in paths]
t2 = time.perf_counter()
answers = [(p, [o for _, o in owners]) for p, owners in answers]
ms = (t2 - t1) * 1000
json.dump({"tool": "PyPI codeowners", "version": version("codeowners"), "paths": len(paths),
           "setup_ms": (t1 - t0) * 1000, "total_ms": ms, "ms_per_path": ms / len(paths),
           "answers": answers}, open(out_file, "w"))
print("PyPI codeowners %s: setup %.0f ms, %d paths in %.2f s = %.3f ms/path"
      % (version("codeowners"), (t1 - t0) * 1000, len(paths), ms / 1000, ms / len(paths)), file=sys.stderr)
PY
    log "(b) PyPI codeowners $PYPI_PKG_VERSION: CodeOwners(text).of() on $(wc -l <"$RESULTS/sample-pypi.txt") paths"
    "$VENV/bin/python" "$CO_BENCH/bench-pypi.py" "$CORPUS/CODEOWNERS" "$RESULTS/sample-pypi.txt" "$RESULTS/pypi.json"
fi

# --- the packages on hmarr/codeowners' pattern assertions (GitHub semantics) ---------------
HMARR=${HMARR_PATTERNS:-$REPO/../shared/fixtures/codeowners/hmarr-patterns.json}
if [ -f "$HMARR" ] && { [ "$RUN_NPM" = 1 ] || [ "$RUN_PYPI" = 1 ]; }; then
    log "the packages on $(basename "$HMARR") (one single-rule CODEOWNERS per pattern)"
    if [ "$RUN_NPM" = 1 ]; then
        node - "$NPM_DIR" "$HMARR" "$CO_BENCH/hmarr-npm" >"$RESULTS/hmarr-npm.txt" <<'JS'
const fs = require('fs'), path = require('path');
const [npmDir, file, dir] = process.argv.slice(2);
const Codeowners = require(path.join(npmDir, 'node_modules', 'codeowners'));
let ok = 0, bad = [];
for (const t of JSON.parse(fs.readFileSync(file))) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'CODEOWNERS'), `${t.pattern} @o\n`);
  const co = new Codeowners(dir, 'CODEOWNERS');
  for (const [p, want] of Object.entries(t.paths)) {
    if ((co.getOwner(p).length > 0) === want) ok++; else bad.push(`  ${t.pattern}  ${p}: GitHub ${want}, npm ${!want}`);
  }
}
console.log(`npm codeowners: ${ok}/${ok + bad.length} assertions hold`); bad.forEach((b) => console.log(b));
JS
        cat "$RESULTS/hmarr-npm.txt" >&2
    fi
    if [ "$RUN_PYPI" = 1 ]; then
        "$VENV/bin/python" - "$HMARR" >"$RESULTS/hmarr-pypi.txt" <<'PY'
import json, sys
from codeowners import CodeOwners
ok, bad = 0, []
for t in json.load(open(sys.argv[1])):
    co = CodeOwners(t["pattern"] + " @o\n")
    for p, want in t["paths"].items():
        if bool(co.of(p)) == want: ok += 1
        else: bad.append(f"  {t['pattern']}  {p}: GitHub {str(want).lower()}, PyPI {str(not want).lower()}")
print(f"PyPI codeowners: {ok}/{ok + len(bad)} assertions hold"); print("\n".join(bad))
PY
        cat "$RESULTS/hmarr-pypi.txt" >&2
    fi
fi

# --- (c) sfci codeowners-check owners ------------------------------------------------------
BIN=${CODEOWNERS_CHECK:-$REPO/target/release/codeowners-check}
sfci_run() {  # sfci_run NAME DIALECT CORPUS_DIR: all paths through `owners -`, once, under GNU time
    local name=$1 dialect=$2 dir=$3 rc=0 t0 t1
    log "(c) $name: codeowners-check owners - --codeowners $dir/CODEOWNERS --dialect $dialect < $(wc -l <"$dir/paths.txt") paths"
    t0=$(date +%s.%N)
    /usr/bin/time -v -o "$RESULTS/$name.time" "$BIN" owners - --codeowners "$dir/CODEOWNERS" \
        --dialect "$dialect" --json "$RESULTS/$name.json" <"$dir/paths.txt" \
        >/dev/null 2>"$RESULTS/$name.stderr" || rc=$?
    t1=$(date +%s.%N)
    if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
        echo "sfci: codeowners-check owners exited with status $rc; see $RESULTS/$name.stderr:" >&2
        tail -n 5 "$RESULTS/$name.stderr" >&2
        echo "unavailable: exit $rc" >"$RESULTS/$name.status"
        rm -f "$RESULTS/$name.json"
        return 0
    fi
    if [ ! -s "$RESULTS/$name.json" ]; then
        echo "sfci: codeowners-check owners exited with status $rc but wrote no $RESULTS/$name.json; see $RESULTS/$name.stderr:" >&2
        tail -n 5 "$RESULTS/$name.stderr" >&2
        echo "unavailable: exit $rc without JSON" >"$RESULTS/$name.status"
        return 0
    fi
    local wall rss
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$RESULTS/$name.time")
    echo "ok $rc $wall $rss" >"$RESULTS/$name.status"
    log "$name: exit $rc, wall ${wall}s, max RSS ${rss} KiB"
}
if [ "$RUN_SFCI" = 1 ]; then
    if [ -n "${CODEOWNERS_CHECK:-}" ]; then
        log "using CODEOWNERS_CHECK=$BIN (no cargo build)"
    else
        log "building codeowners-check (cargo build --release)"
    fi
    if [ -z "${CODEOWNERS_CHECK:-}" ] && \
       ! (cd "$REPO" && cargo build --release --quiet --bin codeowners-check) 2>"$RESULTS/build.stderr"; then
        echo "sfci: 'cargo build --release --bin codeowners-check' failed (not written yet?);" \
             "reporting the packages only. See $RESULTS/build.stderr" >&2
        tail -n 3 "$RESULTS/build.stderr" >&2
        echo "unavailable: build failed" >"$RESULTS/sfci.status"
    elif ! "$BIN" owners --help >/dev/null 2>&1; then
        echo "sfci: $BIN has no 'owners' subcommand yet; reporting the packages only" >&2
        echo "unavailable: no owners subcommand" >"$RESULTS/sfci.status"
    else
        sfci_run sfci github "$CORPUS"
        if [ "$RUN_GITLAB" = 1 ]; then sfci_run sfci-gitlab gitlab "$CORPUS_GL"; fi
    fi
fi

# --- report --------------------------------------------------------------------------------
REPORT_PY=python3
[ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import codeowners' 2>/dev/null && REPORT_PY="$VENV/bin/python"
"$REPORT_PY" - "$CORPUS" "$RESULTS" "$LOAD_BEFORE" <<'PY'
import json, os, sys
corpus, results, load = sys.argv[1:4]
manifest = json.load(open(os.path.join(corpus, "manifest.json")))
co_lines = open(os.path.join(corpus, "CODEOWNERS")).read().split("\n")
n_paths = manifest["paths"]

def load_json(name):
    p = os.path.join(results, name)
    return json.load(open(p)) if os.path.exists(p) else None

def status(name):
    p = os.path.join(results, name + ".status")
    return open(p).read().split() if os.path.exists(p) else None

npm, pypi = load_json("npm.json"), load_json("pypi.json")
rows = []   # (tool, paths, per-path ms, note)
for r in (npm, pypi):
    if r:
        rows.append((f"{r['tool']} {r['version']}", r["paths"], r["ms_per_path"],
                     f"setup {r['setup_ms']:.0f} ms, {r['total_ms'] / 1000:.1f} s for the sample"))
pkg_best = min((r for r in (npm, pypi) if r), key=lambda r: r["ms_per_path"], default=None)

sfci = {}   # path -> (owners, line) for the sampled paths
sfci_stats = {}
for name, label in (("sfci", "codeowners-check (github)"), ("sfci-gitlab", "codeowners-check (gitlab)")):
    st = status(name)
    if not st:
        continue
    if st[0] != "ok":
        print(f"\n{label}: {' '.join(st)} — its row is missing")
        continue
    _, rc, wall, rss = st
    wall, rss_mb = float(wall), int(rss) / 1024
    try:
        out = load_json(name + ".json")
    except ValueError as e:
        out = None
        print(f"\n{label}: {results}/{name}.json is not JSON ({e})")
    n_out = len(out) if isinstance(out, list) else None
    if n_out != n_paths:
        print(f"\n{label}: WARNING: the JSON has {n_out} entries for {n_paths} paths")
    sfci_stats[name] = {"exit": int(rc), "wall_s": wall, "max_rss_mb": rss_mb, "entries": n_out}
    rows.append((label, n_paths, wall * 1000 / n_paths,
                 f"wall {wall:.3f} s, max RSS {rss_mb:.0f} MB, exit {rc}, {n_out} JSON entries"))
    if name == "sfci" and n_out:
        want = set(p for p, _ in (pypi or npm or {"answers": []})["answers"])
        for e in out:
            if e.get("path") in want:
                sfci[e["path"]] = (e.get("owners") or [], e.get("line"))
    del out

print()
print(f"corpus: {corpus} — {manifest['rules']} rules ({manifest['dialect']}), {n_paths} paths; "
      f"load average before: {load}")
print()
print("| tool | paths timed | per path | speed-up vs the faster package | note |")
print("|---|---:|---:|---:|---|")
for tool, n, ms, note in rows:
    per = f"{ms * 1000:.3f} µs" if tool.startswith("codeowners-check") else f"{ms:.3f} ms"
    up = pkg_best["ms_per_path"] / ms if pkg_best and ms else None
    up = "-" if up is None else f"{up:,.0f}×" if up >= 10 else f"{up:.2f}×"
    print(f"| {tool} | {n:,} | {per} | {up} | {note} |")
summary = {"corpus": corpus, "manifest": manifest, "load_before": load,
           "rows": [{"tool": t, "paths": n, "ms_per_path": ms, "note": note} for t, n, ms, note in rows],
           "sfci": sfci_stats}
if "sfci" in sfci_stats:
    s = sfci_stats["sfci"]
    print()
    scale = 1_000_000 / n_paths
    print(f"target: <= 2 s for 1,000,000 paths: {s['wall_s'] * scale:.3f} s "
          f"({'met' if s['wall_s'] * scale <= 2 else 'NOT met'}){' (scaled)' if scale != 1 else ''}")
    print(f"target: <= 500 MB: {s['max_rss_mb']:.0f} MB ({'met' if s['max_rss_mb'] <= 500 else 'NOT met'})")
    if pkg_best:
        up = pkg_best["ms_per_path"] / (s["wall_s"] * 1000 / n_paths)
        print(f"target: >= 100x faster per path than {pkg_best['tool']}: {up:,.0f}x "
              f"({'met' if up >= 100 else 'NOT met'})")
        summary["speedup_vs_faster_package"] = up

# Answers. Owners compare as sets (order and duplicates ignored).
def norm(o):
    return tuple(sorted(set(o)))

pypi_co = None
try:
    from codeowners import CodeOwners
    pypi_co = CodeOwners("\n".join(co_lines))
except ImportError:
    pass

def pypi_line(p):
    return pypi_co.matching_line(p)[1] if pypi_co else None

def rule_text(line):
    return co_lines[line - 1].strip() if line and 0 < line <= len(co_lines) else "(no rule)"

def shape(line):
    """The deciding rule's pattern with plain names replaced by N: `/apps/N/N/v?/`."""
    if not line:
        return "(no rule)"
    text = rule_text(line)
    pat = text.split()[0] if text.split() else text
    segs = ["N" if s and not any(c in s for c in "*?[]!\\") else s for s in pat.split("/")]
    return "/".join(segs) + ("  + inline comment" if " #" in text else "")

def compare(name_a, ans_a, name_b, ans_b, ref_line, ref_name):
    common = [p for p in ans_a if p in ans_b]
    if not common:
        return None
    bad = [p for p in common if norm(ans_a[p]) != norm(ans_b[p])]
    rate = 100.0 * (len(common) - len(bad)) / len(common)
    print(f"\n{name_a} vs {name_b}: {len(common) - len(bad):,}/{len(common):,} paths agree ({rate:.2f} %)")
    groups = {}
    for p in bad:
        groups.setdefault(shape(ref_line(p)), []).append(p)
    if bad:
        print(f"  disagreements by the shape of the rule that decides ({ref_name}'s view), most frequent first:")
        for key, ps in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:12]:
            print(f"  {len(ps):6,} × {key}")
            for p in ps[:2]:
                line = ref_line(p)
                print(f"           e.g. {p}  (line {line}: {rule_text(line)})")
                print(f"                {name_a} {list(ans_a[p])}  {name_b} {list(ans_b[p])}")
        if len(groups) > 12:
            print(f"  … and {len(groups) - 12} more shapes")
    return {"a": name_a, "b": name_b, "compared": len(common), "agree": len(common) - len(bad),
            "rate": rate, "by_shape": {k: len(v) for k, v in groups.items()},
            "first": [{"path": p, name_a: list(ans_a[p]), name_b: list(ans_b[p])} for p in bad[:20]]}

ans_npm = {p: o for p, o in npm["answers"]} if npm else {}
ans_pypi = {p: o for p, o in pypi["answers"]} if pypi else {}
ans_sfci = {p: o for p, (o, _) in sfci.items()}
sfci_line = lambda p: sfci[p][1] if p in sfci else None
summary["agreement"] = [c for c in (
    compare("npm", ans_npm, "sfci", ans_sfci, sfci_line, "sfci"),
    compare("PyPI", ans_pypi, "sfci", ans_sfci, sfci_line, "sfci"),
    compare("npm", ans_npm, "PyPI", ans_pypi, pypi_line, "PyPI"),
) if c]
if ans_pypi or ans_sfci:
    ref = ans_sfci or ans_pypi
    unowned = sum(1 for o in ref.values() if not o)
    print(f"\nunowned in the sample ({'sfci' if ans_sfci else 'PyPI'}): {unowned:,}/{len(ref):,} "
          f"({100.0 * unowned / len(ref):.1f} %)")
json.dump(summary, open(os.path.join(results, "results.json"), "w"), indent=2)
print(f"\nraw outputs, samples and results.json: {results}")
PY
