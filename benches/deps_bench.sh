#!/usr/bin/env bash
# validate-deps on the synthetic monorepo: the full graph (--all) and a one-file
# change (--base HEAD~1), each under GNU time for wall time and peak memory.
#
#   benches/deps_bench.sh                  # 10,000 classes + LWC/Aura/VF/Flows/metadata
#   benches/deps_bench.sh --classes 2000
#
# Targets (issue 3): full graph <= 2 s, one-file change <= 1 s, peak memory <= 400 MB.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLASSES=10000
while [ $# -gt 0 ]; do
    case "$1" in
        --classes) CLASSES=$2; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
CORPUS=${CORPUS:-/tmp/sfci-deps-corpus-$CLASSES}
if ! /usr/bin/time -v true >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
(cd "$REPO" && cargo build --release --quiet --bin validate-deps)
BIN="$REPO/target/release/validate-deps"
if [ ! -d "$CORPUS/.git" ]; then
    rm -rf "$CORPUS"
    python3 "$REPO/benches/gen_corpus.py" --classes "$CLASSES" "$CORPUS" >&2
    git -C "$CORPUS" init -q -b main
    git -C "$CORPUS" add -A
    git -C "$CORPUS" -c user.name=bench -c user.email=bench@example.com commit -q -m base
    # The one-file change: a class gains a line.
    f=$(git -C "$CORPUS" ls-files '*.cls' | sort | sed -n '100p')
    printf '\n// touched by the benchmark\n' >> "$CORPUS/$f"
    git -C "$CORPUS" -c user.name=bench -c user.email=bench@example.com commit -q -am "one-file change"
fi
files=$(git -C "$CORPUS" ls-files | wc -l)
bytes=$(git -C "$CORPUS" ls-files -z | (cd "$CORPUS" && xargs -0 cat) | wc -c)
echo "corpus: $CORPUS — $files files, $((bytes / 1000000)) MB"
run() {
    local name=$1; shift
    local t0 t1
    t0=$(date +%s.%N)
    (cd "$CORPUS" && /usr/bin/time -v -o /tmp/deps-bench-$name.time "$BIN" "$@" --json /tmp/deps-bench-$name.json >/dev/null 2>&1) || true
    t1=$(date +%s.%N)
    local rss
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' /tmp/deps-bench-$name.time)
    printf '| %s | %.3f | %d |\n' "$name" "$(echo "$t1 - $t0" | bc)" "$((rss / 1024))"
}
command -v bc >/dev/null || { apt-get update -qq && apt-get install -y -qq bc >/dev/null; }
echo
echo "| run | wall s | max RSS MB |"
echo "|---|---:|---:|"
run all --all
run change --base HEAD~1
