#!/usr/bin/env bash
# Test selection on a real repository's history: for each of the last N commits that change
# an Apex class or trigger, `validate-deps --base COMMIT^ --select-tests --uncovered` on a
# worktree at COMMIT, as the templates' `test-level: auto` runs it. Reports per commit how
# many test classes were selected out of all, and whether the selection stands
# (RunSpecifiedTests) or falls back to RunLocalTests because a changed class or trigger is
# reached by no selected test. Not run in CI.
#
#   benches/select_tests_real.sh CLONE [N] [VALIDATE_DEPS]
#
# VALIDATE_DEPS defaults to target/release/validate-deps (built when missing).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
clone=$(cd "${1:?usage: select_tests_real.sh CLONE [N] [VALIDATE_DEPS]}" && pwd)
n=${2:-20}
bin=${3:-}
if [ -z "$bin" ]; then
  (cd "$REPO" && cargo build --release --quiet --bin validate-deps)
  bin="$REPO/target/release/validate-deps"
fi
out=$(mktemp -d)
trap 'git -C "$clone" worktree remove --force "$out/wt" >/dev/null 2>&1 || true; rm -rf "$out"' EXIT
mapfile -t commits < <(git -C "$clone" log --no-merges --format=%H -- '*.cls' '*.trigger' | head -n "$n")
printf '| commit | changed Apex | tests selected / all | verdict | s |\n|---|---:|---:|---|---:|\n'
specified=0 fallback=0 none=0
for c in "${commits[@]}"; do
  git -C "$clone" worktree add -q --detach "$out/wt" "$c" 2>/dev/null || { git -C "$clone" worktree remove --force "$out/wt"; git -C "$clone" worktree add -q --detach "$out/wt" "$c"; }
  changed=$(git -C "$clone" diff --name-only --diff-filter=AMR "$c^" "$c" -- '*.cls' '*.trigger' | wc -l)
  all=$( (git -C "$out/wt" grep -il '@istest' -- '*.cls' || true) | wc -l)
  t0=$(date +%s.%N)
  rc=0
  (cd "$out/wt" && "$bin" . --base "$c^" --select-tests "$out/sel.txt" --uncovered "$out/unc.tsv" >/dev/null 2>"$out/err") || rc=$?
  t1=$(date +%s.%N)
  sel=$(wc -l <"$out/sel.txt" 2>/dev/null || echo 0)
  if [ "$rc" -ge 2 ]; then verdict="error: $(tail -n 1 "$out/err")"; none=$((none + 1))
  elif [ -s "$out/unc.tsv" ]; then verdict="RunLocalTests: $(cut -f 1 "$out/unc.tsv" | head -3 | tr '\n' ' ')"; fallback=$((fallback + 1))
  elif [ "$sel" -eq 0 ]; then verdict="RunLocalTests: no test reaches the change"; fallback=$((fallback + 1))
  else verdict="RunSpecifiedTests"; specified=$((specified + 1)); fi
  printf '| %s | %s | %s / %s | %s | %.2f |\n' "${c:0:10}" "$changed" "$sel" "$all" "$verdict" "$(echo "$t1 - $t0" | bc)"
  rm -f "$out/sel.txt" "$out/unc.tsv"
  git -C "$clone" worktree remove --force "$out/wt"
done
echo "RunSpecifiedTests: $specified, RunLocalTests fallback: $fallback, errors: $none (of ${#commits[@]} commits)"
