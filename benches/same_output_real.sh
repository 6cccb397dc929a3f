#!/usr/bin/env bash
# Behaviour unchanged, on real repositories: runs two builds of the tools (e.g. before and
# after a refactor) on every repository under CORPORA and compares what users get —
# lint-callout-mocks (text, JSON, SARIF, JUnit), validate-deps --all (text, JSON, JUnit)
# and codeowners-check validate (text, JSON) — and the exit codes. Versions, durations and
# timestamps are masked; anything else that differs is listed.
#
#   benches/same_output_real.sh OLD_BIN_DIR NEW_BIN_DIR [CORPORA_DIR]   (default /tmp/real)
#
# OLD_BIN_DIR: e.g. `git worktree add /tmp/old REV && cargo build --bins --manifest-path
# /tmp/old/Cargo.toml` then /tmp/old/target/debug. CORPORA_DIR holds one clone per folder
# (NPSP, EDA, NebulaLogger, apex-recipes, …). Writes only under /tmp/sfci-same-output.
# Exit 0 when every output is the same, 1 otherwise.
set -u
old=${1:?OLD_BIN_DIR}; new=${2:?NEW_BIN_DIR}; corpora=${3:-/tmp/real}
for dir in "$old" "$new" "$corpora"; do
  [ -d "$dir" ] || { echo "same_output_real.sh: no folder $dir" >&2; exit 2; }
done
old=$(cd "$old" && pwd); new=$(cd "$new" && pwd)
for bin in lint-callout-mocks validate-deps codeowners-check; do
  for dir in "$old" "$new"; do
    [ -x "$dir/$bin" ] || { echo "same_output_real.sh: no $bin in $dir (cargo build --bins)" >&2; exit 2; }
  done
done
out=/tmp/sfci-same-output; rm -rf "$out"; mkdir -p "$out"
norm() {
  sed -E 's/"version": ?"[^"]*"/"version":"V"/g; s/"duration_ms": ?[0-9]+/"duration_ms":0/g;
          s/time="[^"]*"/time="T"/g; s/timestamp="[^"]*"/timestamp="T"/g;
          s/ in [0-9.]+(ms|s)$/ in D/' "$1"
}
status=0
for repo in "$corpora"/*/; do
  n=$(basename "$repo")
  for side in old new; do
    bin=$old; [ "$side" = new ] && bin=$new
    d=$out/$n/$side; mkdir -p "$d"
    (cd "$repo" && "$bin/lint-callout-mocks" . --json "$d/lint.json" --sarif "$d/lint.sarif" --junit "$d/lint.xml" >"$d/lint.txt" 2>"$d/lint.err"; echo $? >"$d/lint.rc")
    (cd "$repo" && "$bin/validate-deps" --all . --json "$d/deps.json" --junit "$d/deps.xml" >"$d/deps.txt" 2>"$d/deps.err"; echo $? >"$d/deps.rc")
    (cd "$repo" && "$bin/codeowners-check" validate --json "$d/own.json" >"$d/own.txt" 2>"$d/own.err"; echo $? >"$d/own.rc")
    for f in "$d"/*.json "$d"/*.sarif "$d"/*.xml "$d"/*.txt "$d"/*.err; do [ -f "$f" ] && norm "$f" >"$f.n"; done
  done
  same=yes
  for f in "$out/$n/old/"*.n "$out/$n/old/"*.rc; do
    b=$(basename "$f")
    if ! cmp -s "$f" "$out/$n/new/$b"; then same=no; status=1; echo "  differs: $n $b (diff $out/$n/{old,new}/$b)"; fi
  done
  echo "$n: exit lint=$(cat "$out/$n/new/lint.rc") deps=$(cat "$out/$n/new/deps.rc") owners=$(cat "$out/$n/new/own.rc"); same output: $same"
done
exit $status
