#!/usr/bin/env bash
# Runs every fuzz target in turn (never in parallel: the machine has 2 shared cores) for
# FUZZ_SECONDS each (default 600), then prints the figures for README.md's table.
# Usage: bash fuzz/run-all.sh [target...]
# Needs nightly and cargo-fuzz (`cargo install cargo-fuzz`). Seed first:
#   python3 fuzz/seed_corpora.py
set -u
cd "$(dirname "$0")"
SECS=${FUZZ_SECONDS:-600}
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(auth_url config codeowners smoke_spec deploy_result apex callgraph)
mkdir -p logs
for t in "${TARGETS[@]}"; do
  mkdir -p "corpus/$t"
  echo "== $t: ${SECS}s ($(date -u +%H:%M:%S))"
  cargo +nightly fuzz run --sanitizer none -O "$t" "corpus/$t" -- \
    -max_total_time="$SECS" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    >"logs/$t.log" 2>&1
  echo "   exit $?"
done
bash ./figures.sh "${TARGETS[@]}"
