#!/usr/bin/env bash
# Growth of lint-callout-mocks' run time with the size of the input (issue 12, "Targets").
#
#   benches/lint_growth.sh                        # both series, median of 5 runs per size
#   RUN_LIMIT=30 benches/lint_growth.sh           # stop a run after 30 s
#   benches/lint_growth.sh --only cycle --impls "250 500"
#
# Series (a): benches/gen_corpus.py --no-metadata corpora of --classes "2500 5000 10000" classes.
# Series (b): benches/gen_interface_cycle.py corpora: one call cycle through an interface with
# --impls "250 500 1000" implementations. For each size: one probe run under GNU time (peak
# RSS, exit status, RUN_LIMIT), then --runs (default 5) timed runs with hyperfine (or a loop when
# hyperfine is missing); the table gives the median, the time per class (a) or per
# implementation (b), and its ratio to the next smaller size's (target: <= 2).
# Environment: SFCI_BIN (default: cargo build --release in this repository), RUN_LIMIT (seconds
# per run, default 600), MEM_LIMIT_MB (virtual-memory cap per run, default 8192, 0 = none),
# WORK (corpora and results, default /tmp/sfci-growth), HYPERFINE (path; empty: time with a loop).
# Exit status: 0 when the report was printed (whatever the runs did), 2 when it could not run.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZES_A="2500 5000 10000"
SIZES_B="250 500 1000"
RUNS=5
ONLY=
while [ $# -gt 0 ]; do
    case "$1" in
        --classes) SIZES_A=$2; shift 2 ;;
        --impls) SIZES_B=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --only) ONLY=$2; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
case "$ONLY" in ""|corpus|cycle) ;; *) echo "--only takes corpus or cycle" >&2; exit 2 ;; esac
RUN_LIMIT=${RUN_LIMIT:-600}
export MEM_LIMIT_MB=${MEM_LIMIT_MB:-8192}
WORK=${WORK:-/tmp/sfci-growth}
case "$WORK/" in "$REPO"/*) echo "WORK must be outside the repository" >&2; exit 2 ;; esac
RESULTS="$WORK/results"
mkdir -p "$RESULTS"
ROWS="$RESULTS/rows.tsv"

# shellcheck source=benches/lib.sh
. "$REPO/benches/lib.sh"

ensure_gnu_time
ensure_sfci_bin lint-callout-mocks
HYPERFINE=${HYPERFINE-$(command -v hyperfine || true)}  # HYPERFINE= (empty) times with a loop
[ -n "$HYPERFINE" ] || log "hyperfine not found (apt-get install -y hyperfine): timing with a loop"

# series, size, unit count, exit, timed out, probe wall s, peak RSS KiB, median s, min s, max s,
# timed runs, load before, prefix
printf 'series\tsize\tunits\trc\ttimed_out\tprobe_s\trss_kb\tmedian_s\tmin_s\tmax_s\truns\tload\tprefix\n' >"$ROWS"

# corpus SERIES SIZE: generates (or reuses) the corpus and prints its directory.
corpus() {
    local series=$1 size=$2 dir
    if [ "$series" = corpus ]; then
        dir="$WORK/corpus-$size"
        # Reuse only a complete corpus of this size without metadata (the manifest is written last).
        if ! python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); sys.exit(not (m["classes"] == int(sys.argv[2]) and "metadata" not in m))' \
            "$dir/corpus-manifest.json" "$size" 2>/dev/null; then
            log "generating $dir (gen_corpus.py --no-metadata --classes $size)"
            rm -rf "$dir"
            python3 "$REPO/benches/gen_corpus.py" --no-metadata --classes "$size" "$dir" >&2
        fi
    else
        dir="$WORK/cycle-$size"
        if [ ! -f "$dir/cycle-manifest.json" ]; then
            log "generating $dir (gen_interface_cycle.py --impls $size)"
            rm -rf "$dir"
            python3 "$REPO/benches/gen_interface_cycle.py" --impls "$size" "$dir" >&2
        fi
    fi
    printf '%s\n' "$dir"
}

measure() {
    local series=$1 size=$2 dir prefix load median=- min=- max=- done_runs=0
    dir=$(corpus "$series" "$size")
    prefix="$RESULTS/$series-$size"
    load=$(load_avg)
    log "$series $size: probe run (limit ${RUN_LIMIT}s, load $load)"
    timed_run "$RUN_LIMIT" "$prefix.probe" "$SFCI_BIN" "$dir" --json "$prefix.json"
    log "  exit $RUN_RC, ${RUN_WALL}s, ${RUN_RSS_KB} KiB"
    local rc=$RUN_RC timed_out=$RUN_TIMED_OUT probe=$RUN_WALL rss=$RUN_RSS_KB
    if [ "$timed_out" = 0 ] && { [ "$rc" = 0 ] || [ "$rc" = 1 ]; }; then
        log "  $RUNS timed runs"
        if [ -n "$HYPERFINE" ]; then
            # -N: no shell in between; -i: exit 1 (findings) is a normal run. Each run keeps the limit.
            "$HYPERFINE" -N -i --runs "$RUNS" --style none --export-json "$prefix.hyperfine.json" \
                "timeout -k 5 $RUN_LIMIT $SFCI_BIN $dir --json $prefix.json" >"$prefix.hyperfine.out" 2>&1 || true
            read -r median min max done_runs < <(python3 - "$prefix.hyperfine.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
codes = r.get("exit_codes", [])
ok = sum(1 for c in codes if c in (0, 1)) if codes else len(r["times"])
print("%.4f %.4f %.4f %d" % (r["median"], r["min"], r["max"], ok))
PY
            ) || true
        else
            local times=() i
            for ((i = 0; i < RUNS; i++)); do
                timed_run "$RUN_LIMIT" "$prefix.run$i" "$SFCI_BIN" "$dir" --json "$prefix.json"
                if [ "$RUN_RC" = 0 ] || [ "$RUN_RC" = 1 ]; then times+=("$RUN_WALL"); fi
            done
            if [ "${#times[@]}" -gt 0 ]; then
                read -r median min max done_runs < <(printf '%s\n' "${times[@]}" | sort -g | awk '
                    { t[NR] = $1 } END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2;
                                         printf "%.4f %.4f %.4f %d\n", m, t[1], t[NR], NR }') || true
            fi
        fi
    fi
    median=${median:--} min=${min:--} max=${max:--} done_runs=${done_runs:-0}
    # Time per class (a) or per implementation (b): both are the generator's size argument.
    local units=$size
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$series" "$size" "$units" "$rc" \
        "$timed_out" "$probe" "$rss" "$median" "$min" "$max" "$done_runs" "$load" "$prefix" >>"$ROWS"
}

if [ "$ONLY" != cycle ]; then
    for size in $SIZES_A; do measure corpus "$size"; done
fi
if [ "$ONLY" != corpus ]; then
    for size in $SIZES_B; do measure cycle "$size"; done
fi

python3 - "$ROWS" "$RUN_LIMIT" "$RUNS" "$MEM_LIMIT_MB" "$SFCI_BIN" "$RESULTS" "${HYPERFINE:-loop}" <<'PY'
import json, os, sys

rows_tsv, limit, runs, mem_limit, sfci_bin, results, timer = sys.argv[1:8]
lines = open(rows_tsv).read().splitlines()
head = lines[0].split("\t")
rows = [dict(zip(head, l.split("\t"))) for l in lines[1:]]
TITLE = {"corpus": ("gen_corpus.py --no-metadata", "classes", "class"),
         "cycle": ("gen_interface_cycle.py: one cycle through IStep", "implementations", "implementation")}


def status(r):
    rc = int(r["rc"])
    if r["timed_out"] == "1":
        return "did not finish in %s s" % limit
    err = open(r["prefix"] + ".probe.stderr", errors="replace").read()
    if "memory allocation" in err and "failed" in err:
        return "%d: out of memory (MEM_LIMIT_MB=%s)" % (rc, mem_limit)
    if rc > 128:
        return "%d: killed by signal %d" % (rc, rc - 128)
    if rc not in (0, 1):
        return "%d: %s" % (rc, (err.strip().splitlines() or ["(no stderr)"])[-1][:80])
    if int(r["runs"]) < int(runs):
        return "%d (only %s of %s timed runs completed)" % (rc, r["runs"], runs)
    return str(rc)


print()
print("lint-callout-mocks: %s" % sfci_bin)
print("median of %s runs (%s) after one probe run; limit per run %s s; virtual memory cap %s"
      % (runs, os.path.basename(timer), limit, "none" if mem_limit == "0" else mem_limit + " MB"))
out = []
for series in ("corpus", "cycle"):
    rs = [r for r in rows if r["series"] == series]
    if not rs:
        continue
    title, units, unit = TITLE[series]
    print()
    print("%s" % title)
    print()
    print("| %s | classes (tool) | median wall s (min-max) | per %s ms | ratio to previous size | peak RSS MiB | exit | load before |" % (units, unit))
    print("|---:|---:|---|---:|---|---:|---|---:|")
    prev = None
    for r in rs:
        summ = {}
        path = r["prefix"] + ".json"
        if r["timed_out"] == "0" and os.path.isfile(path):
            try:
                summ = json.load(open(path)).get("summary", {})
            except ValueError:
                pass
        per = None
        if r["median_s"] != "-":
            med = float(r["median_s"])
            per = med / int(r["units"]) * 1000
            wall = "%.3f (%.3f-%.3f)" % (med, float(r["min_s"]), float(r["max_s"]))
        elif r["timed_out"] == "1":
            wall = "> %s" % limit
        else:
            wall = "-"
        if per is not None and prev is not None:
            ratio = per / prev
            verdict = "%.2fx %s" % (ratio, "ok" if ratio <= 2 else "MISSED (> 2x)")
        elif prev is None and per is not None:
            verdict = "(smallest)" if r is rs[0] else "n/a (smaller size did not finish)"
        else:
            verdict = "n/a"
        rss = int(r["rss_kb"]) / 1024
        print("| %s | %s | %s | %s | %s | %.1f%s | %s | %s |" % (
            r["size"], summ.get("classes", "-"), wall, "-" if per is None else "%.3f" % per, verdict,
            rss, " (when stopped)" if r["timed_out"] == "1" else "", status(r), r["load"]))
        out.append({"series": series, "size": int(r["size"]), "exit": int(r["rc"]),
                    "finished": r["timed_out"] == "0", "median_s": None if per is None else float(r["median_s"]),
                    "per_unit_ms": per, "peak_rss_mib": rss, "classes": summ.get("classes")})
        prev = per
json.dump({"limit_s": int(limit), "runs": int(runs), "rows": out}, open(os.path.join(results, "results.json"), "w"), indent=2)
print()
print("raw outputs (JSON reports, hyperfine exports, GNU time): %s" % results)
PY
