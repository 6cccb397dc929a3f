#!/usr/bin/env bash
# Issue 16's measures of the code's shape: line counts of the files the issue names and the
# duplicate-code count of src/ (jscpd from npm, Rust format, a fixed --min-tokens 70).
#   benches/house_metrics.sh [REPO_DIR]        (default: this checkout)
# Needs jscpd (`npm install -g jscpd`) and python3. Writes only under /tmp.
set -uo pipefail
cd "${1:-$(dirname "$0")/..}"
command -v jscpd >/dev/null || { echo "house_metrics.sh: jscpd is not installed (npm install -g jscpd)" >&2; exit 2; }
echo "== lines"
for f in src/forge/http.rs src/org/send.rs src/gate/prometheus.rs src/net src/config.rs src/config src/lint/mod.rs src/app/gate.rs src/app/gate src/deps/check.rs src/gate/deploy_result.rs src/gate/deploy_result src/gate/error_rate.rs src/smoke/run.rs src/owners/check.rs src/apex/events.rs src/apex/model.rs; do
  if [ -d "$f" ]; then echo "$(cat $f/*.rs | wc -l) $f/ ($(ls $f/*.rs | wc -l) files)"; elif [ -f "$f" ]; then wc -l < "$f" | sed "s|\$| $f|"; else echo "- $f (absent)"; fi
done
echo "src total: $(find src -name '*.rs' | xargs cat | wc -l)  tests total: $(find tests -name '*.rs' | xargs cat | wc -l)"
echo "== jscpd (rust, src/, min-tokens 70)"
jscpd --format rust --min-tokens 70 --reporters consoleFull --silent src 2>/dev/null | tail -3
jscpd --format rust --min-tokens 70 --reporters json --output ${TMPDIR:-/tmp}/sfci-jscpd --silent src >/dev/null 2>&1
python3 -c "import json;d=json.load(open('${TMPDIR:-/tmp}/sfci-jscpd/jscpd-report.json'));s=d['statistics']['total'];print('clones',s['clones'],'duplicatedLines',s['duplicatedLines'],'of',s['lines'],'(%.2f%%)'%s['percentage'])"
