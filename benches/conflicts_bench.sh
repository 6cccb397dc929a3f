#!/usr/bin/env bash
# validate-deps --conflicts on 200 open changes (50 teams × 4 branches, every one editing the
# shared Profile; one class conflict and one broken reference per team), under GNU time for
# wall time and peak memory. Not run in CI.
#
#   benches/conflicts_bench.sh                       # 50 teams × 4 branches × 40 classes
#   benches/conflicts_bench.sh --teams 100 --branches 4
#
# A second run adds --integrate (the nightly integration build: every change merged onto the
# ones before it, merge-tree + commit-tree per change, sequential) and reports its cost.
#
# Target (issue 17): 200 open merge requests analysed in seconds, not minutes.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TEAMS=50
BRANCHES=4
while [ $# -gt 0 ]; do
    case "$1" in
        --teams) TEAMS=$2; shift 2 ;;
        --branches) BRANCHES=$2; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
CORPUS=${CORPUS:-/tmp/sfci-conflicts-corpus-$TEAMS-$BRANCHES}
if ! /usr/bin/time -v true >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
(cd "$REPO" && cargo build --release --quiet --bin validate-deps)
BIN="$REPO/target/release/validate-deps"
if [ ! -d "$CORPUS/.git" ]; then
    rm -rf "$CORPUS"
    python3 "$REPO/benches/gen_conflicts.py" --teams "$TEAMS" --branches "$BRANCHES" "$CORPUS" >&2
fi
mapfile -t branches < <(git -C "$CORPUS" for-each-ref --format='%(refname:short)' refs/heads/ | grep -v '^main$')
echo "corpus: $CORPUS — $(git -C "$CORPUS" ls-files | wc -l) files, ${#branches[@]} open changes"
t0=$(date +%s.%N)
(cd "$CORPUS" && /usr/bin/time -v -o /tmp/conflicts-bench.time "$BIN" --conflicts --target main \
    --branches "${branches[@]}" --json /tmp/conflicts-bench.json >/dev/null 2>&1) || true
t1=$(date +%s.%N)
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' /tmp/conflicts-bench.time)
python3 - "$t0" "$t1" "$rss" <<'EOF'
import json, sys, collections
t0, t1, rss = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
r = json.load(open("/tmp/conflicts-bench.json"))
by = collections.Counter((f["rule"], f["severity"]) for f in r["findings"])
s = r["summary"]
print(f"| changes | pairs sharing files | merge-tree runs | wall s | max RSS MB |")
print(f"|---:|---:|---:|---:|---:|")
print(f"| {s['changes']} | {s['pairs_sharing_files']} | {s['merge_tree_runs']} | {t1 - t0:.2f} | {rss // 1024} |")
for (rule, sev), n in sorted(by.items()):
    print(f"  {rule} {sev}: {n}")
EOF

t0=$(date +%s.%N)
(cd "$CORPUS" && /usr/bin/time -v -o /tmp/conflicts-bench.time "$BIN" --conflicts --target main \
    --branches "${branches[@]}" --integrate bench/nightly --json /tmp/conflicts-bench.json >/dev/null 2>&1) || true
t1=$(date +%s.%N)
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' /tmp/conflicts-bench.time)
python3 - "$t0" "$t1" "$rss" <<'EOF'
import json, sys
t0, t1, rss = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
i = json.load(open("/tmp/conflicts-bench.json"))["summary"]["integration"]
print(f"with --integrate: {t1 - t0:.2f} s wall, {rss // 1024} MB; merged {len(i['merged'])}, left out {len(i['left_out'])}")
EOF
