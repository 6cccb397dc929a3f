#!/usr/bin/env bash
# Delta mode with the real sfdx-git-delta (issue 14, parts 1 and 2).
#
#   1. `sf sgd source delta` (npm sfdx-git-delta, pinned) on two commits of a copy of
#      fixtures/enterprise-monorepo — a class added, a class deleted, an LWC changed, a
#      field deleted — writes exactly those four components to package/package.xml and
#      destructiveChanges/destructiveChanges.xml; from a commit to itself, both are empty.
#   2. The templates' delta step, run as the template runs it: jobs of whole pipeline 1
#      (ci-templates/pipelines/fifty-teams.yml) in gitlab-ci-local --force-shell-executor,
#      with tests/ship/fake-sf standing in for the org (it hands `sf sgd …` to the real
#      CLI) and a bare repository holding the deployed tag sfci/deployed/production:
#      a. prod:validate computes the delta from the tag, validates with --manifest and
#         --post-destructive-changes, and falls back to RunLocalTests naming the new class
#         no selected test reaches;
#      b. with a test for it: RunSpecifiedTests with the selected test; a validation that
#         fails on that class's coverage is validated again with RunLocalTests, naming it;
#      c. prod:backup retrieves the members of both manifests; rollback:production
#         redeploys the backup and deletes what the release added (not in the backup);
#      d. the deploy's record-deployed step moves and pushes the tag; then the delta is
#         empty: prod:validate and deploy:production skip and say so, no `sf project deploy`;
#      e. a merge request: the delta starts at the merge base;
#      f. deploy-mode: full validates the package directories as before.
#
#   tests/ship/sgd-delta.sh BIN_DIR    # BIN_DIR holds sfci and the tool links
#
# Needs sf (@salesforce/cli), npm, gitlab-ci-local and rsync; installs sfdx-git-delta
# $SGD_VERSION into a cache folder (SFCI_SHIP_CACHE, default ~/.cache/sfci-ship) and links
# it into a private sf data folder (XDG_DATA_HOME there), never into the user's sf.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bindir=$(cd "${1:?usage: sgd-delta.sh BIN_DIR}" && pwd)
export PATH="$bindir:$PATH"
for c in sf npm node gitlab-ci-local rsync python3 git; do
  command -v "$c" >/dev/null || { echo "sgd-delta: $c is not installed (.ci/ship installs it)" >&2; exit 2; }
done

# -- sfdx-git-delta, pinned, in a cache folder; linked into a private sf data folder.
# shellcheck source=tests/ship/sgd-env.sh
. "$root/tests/ship/sgd-env.sh"

work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
repo="$work/repo"
passed=0 failed=0
check() { # check NAME CONDITION-COMMAND...
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $name"; else failed=$((failed + 1)); echo "FAIL $name"; fi
}
git_() { git -C "$repo" -c user.email=ci@example.com -c user.name=ci -c commit.gpgsign=false "$@"; }
members() { # members FILE → "Type:Member ..." sorted, or "(none)"
  python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"m": "http://soap.sforce.com/2006/04/metadata"}
try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError) as e:
    print(f"unreadable: {e}"); sys.exit()
got = sorted(f"{t.find('m:name', ns).text}:{m.text}" for t in root.findall("m:types", ns) for m in t.findall("m:members", ns))
print(" ".join(got) or "(none)")
PY
}
expect_members() { # expect_members NAME FILE "EXPECTED"
  local got; got=$(members "$2")
  check "$1: $3" [ "$got" = "$3" ]
  [ "$got" = "$3" ] || echo "     got: $got"
}

cp -r "$root/fixtures/enterprise-monorepo" "$repo"
mkdir -p "$repo/ci-templates"
cp -r "$root/ci-templates/pipelines" "$repo/ci-templates/"
printf 'include:\n  - local: ci-templates/pipelines/fifty-teams.yml\n' >"$repo/.gitlab-ci.yml"
printf '.gitlab-ci-local/\nsfci-reports/\nsf-results/\n.sfci/\nbackup/\nbackup-*.tar.gz\nsfci-validation.env\n' >"$repo/.gitignore"
git_ init -q -b main
git_ add -A
git_ commit -qm "acme monorepo"
c0=$(git_ rev-parse HEAD)
classes="$repo/sales/main/default/classes"
printf 'public with sharing class QuoteService {\n    public static Integer total(Integer a, Integer b) {\n        return a + b;\n    }\n}\n' >"$classes/QuoteService.cls"
cp "$classes/AccountFacade.cls-meta.xml" "$classes/QuoteService.cls-meta.xml"
git_ rm -q sales/main/default/classes/AccountStatementExtension.cls sales/main/default/classes/AccountStatementExtension.cls-meta.xml
printf '\n// show the invoice count\n' >>"$repo/sales/main/default/lwc/accountInvoices/accountInvoices.js"
git_ rm -q billing/main/default/objects/Invoice__c/fields/Billing_Email__c.field-meta.xml
git_ add -A
git_ commit -qm "release: QuoteService, without AccountStatementExtension and Invoice__c.Billing_Email__c"
c1=$(git_ rev-parse HEAD)

pkg_c1="ApexClass:QuoteService LightningComponentBundle:accountInvoices"
del_c1="ApexClass:AccountStatementExtension CustomField:Invoice__c.Billing_Email__c"

echo "== 1. the real sfdx-git-delta $SGD_VERSION on two commits of the fixture"
out="$work/delta1"; mkdir -p "$out"
(cd "$repo" && sf sgd source delta --from "$c0" --to "$c1" --output-dir "$out" --json) >"$work/sgd1.json" 2>"$work/sgd1.err" || true
check "sf sgd source delta succeeds" python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["status"])' "$work/sgd1.json"
expect_members "package.xml: the added class and the changed LWC" "$out/package/package.xml" "$pkg_c1"
expect_members "destructiveChanges.xml: the deleted class and field" "$out/destructiveChanges/destructiveChanges.xml" "$del_c1"
out0="$work/delta0"; mkdir -p "$out0"
(cd "$repo" && sf sgd source delta --from "$c1" --to "$c1" --output-dir "$out0" --json) >/dev/null 2>&1 || true
expect_members "a commit to itself: empty package.xml" "$out0/package/package.xml" "(none)"
expect_members "… and empty destructiveChanges.xml" "$out0/destructiveChanges/destructiveChanges.xml" "(none)"

echo "== 2. the templates' delta step (gitlab-ci-local, fake org, real sgd)"
origin="$work/origin.git"
git init -q --bare "$origin"
git_ tag sfci/deployed/production "$c0"
git_ push -q "$origin" main refs/tags/sfci/deployed/production
git_ tag -d sfci/deployed/production >/dev/null
fake="$work/fake-sf"
mkdir -p "$fake" "$repo/.sfci/bin"
cp "$(readlink -f "$bindir/sfci")" "$repo/.sfci/bin/sfci"     # what sfci:tools hands on
python3 - "$root/fixtures/gate/deploy-failed.json" "$root/fixtures/gate/validate-specified-coverage.json" "$fake" <<'PY'
import copy, json, sys
failed = json.load(open(sys.argv[1]))
ok = copy.deepcopy(failed)
ok["status"] = 0
r = ok["result"]
r.update(status="Succeeded", success=True, numberComponentErrors=0, numberTestErrors=0)
r["details"].pop("componentFailures", None)
rt = r["details"]["runTestResult"]
rt.update(numFailures=0, failures=[], codeCoverageWarnings=[])
for c in rt["codeCoverage"]:
    c.update(numLocationsNotCovered=0, locationsNotCovered=[])
json.dump(ok, open(f"{sys.argv[3]}/validate.json", "w"))
deploy = copy.deepcopy(ok)
deploy["result"]["checkOnly"] = False
json.dump(deploy, open(f"{sys.argv[3]}/start.json", "w"))
json.dump(json.load(open(sys.argv[2])), open(f"{sys.argv[3]}/specified-short.json", "w"))
PY
secret="force://PlatformCLI::5Aep861.fakeRefreshToken.only-for-sgd-delta@acme.my.salesforce.com"
rel=(--variable SF_AUTH_URL="$secret" --variable FAKE_SF_AUTH_URL="$secret" --variable FAKE_SF_DIR="$fake"
  --variable PATH="$root/tests/ship/fake-sf:$PATH" --variable XDG_DATA_HOME="$XDG_DATA_HOME"
  --variable SFCI_DEPLOYED_REMOTE="$origin")
run_job() { # run_job LOG JOB [args]...: one job of the pipeline in .gitlab-ci.yml; sets $rc
  local log=$1 job=$2; shift 2
  rm -rf "$repo/.gitlab-ci-local" "$repo/sfci-reports" "$fake/calls.log"
  set +e
  (cd "$repo" && gitlab-ci-local --force-shell-executor --no-color \
    --ignore-predefined-vars "CI_PIPELINE_SOURCE${ignore:+,$ignore}" "${rel[@]}" "$@" "$job") >"$log" 2>&1
  rc=$?
  set -e
  touch "$fake/calls.log"
}
art() { echo "$repo/.gitlab-ci-local/artifacts/$(printf %s "$1" | sed 's/:/Og/')"; }
manifests="--manifest .sfci/delta/package/package.xml --post-destructive-changes .sfci/delta/destructiveChanges/destructiveChanges.xml"

echo "-- 2a. prod:validate of the release: the delta since the deployed tag"
run_job "$work/2a.log" prod:validate
check "prod:validate passes (exit $rc)" [ "$rc" -eq 0 ]
check "… the delta starts at the deployed tag" grep -q "delta: from $c0, the commit last deployed to production (tag sfci/deployed/production)" "$work/2a.log"
expect_members "… its package.xml (artifact)" "$(art prod:validate)/.sfci/delta/package/package.xml" "$pkg_c1"
expect_members "… its destructiveChanges.xml (artifact)" "$(art prod:validate)/.sfci/delta/destructiveChanges/destructiveChanges.xml" "$del_c1"
check "… sf validates the two manifests" grep -q "sf project deploy validate $manifests --target-org target --test-level RunLocalTests" "$fake/calls.log"
check "… RunLocalTests, naming the class no selected test reaches" grep -q "tests: RunLocalTests: no selected test reaches QuoteService" "$work/2a.log"
check "… and hands on the validation id" grep -q "SFCI_VALIDATION_ID=0Af" "$repo/sfci-validation.env"

echo "-- 2b. with a test for QuoteService: RunSpecifiedTests; a per-class coverage failure revalidates"
printf '@IsTest\nprivate class QuoteServiceTest {\n    @IsTest\n    static void adds() {\n        System.assertEquals(3, QuoteService.total(1, 2));\n    }\n}\n' >"$classes/QuoteServiceTest.cls"
cp "$classes/AccountFacade.cls-meta.xml" "$classes/QuoteServiceTest.cls-meta.xml"
git_ add -A
git_ commit -qm "sales: a test for QuoteService"
c2=$(git_ rev-parse HEAD)
cp "$fake/specified-short.json" "$fake/validate.1.json"
run_job "$work/2b.log" prod:validate
check "prod:validate passes after the revalidation (exit $rc)" [ "$rc" -eq 0 ]
check "… first RunSpecifiedTests with the selected test" grep -q "sf project deploy validate $manifests --target-org target --test-level RunSpecifiedTests .*--tests QuoteServiceTest" "$fake/calls.log"
check "… says which tests it selected" grep -q "tests: RunSpecifiedTests with .*QuoteServiceTest" "$work/2b.log"
check "… names the class under 75 % and validates again with RunLocalTests" grep -q "tests: QuoteService (40%), QuoteTrigger (0%) under 75 % from the selected tests: validating again with RunLocalTests" "$work/2b.log"
check "… the second validation runs RunLocalTests" bash -c "[ \$(grep -c 'sf project deploy validate' '$fake/calls.log') -eq 2 ] && tail -n 1 '$fake/calls.log' | grep -q -- '--test-level RunLocalTests'"

echo "-- 2c. prod:backup retrieves both manifests; rollback:production deletes what the release added"
printf 'ApexClass:QuoteService\nApexClass:QuoteServiceTest\n' >"$fake/org-missing.txt"
rm -rf "$repo/backup" "$repo/sf-results"
run_job "$work/2c.log" prod:backup
check "prod:backup passes (exit $rc)" [ "$rc" -eq 0 ]
expect_members "… retrieves the members of package.xml and destructiveChanges.xml" "$repo/backup/release-package.xml" \
  "ApexClass:AccountStatementExtension ApexClass:QuoteService ApexClass:QuoteServiceTest CustomField:Invoice__c.Billing_Email__c LightningComponentBundle:accountInvoices"
check "… through sf project retrieve start --manifest" grep -q "sf project retrieve start --manifest backup/release-package.xml" "$fake/calls.log"
check "… keeps the delta with the backup" test -s "$(art prod:backup)/backup/delta-package/package.xml"
# The rollback job gets the backup job's artifacts (backup/, sf-results/backup.json): here
# they are still in the working tree of the shell executor.
run_job "$work/2d.log" rollback:production --manual rollback:production
check "rollback:production passes (exit $rc)" [ "$rc" -eq 0 ]
expect_members "… deletes what the release added (destructiveChangesPost.xml of the backup)" "$repo/backup/unpackaged/destructiveChangesPost.xml" \
  "ApexClass:QuoteService ApexClass:QuoteServiceTest"
check "… and says so" grep -q "rollback: deletes ApexClass QuoteService (added by the release, not in the backup)" "$work/2d.log"
check "… in the one redeploy of the backup" grep -q "sf project deploy start --metadata-dir backup/unpackaged --target-org target --test-level RunLocalTests" "$fake/calls.log"
rm -f "$fake/org-missing.txt"

echo "-- 2d. after a successful deploy the tag moves; then the delta is empty and the release skips"
cat >"$repo/.gitlab-ci.yml" <<'YML'
include:
  - local: ci-templates/pipelines/fifty-teams.yml
# The deploy job's last step, as it runs after `gate deploy-result` passed.
record:deployed:
  extends: .sfci-sf
  stage: verify
  environment: { name: production }
  script:
    - !reference [.sfci-sf-scripts, delta]
    - !reference [.sfci-sf-scripts, record-deployed]
YML
run_job "$work/2e.log" record:deployed
check "the record step passes (exit $rc)" [ "$rc" -eq 0 ]
check "… the deployed tag on the remote is HEAD" [ "$(git --git-dir "$origin" rev-parse -q --verify 'refs/tags/sfci/deployed/production^{commit}')" = "$c2" ]
check "… and says so" grep -q "deployed: tag sfci/deployed/production" "$work/2e.log"
run_job "$work/2f.log" record:deployed --variable SFCI_DEPLOYED_REMOTE=
check "without a remote or token it does not record, and says so (exit $rc)" grep -q "NOT recorded: set SFCI_GIT_PUSH_TOKEN" "$work/2f.log"
printf 'include:\n  - local: ci-templates/pipelines/fifty-teams.yml\n' >"$repo/.gitlab-ci.yml"
run_job "$work/2g.log" prod:validate
check "prod:validate of an empty delta passes (exit $rc)" [ "$rc" -eq 0 ]
check "… and says there is nothing to deploy" grep -q "delta: nothing to deploy or delete between $c2 and HEAD: skipping the deployment" "$work/2g.log"
check "… without any sf project deploy" bash -c "! grep -q 'sf project deploy' '$fake/calls.log'"
check "… and hands on no validation id" bash -c "! grep -q SFCI_VALIDATION_ID '$repo/sfci-validation.env'"
run_job "$work/2h.log" deploy:production --manual deploy:production
check "deploy:production of an empty delta passes (exit $rc)" [ "$rc" -eq 0 ]
check "… says it deployed nothing" grep -q "deploy: the delta is empty; nothing deployed to production" "$work/2h.log"
check "… without any sf project deploy" bash -c "! grep -q 'sf project deploy' '$fake/calls.log'"

echo "-- 2e. a merge request: the delta starts at the merge base"
git_ checkout -q -b feature/quote-rounding
sed -i 's/return a + b;/return Math.abs(a) + b;/' "$classes/QuoteService.cls"
git_ commit -qam "sales: quotes never negative"
mr=(--variable CI_PIPELINE_SOURCE=merge_request_event --variable CI_MERGE_REQUEST_IID=7
  --variable CI_MERGE_REQUEST_DIFF_BASE_SHA="$c2" --variable CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main
  --variable CI_MERGE_REQUEST_SOURCE_BRANCH_NAME=feature/quote-rounding)
run_job "$work/2i.log" test:apex "${mr[@]}"
check "test:apex passes (exit $rc)" [ "$rc" -eq 0 ]
check "… from the merge base" grep -q "delta: from the merge base $c2" "$work/2i.log"
expect_members "… the changed class only" "$(art test:apex)/.sfci/delta/package/package.xml" "ApexClass:QuoteService"
check "… validated with the selected test" grep -q "sf project deploy validate $manifests --target-org target --test-level RunSpecifiedTests --tests QuoteServiceTest " "$fake/calls.log"
git_ checkout -q main

echo "-- 2f. deploy-mode: full"
printf 'include:\n  - local: ci-templates/pipelines/fifty-teams.yml\n    inputs:\n      deploy-mode: full\n' >"$repo/.gitlab-ci.yml"
run_job "$work/2j.log" prod:validate
check "prod:validate in full mode passes (exit $rc)" [ "$rc" -eq 0 ]
check "… validates the package directories with RunLocalTests, no manifest" grep -q "sf project deploy validate --target-org target --test-level RunLocalTests" "$fake/calls.log"
check "… and runs no delta" bash -c "! grep -q 'sf sgd' '$fake/calls.log'"

check "the auth URL appears in no log and no artifact" bash -c "! grep -rqF '$secret' '$work'/2?.log '$repo/.gitlab-ci-local/artifacts' '$fake/calls.log'"

if [ "$failed" -ne 0 ]; then
  for l in 2a 2b 2c 2d 2e 2f 2g 2h 2i 2j; do [ -f "$work/$l.log" ] && { echo "---- log of run $l"; tail -n 40 "$work/$l.log"; }; done
  cat "$work/sgd1.err" 2>/dev/null | grep -v '^    at ' | head -n 20 || true
fi
echo "sgd-delta: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
