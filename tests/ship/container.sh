#!/usr/bin/env bash
# Builds the container image here, without a Docker engine, and proves it works:
#   - stages the root file system (.ci/image-rootfs.sh --bin BIN) and builds the
#     Dockerfile with `buildah bud --isolation chroot --storage-driver vfs`;
#   - the image is at most 40 MB;
#   - `--version` of sfci and of every tool name, inside, through `sh -c` (each must
#     answer with its own name: a link the binary does not know would answer `sfci`);
#   - a real check the way GitLab's Docker executor runs a job (`sh -c` in the image,
#     the checkout mounted, owned by another uid): lint-callout-mocks on a copy of
#     fixtures/enterprise-monorepo exits 1 with the 16 seeded errors and writes JUnit
#     and Code Quality files;
#   - `--base` inside: a shallow clone (depth 2) of a repository whose last commit
#     adds a cross-team reference: validate-deps runs git in the image and exits 1;
#   - the CA bundle is where SSL_CERT_FILE says; `gate window` across time zones;
#   - the GitHub action's entry point (sfci-action) with INPUT_* variables, as the
#     runner starts a Docker action: the outputs file names the SARIF and JUnit files.
# Runs with podman --runtime runc and a containers.conf with `default_ulimits = []`.
#
#   tests/ship/container.sh BIN     # BIN: the static sfci binary
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(readlink -f "${1:?usage: container.sh SFCI_BINARY}")
cd "$root"

work=$(mktemp -d)
cleanup() {
  podman --runtime runc --storage-driver vfs rmi -f "$image" >/dev/null 2>&1 || true
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
printf '[containers]\ndefault_ulimits = []\n' >"$work/containers.conf"
export CONTAINERS_CONF="$work/containers.conf"
image=localhost/sfci:ci
podman_() { podman --runtime runc --storage-driver vfs "$@"; }
run() { podman_ run --rm --network none "$@"; }

passed=0 failed=0
check() {
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $name"; else failed=$((failed + 1)); echo "FAIL $name"; fi
}

t0=$(date +%s)
.ci/image-rootfs.sh --bin "$bin"
buildah bud --isolation chroot --storage-driver vfs --quiet -t "$image" . >/dev/null
echo "built $image in $(($(date +%s) - t0)) s"

size=$(podman_ image inspect --format '{{.Size}}' "$image")
check "image size $((size / 1000000)) MB <= 40 MB" [ "$size" -le 40000000 ]

for t in sfci lint-callout-mocks validate-deps codeowners-check smoke gate; do
  out=$(run "$image" sh -c "$t --version" 2>&1) || out="exit $?: $out"
  if [ "$t" = smoke ] || [ "$t" = gate ]; then
    # Tools still being written: checked once the binary knows them.
    if ! printf '%s' "$out" | grep -q "^$t "; then
      if "$bin" --help 2>&1 | grep -q "\b$t\b"; then check "$t --version in the image ($out)" false
      else echo "note: this sfci has no \`$t\` yet ($out)"; fi
      continue
    fi
  fi
  check "$t --version in the image ($out)" grep -q "^$t [0-9]" <<<"$out"
done
check "git in the image" run "$image" sh -c 'git --version | grep -q "^git version"'
check "CA bundle at SSL_CERT_FILE" run "$image" sh -c 'test -s "$SSL_CERT_FILE" && grep -q "BEGIN CERTIFICATE" "$SSL_CERT_FILE"'
if "$bin" --help 2>&1 | grep -q '\bgate\b'; then
  # Time zones inside the image: Friday 18:30 in New York is inside the window, 23:00 is not.
  check "gate window inside the image: open on Fri 18:30 New York" \
    run "$image" sh -c "gate window --allow 'Fri 18:00-22:00 America/New_York' --now 2026-11-27T23:30:00Z >/dev/null"
  set +e; run "$image" sh -c "gate window --allow 'Fri 18:00-22:00 America/New_York' --now 2026-11-28T04:00:00Z" >/dev/null; rc=$?; set -e
  check "gate window inside the image: closed on Fri 23:00 New York (exit $rc)" [ "$rc" -eq 1 ]
fi
check "no Docker-style entrypoint (GitLab runs sh -c)" [ "$(podman_ image inspect --format '{{.Config.Entrypoint}}' "$image")" = "[]" ]

# A GitLab-style job: checkout mounted at /builds/acme/monorepo, owned by uid 1000.
repo="$work/monorepo"
cp -r fixtures/enterprise-monorepo "$repo"
chown -R 1000:1000 "$repo"
set +e
run -v "$repo:/builds/acme/monorepo" -w /builds/acme/monorepo "$image" sh -c '
  mkdir -p sfci-reports &&
  lint-callout-mocks --junit sfci-reports/junit.xml --codequality sfci-reports/cq.json --json sfci-reports/lint.json > sfci-reports/out.txt
  echo "exit=$?" >> sfci-reports/out.txt'
set -e
check "lint-callout-mocks in the image exits 1" grep -qx 'exit=1' "$repo/sfci-reports/out.txt"
check "16 errors, 10 warnings" grep -q '^16 errors, 10 warnings' "$repo/sfci-reports/out.txt"
check "JUnit: 13 failing cases" python3 -c "
import sys, xml.etree.ElementTree as ET
r = ET.parse('$repo/sfci-reports/junit.xml').getroot()
sys.exit(0 if sum(1 for c in r.iter('testcase') if c.find('failure') is not None) == 13 else 1)"
check "Code Quality: 26 issues" python3 -c "
import json, sys; sys.exit(0 if len(json.load(open('$repo/sfci-reports/cq.json'))) == 26 else 1)"

# --base in a shallow clone: git inside the image, safe.directory for another uid.
src="$work/src"
cp -r fixtures/enterprise-monorepo "$src"
g() { git -C "$src" -c user.email=ci@example.com -c user.name=ci -c commit.gpgsign=false "$@"; }
g init -q -b main && g add -A && g commit -qm base
printf 'public class QuoteLink {\n    public static Object link() { return new InvoiceService(); }\n}\n' \
  >"$src/sales/main/default/classes/QuoteLink.cls"
g add -A && g commit -qm "sales: link quotes to billing"
git clone -q --depth 2 "file://$src" "$work/shallow"
chown -R 1000:1000 "$work/shallow"
set +e
run -v "$work/shallow:/builds/acme/shallow" -w /builds/acme/shallow "$image" \
  sh -c 'validate-deps --base HEAD~1 > /tmp/out.txt 2>&1; rc=$?; cat /tmp/out.txt; exit $rc' >"$work/deps.txt" 2>&1
rc=$?
set -e
check "validate-deps --base in a shallow clone exits 1 (exit $rc)" [ "$rc" -eq 1 ]
check "… reporting the new sales → billing edge" grep -q 'QuoteLink.*error\[cross-team-dependency\].*InvoiceService (billing)' "$work/deps.txt"

# The GitHub Docker action's entry point, as the runner starts it.
mkdir -p "$work/gh/workspace" "$work/gh/file_commands"
cp -r fixtures/enterprise-monorepo/. "$work/gh/workspace/"
: >"$work/gh/file_commands/output" && : >"$work/gh/file_commands/summary"
set +e
run -v "$work/gh/workspace:/github/workspace" -v "$work/gh/file_commands:/github/file_commands" \
  -w /github/workspace --entrypoint /usr/local/bin/sfci-action \
  -e GITHUB_ACTIONS=true -e GITHUB_OUTPUT=/github/file_commands/output \
  -e GITHUB_STEP_SUMMARY=/github/file_commands/summary \
  -e INPUT_CHECK=lint-callout-mocks -e "INPUT_ARGS=. --config /dev/null/none" -e INPUT_REPORTS=true \
  -e INPUT_REPORT_DIR=sfci-reports "$image" >"$work/gh/stdout" 2>&1
rc_bad=$?
run -v "$work/gh/workspace:/github/workspace" -v "$work/gh/file_commands:/github/file_commands" \
  -w /github/workspace --entrypoint /usr/local/bin/sfci-action \
  -e GITHUB_ACTIONS=true -e GITHUB_OUTPUT=/github/file_commands/output \
  -e GITHUB_STEP_SUMMARY=/github/file_commands/summary \
  -e INPUT_CHECK=lint-callout-mocks -e "INPUT_ARGS=." -e INPUT_REPORTS=true \
  -e INPUT_REPORT_DIR=sfci-reports "$image" >"$work/gh/stdout" 2>&1
rc=$?
set -e
check "action: a bad argument exits 2 (exit $rc_bad)" [ "$rc_bad" -eq 2 ]
check "action: exit 1 on the seeded fixture (exit $rc)" [ "$rc" -eq 1 ]
check "action: annotations on stdout" grep -q '^::error file=sales/main/default/classes/' "$work/gh/stdout"
check "action: outputs" grep -qx 'sarif=sfci-reports/lint-callout-mocks.sarif' "$work/gh/file_commands/output"
check "action: exit-code output" grep -qx 'exit-code=1' "$work/gh/file_commands/output"
check "action: SARIF written" python3 -c "
import json; d = json.load(open('$work/gh/workspace/sfci-reports/lint-callout-mocks.sarif')); assert d['version'] == '2.1.0'"
check "action: step summary written" grep -q 'callout-without-mock' "$work/gh/file_commands/summary"
out=$(run --entrypoint /usr/local/bin/sfci-action -e INPUT_CHECK=rm "$image" 2>&1; echo "exit=$?")
check "action: an unknown check is refused (exit 2)" grep -q 'exit=2' <<<"$out"

echo "container: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
