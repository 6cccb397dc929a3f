#!/usr/bin/env bash
# Runs the validate stage of whole pipeline 1 (ci-templates/pipelines/fifty-teams.yml)
# with gitlab-ci-local on copies of fixtures/enterprise-monorepo, the templates
# included with `include: local`, and the sfci tools on the PATH (links to one
# `sfci` binary, as in the image). Every job runs in the shell executor
# (--force-shell-executor: no container engine here), in the repository itself: not
# --shell-isolation, whose copies live under .gitlab-ci-local/ next to a `*`
# .gitignore that the tools' walker honours (see the report). Each job writes
# its own report files, and gitlab-ci-local exports each job's artifacts apart.
#
#   1. push to the default branch, the fixture as it is: the pipeline FAILS —
#      lint-callout-mocks finds the 16 seeded callout-without-mock errors in 13 test
#      classes (EXPECTED.md); the other validate jobs pass (the dependency inventory
#      and CODEOWNERS warnings do not block, no secret in the tree).
#   2. the same after the fix (Test.setMock set first in each of the 16 tests): PASSES.
#   3. a merge request (feature/* → integration) on top of 2 that adds a sales class calling billing's
#      InvoiceExportService, an unmocked test of it and an AWS key: FAILS on
#      lint-callout-mocks (1 error, only what the MR touches), validate-deps (new
#      sales → billing edges) and the secrets scan; the promotion gate passes.
#   4. the MR after its fix commit (no billing object or class, no key): PASSES.
# JUnit files are parsed and their counts compared with what the fixture implies.
# First (0), the shape of all three whole pipelines: gitlab-ci-local resolves their
# inputs, extends, !reference, needs and rules, and lists the jobs each pipeline has
# on the default branch, on a merge request (to integration, with a forge token) and
# on a schedule (the Friday release, and the nightly integration build alone).
#
# 5 and 6 run release jobs with a stand-in `sf`; 7 runs the nightly integration build on
# three team branches pushed to a bare origin, two of them conflicting.
#
#   tests/ship/gitlab-ci-local.sh BIN_DIR    # BIN_DIR holds sfci and the tool links
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bindir=$(cd "${1:?usage: gitlab-ci-local.sh BIN_DIR}" && pwd)
export PATH="$bindir:$PATH"
command -v gitlab-ci-local >/dev/null || { echo "gitlab-ci-local is not installed" >&2; exit 2; }
command -v rsync >/dev/null || { echo "rsync is not installed (gitlab-ci-local needs it)" >&2; exit 2; }
command -v detect-secrets >/dev/null || { echo "detect-secrets is not installed" >&2; exit 2; }

work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
repo="$work/repo"
passed=0 failed=0
check() { # check NAME CONDITION-COMMAND...
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $name"; else failed=$((failed + 1)); echo "FAIL $name"; fi
}
git_() { git -C "$repo" -c user.email=ci@example.com -c user.name=ci -c commit.gpgsign=false "$@"; }

echo "== 0. the jobs of each whole pipeline, by kind of pipeline"
shape="$work/shape"
mkdir -p "$shape/ci-templates"
cp -r "$root/ci-templates/pipelines" "$shape/ci-templates/"
sg() { git -C "$shape" -c user.email=ci@example.com -c user.name=ci -c commit.gpgsign=false "$@"; }
sg init -q -b main
sg remote add origin git@gitlab.example.com:acme/salesforce.git
sg add -A && sg commit -qm templates
sg update-ref refs/remotes/origin/main HEAD
sg symbolic-ref refs/remotes/origin/HEAD refs/remotes/origin/main
list_jobs() { # list_jobs PIPELINE [gitlab-ci-local args]... → "job job(manual) ..."
  local p=$1; shift
  printf 'include:\n  - local: ci-templates/pipelines/%s.yml\n' "$p" >"$shape/.gitlab-ci.yml"
  (cd "$shape" && gitlab-ci-local --list-json --ignore-predefined-vars CI_PIPELINE_SOURCE "$@" 2>&1) | python3 -c '
import json, sys
t = sys.stdin.read()
i = t.find("\n[\n") if "\n[\n" in t else t.find("\n[]")
if i < 0:
    print("unparsable: " + t[-300:].replace("\n", " ")); sys.exit()
jobs = json.loads(t[i + 1:])
print(" ".join(j["name"] + ("" if j["when"] == "on_success" else "(" + j["when"] + ")") for j in jobs if j["when"] != "never") or "(none)")'
}
expect_jobs() { # expect_jobs PIPELINE CONTEXT "EXPECTED" [gitlab-ci-local args]...
  local p=$1 ctx=$2 want=$3 got; shift 3
  got=$(list_jobs "$p" "$@")
  check "$p on $ctx: $want" [ "$got" = "$want" ]
  [ "$got" = "$want" ] || echo "     got: $got"
}
mr_ctx=(--variable CI_PIPELINE_SOURCE=merge_request_event --variable CI_MERGE_REQUEST_TARGET_BRANCH_NAME=integration
  --variable CI_MERGE_REQUEST_DIFF_BASE_SHA=0000000 --variable SFCI_GITLAB_TOKEN=not-a-token)
sched_ctx=(--variable CI_PIPELINE_SOURCE=schedule)
expect_jobs fifty-teams "the default branch" "sfci:tools validate:lint-callout-mocks validate:dependencies validate:codeowners validate:secrets validate:code-analyzer test:apex build:artifact prod:window prod:backup prod:validate deploy:production(manual) smoke:production rollback:production(manual)"
expect_jobs fifty-teams "an MR to integration" "sfci:tools validate:lint-callout-mocks validate:dependencies validate:codeowners validate:approvals validate:secrets validate:promotion validate:conflicts validate:code-analyzer test:apex" "${mr_ctx[@]}"
expect_jobs fifty-teams "the nightly integration schedule" "sfci:tools integration:nightly" "${sched_ctx[@]}" --variable SFCI_SCHEDULE=nightly-integration
expect_jobs fifty-teams "the Friday schedule" "sfci:tools validate:lint-callout-mocks validate:dependencies validate:codeowners validate:secrets validate:code-analyzer test:apex build:artifact prod:window prod:backup prod:validate deploy:production smoke:production rollback:production(manual)" "${sched_ctx[@]}"
expect_jobs blue-green "the default branch" "sfci:tools validate:lint-callout-mocks validate:dependencies validate:secrets validate:scratch-org backup:production deploy:production smoke:flags-off flag:test-users smoke:test-users activate:10percent(manual) gate:10percent activate:50percent(manual) gate:50percent activate:100percent(manual) gate:100percent monitor:production rollback:flag-off(manual) rollback:code(manual)"
expect_jobs blue-green "an MR" "sfci:tools validate:lint-callout-mocks validate:dependencies validate:secrets validate:scratch-org" "${mr_ctx[@]}"
expect_jobs production-runbook "the default branch" "sfci:tools pre:lint-callout-mocks pre:dependencies pre:codeowners pre:secrets pre:window backup:production validate:dry-run deploy:production(manual) verify:tests verify:smoke rollback:production(manual)"
expect_jobs production-runbook "an MR" "(none)" "${mr_ctx[@]}"

cp -r "$root/fixtures/enterprise-monorepo" "$repo"
mkdir -p "$repo/ci-templates"
cp -r "$root/ci-templates/pipelines" "$repo/ci-templates/"
printf 'include:\n  - local: ci-templates/pipelines/fifty-teams.yml\n' >"$repo/.gitlab-ci.yml"
printf '.gitlab-ci-local/\nsfci-reports/\n' >"$repo/.gitignore"
git_ init -q -b main
git_ remote add origin git@gitlab.example.com:acme/salesforce.git
git_ add -A
git_ commit -qm "acme monorepo, as seeded"
git_ update-ref refs/remotes/origin/main HEAD
git_ symbolic-ref refs/remotes/origin/HEAD refs/remotes/origin/main

# The jobs each run has, by its rules (validate:approvals needs a forge token, so
# it is not among them; validate:promotion runs on merge requests only).
push_jobs=(validate:lint-callout-mocks validate:dependencies validate:codeowners validate:secrets)
mr_jobs=("${push_jobs[@]}" validate:promotion)

run_pipeline() { # run_pipeline LOG [--variable K=V]...; sets $rc
  local log=$1; shift
  rm -rf "$repo/.gitlab-ci-local" "$repo/sfci-reports"
  set +e
  # validate:code-analyzer is off here (SFCI_CODE_ANALYZER=false): it needs the Salesforce
  # CLI and Code Analyzer, which tests/ship/code-analyzer.sh runs for real.
  (cd "$repo" && gitlab-ci-local --force-shell-executor --no-color \
    --variable SFCI_CODE_ANALYZER=false --stage validate "$@") >"$log" 2>&1
  rc=$?
  set -e
  grep -E '^ (PASS|FAIL|WARN) ' "$log" | sed 's/^/     /' || true
}
status_of() { grep -E "^ (PASS|FAIL|WARN) +$1 *$" "$work/$2" | awk '{print $1}'; }
junit() { # junit JOB FILE SUITE-or-* → "tests failures"
  python3 - "$repo/.gitlab-ci-local/artifacts/$(printf %s "$1" | sed 's/:/Og/')/sfci-reports/$2" "$3" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [s for s in root.iter("testsuite") if sys.argv[2] in ("*", s.get("name"))]
cases = [c for s in suites for c in s.iter("testcase")]
print(len(cases), sum(1 for c in cases if c.find("failure") is not None))
PY
}
expect_junit() { # expect_junit JOB FILE SUITE "TESTS FAILURES"
  local got
  got=$(junit "$1" "$2" "$3" 2>&1) || got="unreadable: $got"
  check "$1 $2 [$3]: tests/failures $4 (got $got)" [ "$got" = "$4" ]
}

echo "== 1. default branch, the seeded fixture"
run_pipeline "$work/1.log"
check "pipeline fails (exit $rc)" [ "$rc" -ne 0 ]
check "validate:lint-callout-mocks fails" [ "$(status_of validate:lint-callout-mocks 1.log)" = FAIL ]
for j in validate:dependencies validate:codeowners validate:secrets; do
  check "$j passes" [ "$(status_of "$j" 1.log)" = PASS ]
done
check "16 callout-without-mock errors reported" grep -q '16 errors, 10 warnings' "$work/1.log"
expect_junit validate:lint-callout-mocks lint-callout-mocks.junit.xml callout-without-mock "17 13"
expect_junit validate:lint-callout-mocks lint-callout-mocks.junit.xml '*' "131 13"
expect_junit validate:dependencies validate-deps.junit.xml '*' "$(junit validate:dependencies validate-deps.junit.xml '*' | awk '{print $1}') 0"
expect_junit validate:codeowners codeowners-validate.junit.xml '*' "$(junit validate:codeowners codeowners-validate.junit.xml '*' | awk '{print $1}') 0"
expect_junit validate:secrets secrets.junit.xml '*' "1 0"

echo "== 2. default branch, the 16 tests fixed (Test.setMock first)"
python3 - "$repo" "$repo/.gitlab-ci-local/artifacts/validateOglint-callout-mocks/sfci-reports/lint-callout-mocks.json" <<'PY'
import json, pathlib, sys
repo = pathlib.Path(sys.argv[1])
findings = [f for f in json.load(open(sys.argv[2]))["findings"] if f["rule"] == "callout-without-mock"]
assert len(findings) == 16, len(findings)
by_file = {}
for f in findings:
    by_file.setdefault(f["file"], []).append(f)
for file, fs in by_file.items():
    path = repo / file
    lines = path.read_text().split("\n")
    for f in sorted(fs, key=lambda f: -f["line"]):          # bottom-up keeps line numbers valid
        soap = "WebServiceCallout.invoke" in json.dumps(f)
        mock = ("Test.setMock(WebServiceMock.class, new TaxServiceMock());" if soap
                else "Test.setMock(HttpCalloutMock.class, new MockHttpResponseGenerator());")
        i = f["line"] - 1
        while "{" not in lines[i]:
            i += 1
        lines.insert(i + 1, "        " + mock)
    path.write_text("\n".join(lines))
print(f"inserted 16 mocks in {len(by_file)} files")
PY
git_ commit -qam "tests: set the callout mocks first (Scenario 3's fix)"
git_ update-ref refs/remotes/origin/main HEAD
run_pipeline "$work/2.log"
check "pipeline passes (exit $rc)" [ "$rc" -eq 0 ]
for j in "${push_jobs[@]}"; do check "$j passes" [ "$(status_of "$j" 2.log)" = PASS ]; done
check "exactly these jobs ran" [ "$(grep -cE '^ (PASS|FAIL|WARN) ' "$work/2.log")" -eq ${#push_jobs[@]} ]
check "0 errors, 10 warnings" grep -q '0 errors, 10 warnings' "$work/2.log"
expect_junit validate:lint-callout-mocks lint-callout-mocks.junit.xml callout-without-mock "17 0"
expect_junit validate:lint-callout-mocks lint-callout-mocks.junit.xml '*' "131 0"

echo "== 3. merge request: a sales class calls billing, an unmocked test, an AWS key"
base=$(git_ rev-parse HEAD)
git_ checkout -q -b feature/sales-quote-export
classes="$repo/sales/main/default/classes"
cat >"$classes/QuoteExportService.cls" <<'APEX'
public with sharing class QuoteExportService {
    private static final String ARCHIVE_KEY = 'AKIAIOSFODNN7EXAMPLE';
    public static Integer export(List<Invoice__c> invoices) {
        return InvoiceExportService.exportToSap(invoices);
    }
}
APEX
cat >"$classes/QuoteExportServiceTest.cls" <<'APEX'
@IsTest
private class QuoteExportServiceTest {
    @IsTest
    static void testExport() {
        Test.startTest();
        Integer status = QuoteExportService.export(new List<Invoice__c>());
        Test.stopTest();
        System.assertEquals(200, status);
    }
}
APEX
for c in QuoteExportService QuoteExportServiceTest; do
  cp "$classes/AccountFacade.cls-meta.xml" "$classes/$c.cls-meta.xml"
done
git_ add -A
git_ commit -qm "sales: export quotes through billing"
# gitlab-ci-local sets GITLAB_CI=false (so scripts can tell); the tools read it.
mr=(--ignore-predefined-vars "GITLAB_CI,CI_PIPELINE_SOURCE" --variable GITLAB_CI=true --variable CI_PIPELINE_SOURCE=merge_request_event --variable CI_MERGE_REQUEST_IID=7
  --variable CI_MERGE_REQUEST_DIFF_BASE_SHA="$base" --variable CI_MERGE_REQUEST_TARGET_BRANCH_NAME=integration
  --variable CI_MERGE_REQUEST_TARGET_BRANCH_SHA="$base"
  --variable CI_MERGE_REQUEST_SOURCE_BRANCH_NAME=feature/sales-quote-export)
run_pipeline "$work/3.log" "${mr[@]}"
check "pipeline fails (exit $rc)" [ "$rc" -ne 0 ]
for j in validate:lint-callout-mocks validate:dependencies validate:secrets; do
  check "$j fails" [ "$(status_of "$j" 3.log)" = FAIL ]
done
for j in validate:codeowners validate:promotion; do
  check "$j passes (feature/* → integration)" [ "$(status_of "$j" 3.log)" = PASS ]
done
check "lint-callout-mocks reports only the MR's test" grep -q 'QuoteExportServiceTest.cls:4:17: error\[callout-without-mock\]' "$work/3.log"
expect_junit validate:lint-callout-mocks lint-callout-mocks.junit.xml callout-without-mock "1 1"
check "validate-deps reports the new sales → billing edge" grep -q 'QuoteExportService.*error\[cross-team-dependency\].*(billing)' "$work/3.log"
got=$(junit validate:dependencies validate-deps.junit.xml '*')
check "validate-deps JUnit has failing cases ($got)" [ "${got#* }" -ge 1 ]
check "the secret's type and place are reported" grep -q 'QuoteExportService.cls:2: error\[secret\] AWS Access Key' "$work/3.log"
check "the secret itself is never printed" bash -c "! grep -rq 'AKIAIOSFODNN7EXAMPLE' '$work/3.log' '$repo/.gitlab-ci-local/artifacts'"
expect_junit validate:secrets secrets.junit.xml '*' "1 1"
check "selected-tests.txt names the MR's test" grep -qx QuoteExportServiceTest \
  "$repo/.gitlab-ci-local/artifacts/validateOgdependencies/sfci-reports/selected-tests.txt"

echo "== 4. the merge request after its fix commit (sales keeps to its own objects)"
cat >"$classes/QuoteExportService.cls" <<'APEX'
public with sharing class QuoteExportService {
    public static Integer export(List<Opportunity> quotes) {
        return quotes.isEmpty() ? 200 : 202;
    }
}
APEX
sed -i 's/new List<Invoice__c>()/new List<Opportunity>()/' "$classes/QuoteExportServiceTest.cls"
git_ commit -qam "sales: quotes are exported by billing's own job; no key in code"
run_pipeline "$work/4.log" "${mr[@]}"
check "pipeline passes (exit $rc)" [ "$rc" -eq 0 ]
for j in "${mr_jobs[@]}"; do check "$j passes" [ "$(status_of "$j" 4.log)" = PASS ]; done
check "exactly these jobs ran" [ "$(grep -cE '^ (PASS|FAIL|WARN) ' "$work/4.log")" -eq ${#mr_jobs[@]} ]
expect_junit validate:secrets secrets.junit.xml '*' "1 0"

echo "== 5. release jobs with a stand-in \`sf\` (tests/ship/fake-sf): the gates around sf"
# prod:validate of pipeline 1 (sf project deploy validate → gate deploy-result) on a
# failed and on a passing validation, and activate:10percent of pipeline 2 (the flag
# flip by a generated custom-metadata record), and prod:backup. The org's auth URL is a CI variable:
# it must reach `sf` only as a private file and never appear in a log or artifact.
git_ checkout -q main
fake="$work/fake-sf"
mkdir -p "$fake" "$repo/.sfci/bin"
cp "$(readlink -f "$bindir/sfci")" "$repo/.sfci/bin/sfci"     # what sfci:tools hands on
printf '.sfci/\n' >>"$repo/.gitignore"
python3 - "$root/fixtures/gate/deploy-failed.json" "$fake" <<'PY'
import copy, json, sys
failed = json.load(open(sys.argv[1]))
json.dump(failed, open(f"{sys.argv[2]}/validate-failed.json", "w"))
ok = copy.deepcopy(failed)
ok["status"] = 0
r = ok["result"]
r.update(status="Succeeded", success=True, numberComponentErrors=0, numberTestErrors=0)
r["details"].pop("componentFailures", None)
rt = r["details"]["runTestResult"]
rt.update(numFailures=0, failures=[], codeCoverageWarnings=[])
for c in rt["codeCoverage"]:
    c.update(numLocationsNotCovered=0, locationsNotCovered=[])
json.dump(ok, open(f"{sys.argv[2]}/validate-ok.json", "w"))
json.dump({"status": 0, "result": {"id": "0Af5g00000FlAg01CAE", "status": "Succeeded", "success": True,
    "done": True, "checkOnly": False, "numberComponentErrors": 0, "numberComponentsDeployed": 1,
    "numberComponentsTotal": 1, "numberTestErrors": 0, "numberTestsCompleted": 0, "numberTestsTotal": 0,
    "details": {"componentSuccesses": [{"componentType": "CustomMetadata", "success": True,
        "fullName": "Feature_Flag.New_Opportunity_Flow_v2"}]}}}, open(f"{sys.argv[2]}/start.json", "w"))
PY
secret="force://PlatformCLI::5Aep861.fakeRefreshToken.only-for-this-test@acme.my.salesforce.com"
rel=(--variable SF_AUTH_URL="$secret" --variable FAKE_SF_AUTH_URL="$secret"
  --variable FAKE_SF_DIR="$fake" --variable PATH="$root/tests/ship/fake-sf:$PATH")
run_job() { # run_job LOG FILE JOB [args]...: one job by name; sets $rc ($ignore: more predefined variables to drop)
  local log=$1 file=$2 job=$3; shift 3
  rm -rf "$repo/.gitlab-ci-local" "$repo/sfci-reports" "$repo/sf-results"
  printf 'include:\n  - local: ci-templates/pipelines/%s.yml\n' "$file" >"$repo/.gitlab-ci.yml"
  set +e
  (cd "$repo" && gitlab-ci-local --force-shell-executor --no-color \
    --ignore-predefined-vars "CI_PIPELINE_SOURCE${ignore:+,$ignore}" "${rel[@]}" "$@" "$job") >"$log" 2>&1
  rc=$?
  set -e
}
art() { echo "$repo/.gitlab-ci-local/artifacts/$(printf %s "$1" | sed 's/:/Og/')"; }
cp "$fake/validate-failed.json" "$fake/validate.json"
run_job "$work/5a.log" fifty-teams prod:validate
check "prod:validate fails on a failed validation (exit $rc)" [ "$rc" -ne 0 ]
check "… naming the failing test" grep -q 'AccountServiceTest.scoresRich' "$work/5a.log"
got=$(junit prod:validate deploy-validate.junit.xml '*')
check "… its JUnit has failing cases ($got)" [ "${got#* }" -ge 2 ]
cp "$fake/validate-ok.json" "$fake/validate.json"
run_job "$work/5b.log" fifty-teams prod:validate
check "prod:validate passes on a passing validation (exit $rc)" [ "$rc" -eq 0 ]
check "… the validation id handed on for the quick deploy" grep -qx 'SFCI_VALIDATION_ID=0Af5g00000XyZ01CAE' "$repo/sfci-validation.env"
check "… the job's coverage: regex reads 100 from its log" python3 - "$root/ci-templates/checks/salesforce.yml" "$work/5b.log" <<'PY'
import re, sys
pattern = re.search(r"coverage: '/(.+)/'", open(sys.argv[1]).read()).group(1)
m = re.search(pattern, open(sys.argv[2]).read())
sys.exit(0 if m and float(m.group(1)) == 100.0 else 1)
PY
check "… a Cobertura report for coverage_report" grep -q '<coverage' "$(art prod:validate)/sfci-reports/coverage.cobertura.xml"
check "… sf was asked for RunLocalTests, coverage and JUnit" grep -q 'sf project deploy validate --target-org target --test-level RunLocalTests .*--coverage-formatters cobertura --junit' "$fake/calls.log"
run_job "$work/5d.log" fifty-teams prod:backup
check "prod:backup retrieves what the release overwrites (exit $rc)" [ "$rc" -eq 0 ]
check "… the manifest of every package directory" grep -q 'sf project generate manifest --source-dir shared --source-dir integrations --source-dir sales --source-dir service --source-dir billing --name release-package' "$fake/calls.log"
check "… kept as an artifact for the rollback" bash -c "ls '$(art prod:backup)'/backup-*.tar.gz >/dev/null && test -d '$(art prod:backup)/backup/unpackaged'"
FAKE_SF_FLAG_EXPECT="true 10" run_job "$work/5c.log" blue-green activate:10percent --manual activate:10percent --variable FAKE_SF_FLAG_EXPECT="true 10"
check "activate:10percent deploys the generated flag record (exit $rc)" [ "$rc" -eq 0 ]
check "… Feature_Flag.New_Opportunity_Flow_v2.md-meta.xml, kept as an artifact" \
  test -s "$(art activate:10percent)/.sfci/flag/force-app/main/default/customMetadata/Feature_Flag.New_Opportunity_Flow_v2.md-meta.xml"
check "… and never \`sf data update\`" bash -c "! grep -q 'sf data update' '$fake/calls.log'"
check "the auth URL appears in no log and no artifact" bash -c "! grep -rqF '$secret' '$work'/5?.log '$repo/.gitlab-ci-local/artifacts' '$fake/calls.log'"

echo "== 6. results where people look: an MR note from the validation, a break-glass notification"
recv="$work/receiver"; mkdir -p "$recv"
python3 "$root/tests/ship/fake-receiver.py" "$recv" & recv_pid=$!
trap 'kill $recv_pid 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
for _ in $(seq 50); do [ -s "$recv/port" ] && break; sleep 0.1; done
port=$(cat "$recv/port")
token=glpat-SHIPnoteTOKEN0123456789
hook="http://127.0.0.1:$port/services/T0SHIP/B0SHIPHOOKSECRET"
cp "$fake/validate-failed.json" "$fake/validate.json"
# gitlab-ci-local predefines CI_API_V4_URL and CI_PROJECT_ID (let the fake GitLab's win) and
# GITLAB_CI=false (GitLab itself says true; the tools read it to know their forge).
ignore=GITLAB_CI,CI_API_V4_URL,CI_PROJECT_ID run_job "$work/6a.log" fifty-teams prod:validate \
  --variable GITLAB_CI=true --variable CI_MERGE_REQUEST_IID=7 \
  --variable SFCI_GITLAB_TOKEN="$token" --variable CI_API_V4_URL="http://127.0.0.1:$port/api/v4" --variable CI_PROJECT_ID=42
check "the failed validation still fails the job (exit $rc)" [ "$rc" -ne 0 ]
check "… and posts one MR note naming the failing test and the fix hint" python3 - "$recv/requests.jsonl" <<'PY'
import json, sys
posts = [json.loads(l) for l in open(sys.argv[1]) if '"POST"' in l]
notes = [p for p in posts if p["path"] == "/api/v4/projects/42/merge_requests/7/notes"]
body = json.loads(notes[0]["body"])["body"] if len(notes) == 1 else ""
sys.exit(0 if body.startswith("<!-- sfci:gate:deploy-result -->") and "AccountServiceTest.scoresRich" in body
         and "#### Failing tests" in body else 1)
PY
check "… with the token only in its header, never in the log" bash -c "! grep -qF '$token' '$work/6a.log'"
# A window that is closed all of today (it opens tomorrow), so the override is needed.
closed="$(date -u -d tomorrow +%a) 10:00-10:01 UTC"
run_job "$work/6b.log" fifty-teams prod:window --variable SFCI_WINDOW="$closed" \
  --variable SFCI_OVERRIDE_REASON="INC-4711 hotfix" --variable SFCI_NOTIFY_URL="$hook"
check "prod:window with an override passes (exit $rc)" [ "$rc" -eq 0 ]
check "… and announces the break-glass on the webhook" python3 - "$recv/requests.jsonl" <<'PY'
import json, sys
posts = [json.loads(l) for l in open(sys.argv[1]) if '"POST"' in l]
hooks = [json.loads(p["body"]) for p in posts if p["path"] == "/services/T0SHIP/B0SHIPHOOKSECRET"]
sys.exit(0 if len(hooks) == 1 and "INC-4711 hotfix" in json.dumps(hooks[0]) and "Break glass" in json.dumps(hooks[0]) else 1)
PY
check "… the webhook URL never printed" bash -c "! grep -qF 'B0SHIPHOOKSECRET' '$work/6b.log'"

echo "== 7. the nightly integration build: three team branches on origin, two of them conflicting"
# The nightly validation deploys the delta: the real sfdx-git-delta (pinned, cached), which the
# stand-in sf hands `sf sgd` to.
command -v sf >/dev/null || { echo "sf (@salesforce/cli) is not installed (.ci/ship installs it)" >&2; exit 2; }
# shellcheck source=tests/ship/sgd-env.sh
. "$root/tests/ship/sgd-env.sh"
# origin is a bare repository here (gitlab-ci-local reads the project from gcl-origin); the
# integration branch is main as it stands. sales (opened first) and billing merge; service
# (opened last) edits the same line of billing's PaymentService as billing: left out.
origin="$work/origin.git"
git init -q --bare "$origin"
git_ remote add gcl-origin git@gitlab.example.com:acme/salesforce.git
git_ remote set-url origin "$origin"
git_ push -q origin main:main main:integration
team_branch() { # team_branch NAME EPOCH: commit the working tree's edits on NAME from main at EPOCH
  git_ checkout -q -b "$1" main
  git_ add -- sales billing service
  GIT_COMMITTER_DATE="@$2 +0000" GIT_AUTHOR_DATE="@$2 +0000" git_ commit -qm "$1"
  git_ push -q origin "$1"
  git_ checkout -q main
  git_ branch -q -D "$1"
}
pay="$repo/billing/main/default/classes/PaymentService.cls"
echo "// sales: discount rounding" >>"$repo/sales/main/default/classes/AccountFacade.cls"
team_branch feature/sales-discount 1700000100
sed -i 's|public static String chargeInvoice(Id invoiceId) {|public static String chargeInvoice(Id invoiceId) { // billing: credit notes|' "$pay"
echo "// billing: credit notes" >>"$repo/billing/main/default/classes/InvoiceDispatcher.cls"
team_branch feature/billing-credit-notes 1700000200
sed -i 's|public static String chargeInvoice(Id invoiceId) {|public static String chargeInvoice(Id invoiceId) { // service: disputed cases|' "$pay"
echo "// service: disputes" >>"$repo/service/main/default/classes/CaseEscalationService.cls"
echo "// service: disputes" >>"$repo/service/main/default/classes/CaseTriggerHandler.cls"
team_branch feature/service-disputes 1700000300
integration_before=$(git --git-dir="$origin" rev-parse integration)
cp "$fake/validate-ok.json" "$fake/validate.json"
: >"$fake/calls.log"
nightly=(--variable CI_PIPELINE_SOURCE=schedule --variable SFCI_SCHEDULE=nightly-integration --variable SFCI_NOTIFY_URL="$hook"
  --variable XDG_DATA_HOME="$XDG_DATA_HOME")
posts_before=$(grep -c '"POST"' "$recv/requests.jsonl" || true)
run_job "$work/7a.log" fifty-teams integration:nightly "${nightly[@]}"
check "integration:nightly fails: a team branch was left out (exit $rc)" [ "$rc" -eq 1 ]
check "… it merged sales and billing and left out service" \
  grep -q 'integration branch sfci/nightly-integration at [0-9a-f]*: merged origin/feature/sales-discount, origin/feature/billing-credit-notes; left out origin/feature/service-disputes' "$work/7a.log"
conflicts="$(art integration:nightly)/sfci-reports/integration-conflicts.json"
check "… the report names both teams of the text conflict in PaymentService" python3 - "$conflicts" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
left = [f for f in r["findings"] if f["rule"] == "open-change-not-integrated"]
text = [f for f in r["findings"] if f["rule"] == "open-change-text-conflict" and f["severity"] == "error"]
ok = (len(left) == 1 and left[0]["team"] == "service" and left[0]["file"].endswith("PaymentService.cls")
      and [o["team"] for o in left[0]["others"]] == ["billing"]
      and len(text) == 1 and text[0]["team"] == "service" and text[0]["other_teams"] == ["billing"]
      and r["summary"]["integration"]["left_out"] == ["origin/feature/service-disputes"])
sys.exit(0 if ok else 1)
PY
got=$(junit integration:nightly integration-conflicts.junit.xml '*')
check "… its JUnit has failing cases ($got)" [ "${got#* }" -ge 2 ]
check "… the merged result was validated: the delta of sales and billing only, with the selected tests" python3 - "$fake/calls.log" "$(art integration:nightly)" <<'PY'
import pathlib, sys
calls = [l for l in open(sys.argv[1]) if l.startswith("sf project deploy validate")]
art = pathlib.Path(sys.argv[2])
tests = (art / "sfci-reports/selected-tests.txt").read_text().split()
package = (art / ".sfci/delta/package/package.xml").read_text()
c = calls[0] if len(calls) == 1 else ""
ok = (tests and "--manifest .sfci/delta/package/package.xml" in c
      and "--post-destructive-changes .sfci/delta/destructiveChanges/destructiveChanges.xml" in c
      and "--test-level RunSpecifiedTests" in c and all(f"--tests {t}" in c for t in tests)
      and all(f"<members>{m}</members>" in package for m in ("AccountFacade", "InvoiceDispatcher", "PaymentService"))
      and "CaseEscalationService" not in package)
if not ok:
    print(c, tests, package, file=sys.stderr)
sys.exit(0 if ok else 1)
PY
got=$(junit integration:nightly integration-validate.junit.xml '*')
check "… and its validation passed ($got)" [ "${got#* }" = 0 ]
check "… the release channel heard about the conflict and the validation" python3 - "$recv/requests.jsonl" "$posts_before" <<'PY'
import json, sys
posts = [json.loads(l) for l in open(sys.argv[1]) if '"POST"' in l][int(sys.argv[2]):]
texts = [json.loads(p["body"])["text"] for p in posts if p["path"] == "/services/T0SHIP/B0SHIPHOOKSECRET"]
sys.exit(0 if len(texts) == 2 and "validate-deps" in texts[0] and "gate deploy-result" in texts[1]
         and "origin/feature/service-disputes" in json.dumps([json.loads(p["body"]) for p in posts]) else 1)
PY
check "… nothing pushed: origin's integration branch unchanged, no sfci branch there" \
  bash -c "[ \"\$(git --git-dir='$origin' rev-parse integration)\" = '$integration_before' ] && ! git --git-dir='$origin' show-ref | grep -q sfci/"
git_ checkout -q main
git --git-dir="$origin" branch -q -D feature/service-disputes
: >"$fake/calls.log"
run_job "$work/7b.log" fifty-teams integration:nightly "${nightly[@]}"
check "integration:nightly passes once the conflicting branch is gone (exit $rc)" [ "$rc" -eq 0 ]
check "… having validated once" [ "$(grep -c '^sf project deploy validate' "$fake/calls.log")" -eq 1 ]
check "the auth URL appears in no nightly log or artifact" bash -c "! grep -rqF '$secret' '$work'/7?.log '$repo/.gitlab-ci-local/artifacts'"
git_ checkout -q main
kill $recv_pid 2>/dev/null || true

if [ "$failed" -ne 0 ]; then
  for l in 1 2 3 4 5a 5b 5c 5d 6a 6b 7a 7b; do echo "---- log of run $l"; grep -v 'warning\[' "$work/$l.log" | tail -n 40; done
fi
echo "gitlab-ci-local: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
