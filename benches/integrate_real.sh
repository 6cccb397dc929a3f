#!/usr/bin/env bash
# `validate-deps --conflicts --integrate` on a real repository's branches, timed, and every
# verdict checked against git itself: the integration branch is rebuilt with plain
# `git merge --no-ff` in a scratch worktree, in the tool's order, and each change the tool
# left out must conflict there while each one it merged must merge. Not run in CI.
#
#   benches/integrate_real.sh CLONE [TARGET] [GLOB]
#   benches/integrate_real.sh /tmp/npsp origin/main 'refs/remotes/origin/feature/*'
#
# CLONE is a clone with the branches as remote-tracking refs (e.g. `git clone` of a mirror
# fetched with the search tool). Exit 1 when git disagrees with the tool.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
clone=$(cd "${1:?usage: integrate_real.sh CLONE [TARGET] [GLOB]}" && pwd)
target=${2:-origin/main}
glob=${3:-refs/remotes/origin/feature/*}
(cd "$REPO" && cargo build --release --quiet --bin validate-deps)
BIN="$REPO/target/release/validate-deps"
mapfile -t branches < <(git -C "$clone" for-each-ref --format='%(refname:short)' "$glob")
echo "$clone: ${#branches[@]} branches matching $glob onto $target"
out=$(mktemp -d)
trap 'git -C "$clone" worktree remove --force "$out/wt" >/dev/null 2>&1 || true; rm -rf "$out"' EXIT
t0=$(date +%s.%N)
(cd "$clone" && /usr/bin/time -f '%M' -o "$out/rss" "$BIN" --conflicts --target "$target" \
  --branches "${branches[@]}" --integrate sfci/bench-integration --json="$out/r.json" >/dev/null 2>&1) || true
t1=$(date +%s.%N)
python3 - "$out/r.json" "$t0" "$t1" "$(tail -n 1 "$out/rss")" >"$out/order" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
i = r["summary"]["integration"]
print(f"# {len(i['merged'])} merged, {len(i['left_out'])} left out of {r['summary']['changes']} changes "
      f"in {float(sys.argv[3]) - float(sys.argv[2]):.2f} s, {int(sys.argv[4]) // 1024} MB peak", file=sys.stderr)
# The tool's order is opened earliest first; replay merged and left-out in that order.
order = {f["symbol"]: f for f in r["findings"] if f["rule"] == "open-change-not-integrated"}
for b in i["merged"]:
    print("merged", b)
for b in i["left_out"]:
    print("left_out", b)
PY
git -C "$clone" worktree add -q --detach "$out/wt" "$target"
g() { git -C "$out/wt" -c user.email=bench@example.com -c user.name=bench -c commit.gpgsign=false "$@"; }
bad=0
# Merged ones first (the integration branch), then each left-out one on top of all of them.
while read -r verdict branch; do
  [ "$verdict" = merged ] || continue
  if ! g merge -q --no-ff --no-edit "$branch" >/dev/null 2>&1; then
    echo "DISAGREE: the tool merged $branch, git cannot"; g merge --abort || true; bad=$((bad + 1))
  fi
done <"$out/order"
[ "$(g rev-parse 'HEAD^{tree}')" = "$(git -C "$clone" rev-parse 'sfci/bench-integration^{tree}')" ] \
  || { echo "DISAGREE: git's merges give another tree than the tool's integration branch"; bad=$((bad + 1)); }
while read -r verdict branch; do
  [ "$verdict" = left_out ] || continue
  if g merge -q --no-ff --no-edit "$branch" >/dev/null 2>&1; then
    echo "DISAGREE: the tool left out $branch, git merges it onto the integration"; bad=$((bad + 1))
    g reset -q --hard HEAD^
  else
    files=$(g diff --name-only --diff-filter=U | head -3 | tr '\n' ' ')
    echo "ok   left out $branch: git conflicts in $files"
    g merge --abort
  fi
done <"$out/order"
git -C "$clone" branch -q -D sfci/bench-integration
echo "git disagrees with the tool on $bad change(s)"
[ "$bad" -eq 0 ]
