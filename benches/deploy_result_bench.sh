#!/usr/bin/env bash
# gate deploy-result on a synthetic deploy result (50,000 test methods, 10,000 coverage
# entries) to JUnit + Cobertura, under /usr/bin/time -v. Targets: ≤ 1.5 s wall, peak RSS
# ≤ 4 × the input size. Run by hand (never in .ci/run); figures go in benches/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
cargo build --release --locked --bin gate
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 benches/gen_deploy_result.py "$work/deploy.json" --tests 50000 --classes 10000
size=$(stat -c %s "$work/deploy.json")
echo "input: $size bytes"
for run in 1 2 3; do
  /usr/bin/time -v "$target/release/gate" deploy-result "$work/deploy.json" --root "$work" \
    --junit "$work/junit.xml" --cobertura "$work/coverage.xml" --format github >/dev/null \
    2> "$work/time.txt" || true   # exit 1: the synthetic run has failing tests
  wall=$(grep "Elapsed (wall clock)" "$work/time.txt" | awk '{print $NF}')
  rss=$(grep "Maximum resident set size" "$work/time.txt" | awk '{print $NF}')
  echo "run $run: wall $wall, peak RSS ${rss} KiB ($(awk -v r="$rss" -v s="$size" 'BEGIN{printf "%.2f", r*1024/s}') × input)"
done
echo "junit: $(stat -c %s "$work/junit.xml") bytes, cobertura: $(stat -c %s "$work/coverage.xml") bytes"
