#!/usr/bin/env bash
# The real Salesforce Code Analyzer v5 behind `gate sarif` (issue 15, item 2):
#   1. installs what is missing (pinned): a JDK 17 (apt) for PMD, and Code Analyzer's core with
#      its pmd, eslint, regex and retire-js engines (npm) in $SFCI_CA_DIR;
#   2. runs it on a copy of fixtures/enterprise-monorepo;
#   3. `gate sarif` of that run against a baseline written from the committed SARIF
#      (fixtures/code-analyzer/enterprise-monorepo.sarif) passes: 0 new;
#   4. one new System.debug line in Logger.cls (PMD AvoidDebugStatements), analyzer rerun:
#      `gate sarif` exits 1 naming that finding, and only it (the line moved every other
#      finding of the file one line down: they stay baselined).
# The analyzer runs through tests/ship/code-analyzer-run.mjs, which drives the same core,
# engines and SARIF formatter as `sf code-analyzer run`: the plugin itself
# (@salesforce/plugin-code-analyzer 5.16) imports the apexguru and uibundle engines, which
# the registry mirror of this CI does not serve, so `npm install` of the plugin fails here.
# Where `sf code-analyzer` is installed, it is used instead.
#
#   tests/ship/code-analyzer.sh BIN_DIR    # BIN_DIR holds the gate link
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bindir=$(cd "${1:?usage: code-analyzer.sh BIN_DIR}" && pwd)
export PATH="$bindir:$PATH"
ca_dir=${SFCI_CA_DIR:-/opt/sfci-code-analyzer}
# The versions of Code Analyzer 5.16's packages that the registry serves (core 0.52, pmd 0.46).
ca_packages=(@salesforce/code-analyzer-core@0.52.0 @salesforce/code-analyzer-pmd-engine@0.46.0
  @salesforce/code-analyzer-eslint-engine@0.40.2 @salesforce/code-analyzer-regex-engine@0.33.0
  @salesforce/code-analyzer-retirejs-engine@0.32.0)

passed=0 failed=0
check() { # check NAME CONDITION-COMMAND...
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $name"; else failed=$((failed + 1)); echo "FAIL $name"; fi
}
t0=$(date +%s)
lap_start=$t0
lap() { local now; now=$(date +%s); echo "-- code-analyzer: $1: $((now - lap_start)) s"; lap_start=$now; }

if ! command -v java >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
fi
use_sf=""
# `sf code-analyzer --help` is no test: the CLI offers code-analyzer as a just-in-time plugin.
if command -v sf >/dev/null 2>&1 && sf plugins inspect @salesforce/plugin-code-analyzer >/dev/null 2>&1; then
  use_sf=1
elif [ "$(node -p 'require(process.argv[1]).version' "$ca_dir/node_modules/@salesforce/code-analyzer-core/package.json" 2>/dev/null)" != 0.52.0 ]; then
  mkdir -p "$ca_dir"
  [ -f "$ca_dir/package.json" ] || echo '{"name":"sfci-code-analyzer","private":true}' >"$ca_dir/package.json"
  npm install --prefix "$ca_dir" --no-fund --no-audit --loglevel=error "${ca_packages[@]}" >/dev/null
fi
[ -n "$use_sf" ] || cp "$root/tests/ship/code-analyzer-run.mjs" "$ca_dir/"
lap "JDK and Code Analyzer present"

analyze() { # analyze WORKSPACE OUT.sarif
  if [ -n "$use_sf" ]; then
    (cd "$1" && sf code-analyzer run --workspace . --output-file "$2" >/dev/null)
  else
    (cd "$1" && node "$ca_dir/code-analyzer-run.mjs" . "$2")
  fi
}

work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
repo="$work/repo"
cp -r "$root/fixtures/enterprise-monorepo" "$repo"

set +e
gate sarif "$root/fixtures/code-analyzer/enterprise-monorepo.sarif" --root "$repo" \
  --write-baseline "$work/baseline.json" >/dev/null 2>"$work/write.err"
rc=$?
set -e
check "gate sarif --write-baseline from the committed SARIF exits 0 (got $rc)" [ "$rc" -eq 0 ]

analyze "$repo" "$work/run1.sarif"
lap "Code Analyzer run on the fixture"
set +e
gate sarif "$work/run1.sarif" --root "$repo" --baseline "$work/baseline.json" >"$work/run1.out" 2>"$work/run1.err"
rc=$?
set -e
check "gate sarif on a fresh run against the committed baseline exits 0 (got $rc)" [ "$rc" -eq 0 ]
check "… and says 0 new" grep -q '^gate sarif: 0 new, 255 baselined, 0 fixed' "$work/run1.err"
[ "$rc" -eq 0 ] || { echo "     (regenerate fixtures/code-analyzer/ when the fixture's sources change: see its README)"; sed 's/^/     /' "$work/run1.out" "$work/run1.err" | head -20; }

logger="shared/main/default/classes/Logger.cls"
sed -i "18a\\        System.debug(LoggingLevel.INFO, 'sfci ship: a new finding');" "$repo/$logger"
analyze "$repo" "$work/run2.sarif"
lap "Code Analyzer run with one new finding"
set +e
gate sarif "$work/run2.sarif" --root "$repo" --baseline "$work/baseline.json" \
  --codequality "$work/cq.json" --junit "$work/junit.xml" >"$work/run2.out" 2>"$work/run2.err"
rc=$?
set -e
check "gate sarif with one new PMD finding exits 1 (got $rc)" [ "$rc" -eq 1 ]
check "… naming it: $logger:19 pmd/AvoidDebugStatements" grep -q "^$logger:19:[0-9]*: error\[pmd/AvoidDebugStatements\]" "$work/run2.out"
check "… and only it (1 new, 255 baselined)" grep -q '^gate sarif: 1 new, 255 baselined, 0 fixed' "$work/run2.err"
check "… one Code Quality issue" python3 -c 'import json,sys; sys.exit(len(json.load(open(sys.argv[1]))) != 1)' "$work/cq.json"
[ "$rc" -eq 1 ] || sed 's/^/     /' "$work/run2.out" "$work/run2.err" | head -20

echo "-- code-analyzer: total $(($(date +%s) - t0)) s"
echo "code-analyzer: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
