#!/usr/bin/env bash
# Runs the release stages' sfci jobs of the three whole pipelines (ci-templates/pipelines/
# fifty-teams, blue-green, production-runbook) for real, one job at a time, with
# gitlab-ci-local in the shell executor, on a copy of fixtures/enterprise-monorepo (issue 14.3):
#
#   - a fake Salesforce org (tests/ship/fake-org.py: OAuth refresh-token grant, REST and
#     Tooling query, the Metadata REST deployRequest that `gate deploy-watch` polls and PATCHes)
#     that `smoke`, `gate error-rate` and `gate deploy-watch` talk to over HTTP;
#   - a REAL Redis (redis-server on a free 127.0.0.1 port, no persistence, stopped on exit)
#     behind SFCI_REDIS_URL, for `gate lock`;
#   - the Salesforce CLI replaced by tests/ship/fake-sf/sf (saved deploy results), behind a
#     probe that records, at each `sf project deploy` call, who holds the Redis lock, and that
#     answers `sf apex run test` from a saved result;
#   - a webhook receiver (tests/ship/fake-receiver.py) for SFCI_NOTIFY_URL.
#
# Each job runs on its success path and on one failure of its own (window closed, lock held
# by another pipeline, a deployment that stalls, failed tests, a smoke check, an error-rate
# spike, a failing test run). The checks are what a release manager relies on: the job's exit
# status, the lock in Redis during the deploy and gone after it (also when the job fails), the
# other pipeline's lock untouched, JUnit files and their counts, the findings in the log, the
# webhook posts, and the org's auth URL / refresh token never printed.
#
#   tests/ship/release-jobs.sh BIN_DIR    # BIN_DIR holds sfci and the tool links
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bindir=$(cd "${1:?usage: release-jobs.sh BIN_DIR}" && pwd)
export PATH="$bindir:$PATH"
for c in gitlab-ci-local rsync redis-server redis-cli python3 node; do
  command -v "$c" >/dev/null || { echo "release-jobs.sh: $c is not installed" >&2; exit 2; }
done

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
started=$(date +%s)
tmp_root=${TMPDIR:-/tmp}
touch "$work/started"   # files the jobs leave in $tmp_root are newer
repo="$work/repo"
passed=0 failed=0
check() { # check NAME CONDITION-COMMAND...
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $name"; else failed=$((failed + 1)); echo "FAIL $name"; fi
}
git_() { git -C "$repo" -c user.email=ci@example.com -c user.name=ci -c commit.gpgsign=false "$@"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_file() { for _ in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.1; done; echo "$1 never appeared" >&2; exit 2; }

# ---------------------------------------------------------------- servers
redis_port=$(free_port)
mkdir -p "$work/redis"
redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
  --dir "$work/redis" --daemonize no --logfile "$work/redis/redis.log" &
pids+=($!)
for _ in $(seq 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$redis_port" ping >/dev/null || { echo "redis-server did not start" >&2; cat "$work/redis/redis.log" >&2; exit 2; }
rc_() { redis-cli -p "$redis_port" --raw "$@"; }
redis_url="redis://127.0.0.1:$redis_port/0"

refresh="5Aep861.SHIPrefreshTOKEN.release-jobs-0123456789"
org="$work/org"; mkdir -p "$org"
python3 "$root/tests/ship/fake-org.py" "$org" "$refresh" & pids+=($!)
wait_file "$org/port"
auth_url="force://PlatformCLI::$refresh@http://127.0.0.1:$(cat "$org/port")"

recv="$work/receiver"; mkdir -p "$recv"
python3 "$root/tests/ship/fake-receiver.py" "$recv" & pids+=($!)
wait_file "$recv/port"
hook="http://127.0.0.1:$(cat "$recv/port")/services/T0REL/B0RELEASEHOOKSECRET"
echo "== redis-server :$redis_port, fake org :$(cat "$org/port"), webhook receiver :$(cat "$recv/port")"

# ---------------------------------------------------------------- the repository
cp -r "$root/fixtures/enterprise-monorepo" "$repo"
mkdir -p "$repo/ci-templates" "$repo/.sfci/bin"
cp -r "$root/ci-templates/pipelines" "$repo/ci-templates/"
cp "$(readlink -f "$bindir/sfci")" "$repo/.sfci/bin/sfci"     # what sfci:tools hands on
printf '.gitlab-ci-local/\nsfci-reports/\nsf-results/\n.sfci/\nbackup/\nbackup-*.tar.gz\nsfci-validation.env\n' >"$repo/.gitignore"
# The team's smoke spec (Scenario 2's incidents), tagged for blue-green's two smoke stages.
cat >"$repo/smoke.yml" <<'YAML'
checks:
  - name: connected to production
    org: {id: 00D5g000004FAKEEAA, sandbox: false}
  - name: opportunity approval process is active
    tags: [flags-off]
    soql: SELECT Id, State FROM ProcessDefinition WHERE Type = 'Approval' AND DeveloperName = 'Opportunity_Approval'
    expect: {count: 1, equals: {State: Active}}
  - name: release permission set assigned
    tags: [test-users]
    soql: SELECT Id FROM PermissionSetAssignment WHERE PermissionSet.Name = 'Opportunity_Flow_v2' AND Assignee.IsActive = true
    expect: {min: 1}
  - name: no invalid Apex classes
    tooling: SELECT Id, Name FROM ApexClass WHERE IsValid = false
    expect: {count: 0}
YAML
git_ init -q -b main
git_ remote add origin git@gitlab.example.com:acme/salesforce.git
git_ add -A
git_ commit -qm "acme monorepo with its smoke spec"
git_ update-ref refs/remotes/origin/main HEAD
git_ symbolic-ref refs/remotes/origin/HEAD refs/remotes/origin/main

# ---------------------------------------------------------------- the org and sf, as files
sfdir="$work/sf"; mkdir -p "$sfdir" "$work/sf-bin"
# The probe in front of tests/ship/fake-sf/sf: who holds the lock at each deploy call.
cat >"$work/sf-bin/sf" <<SH
#!/usr/bin/env bash
set -euo pipefail
if [ "\${1:-} \${2:-}" = "project deploy" ]; then
  echo "\$3 \${CI_ENVIRONMENT_NAME:-?} \$(redis-cli -p $redis_port --raw GET "sfci:lock:\${CI_ENVIRONMENT_NAME:-?}:holder" | tr -d '\n')" >>"$sfdir/lock-seen.log"
fi
if [ "\${1:-} \${2:-} \${3:-}" = "apex run test" ]; then
  echo "sf \$*" >>"$sfdir/calls.log"
  cat "$sfdir/test-run.json"
  exit "\$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("status", 1))' "$sfdir/test-run.json")"
fi
exec "$root/tests/ship/fake-sf/sf" "\$@"
SH
chmod +x "$work/sf-bin/sf"
python3 - "$root" "$sfdir" <<'PY'
import copy, json, sys
root, out = sys.argv[1], sys.argv[2]
def save(name, doc): json.dump(doc, open(f"{out}/{name}", "w"), indent=1)
failed = json.load(open(f"{root}/fixtures/gate/deploy-failed.json"))
failed["result"]["checkOnly"] = False          # the fixture is a validation; this is the deployment
ok = json.load(open(f"{root}/fixtures/gate/deploy-succeeded.json"))
save("report-ok.json", ok)
save("report-failed.json", failed)
canceled = copy.deepcopy(failed)
canceled["result"].update(status="Canceled", success=False)
canceled["result"]["details"].pop("componentFailures", None)
save("report-canceled.json", canceled)
# `sf project deploy start|quick --async --json`: the id of the deployment it queued.
for verb, job in (("start", "0Af5g00000DePlYCAE"), ("quick", "0Af5g00000QuIcKCAE")):
    save(f"async-{verb}.json", {"status": 0, "result": {"id": job, "status": "Queued", "done": False,
                                                        "checkOnly": False, "success": False}})
# rollback: a synchronous `sf project deploy start --metadata-dir backup/unpackaged`.
rb = copy.deepcopy(ok)
rb["result"]["details"].pop("runTestResult", None)
rb["result"].update(numberTestsTotal=0, numberTestsCompleted=0, id="0Af5g00000RoLLbCAE")
save("rollback-ok.json", rb)
# `sf apex run test --json` (the real output of learning4life's 15 tests), passing and failing.
run = json.load(open(f"{root}/fixtures/salesforce/apex-run-test/mburnside999-learning4life/test-result-707Bm000003jiC1.json"))
run["summary"]["orgWideCoverage"] = "91%"
save("test-run-ok.json", {"status": 0, "result": run})
bad = copy.deepcopy(run)
t = bad["tests"][0]
t.update(Outcome="Fail", Message="System.AssertException: Assertion Failed: Expected: 3, Actual: 2",
         StackTrace=f"Class.{t['ApexClass']['Name']}.{t['MethodName']}: line 42, column 1")
bad["summary"].update(outcome="Failed", passing=bad["summary"]["passing"] - 1, failing=1)
save("test-run-failed.json", {"status": 100, "result": bad})
print("saved", len(bad["tests"]), "tests; failing:", f"{t['ApexClass']['Name']}.{t['MethodName']}")
PY
failing_test=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["result"]["tests"][0]; print(t["ApexClass"]["Name"] + "." + t["MethodName"])' "$sfdir/test-run-failed.json")
run_tests=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["result"]["tests"]))' "$sfdir/test-run-ok.json")

org_state() { # org_state JSON: what the fake org answers from now on
  printf '%s' "$1" >"$org/org.json"
}
deploy_states() { # deploy_states JOB-ID STATE-JSON...: the deployRequest answers, in order
  local id=$1; shift
  python3 - "$org/org.json" "$id" "$@" <<'PY'
import json, sys
p, job, states = sys.argv[1], sys.argv[2], [json.loads(s) for s in sys.argv[3:]]
d = json.load(open(p))
d.setdefault("deploy", {})[job] = states
json.dump(d, open(p, "w"))
PY
}
base_org='{"queries": [
 {"match": "FROM Organization", "records": [{"attributes": {"type": "Organization"}, "Id": "00D5g000004FAKEEAA", "Name": "Acme Corp", "InstanceName": "NA224", "IsSandbox": false}]},
 {"match": "FROM ProcessDefinition", "records": [{"attributes": {"type": "ProcessDefinition"}, "Id": "04a000000000001", "State": "Active"}]},
 {"match": "FROM PermissionSetAssignment", "records": [{"attributes": {"type": "PermissionSetAssignment"}, "Id": "0Pa000000000001"}]},
 {"match": "FROM ApexClass WHERE IsValid = false", "api": "tooling", "records": []},
 {"match": "LAST_N_MINUTES:5", "totalSize": 2},
 {"match": "YESTERDAY", "totalSize": 288}]}'
inactive_org=${base_org/\"State\": \"Active\"/\"State\": \"Inactive\"}
spike_org=${base_org/\"totalSize\": 2\}/\"totalSize\": 40\}}
succeeded='{"status": "Succeeded", "done": true, "success": true, "numberComponentsDeployed": 2, "numberComponentsTotal": 2, "numberComponentErrors": 0, "numberTestsCompleted": 3, "numberTestsTotal": 3, "numberTestErrors": 0}'
running='{"status": "InProgress", "done": false, "numberComponentsDeployed": 2, "numberComponentsTotal": 2, "numberComponentErrors": 0, "numberTestsCompleted": 415, "numberTestsTotal": 500, "numberTestErrors": 0, "stateDetail": "Running Test: InvoiceExportServiceTest"}'
tests_failed='{"status": "Failed", "done": true, "success": false, "numberComponentsDeployed": 2, "numberComponentsTotal": 2, "numberComponentErrors": 0, "numberTestsCompleted": 1, "numberTestsTotal": 3, "numberTestErrors": 2}'

# ---------------------------------------------------------------- running one job
# gitlab-ci-local predefines GITLAB_CI=false and its own CI_PIPELINE_SOURCE; a release runs on
# the default branch (push or schedule) with the org's auth URL as a CI variable (the tools and
# the fake sf see the same URL), the lock's Redis, the release channel's webhook, and short
# waits so a failure shows in seconds (lock-wait 3s, stall-after 2s, error-rate 2 × 1s).
rel=(--variable GITLAB_CI=true --variable CI_PIPELINE_SOURCE=push
  --variable SF_AUTH_URL="$auth_url" --variable FAKE_SF_AUTH_URL="$auth_url" --variable FAKE_SF_DIR="$sfdir"
  --variable PATH="$work/sf-bin:$root/tests/ship/fake-sf:$PATH"
  --variable SFCI_REDIS_URL="$redis_url" --variable SFCI_NOTIFY_URL="$hook"
  --variable SFCI_LOCK_WAIT=3s --variable SFCI_INTERVAL=1s --variable SFCI_COUNT=2)
n=0
run_job() { # run_job PIPELINE JOB [gitlab-ci-local args]...; sets $rc and $log
  local file=$1 job=$2; shift 2
  n=$((n + 1)); log="$work/$n.log"; job_name=$job
  rm -rf "$repo/.gitlab-ci-local" "$repo/sfci-reports" "$repo/sf-results" "$repo/.sfci/lock-token" "$repo/sfci-validation.env"
  : >"$sfdir/calls.log"; : >"$sfdir/lock-seen.log"; : >"$recv/requests.jsonl"; : >"$org/requests.jsonl"
  printf 'include:\n  - local: ci-templates/pipelines/%s.yml\n' "$file" >"$repo/.gitlab-ci.yml"
  set +e
  (cd "$repo" && timeout 120 gitlab-ci-local --force-shell-executor --no-color \
    --ignore-predefined-vars GITLAB_CI,CI_PIPELINE_SOURCE "${rel[@]}" "$@" "$job") >"$log" 2>&1
  rc=$?
  set -e
  echo "-- $file $job → exit $rc ($(basename "$log"))"
}
art() { echo "$repo/.gitlab-ci-local/artifacts/$(printf %s "$1" | sed 's/:/Og/')"; }
# The script's own exit status, from the job log (gitlab-ci-local exits 0 for a failed job
# that may fail, such as the manual rollbacks: allow_failure).
job_exit() { sed -n 's/.* finished in .* \(FAIL\|WARN\) \([0-9]*\) *$/\2/p' "$log" | tail -n 1 | grep . || echo 0; }
junit() { # junit JOB FILE → "tests failures" of the JUnit file the job wrote (reports:junit)
  python3 - "$repo/sfci-reports/$2" <<'PY'
import sys, xml.etree.ElementTree as ET
cases = list(ET.parse(sys.argv[1]).getroot().iter("testcase"))
print(len(cases), sum(1 for c in cases if c.find("failure") is not None or c.find("error") is not None))
PY
}
expect_junit() { # expect_junit JOB FILE "TESTS FAILURES"
  local got
  got=$(junit "$1" "$2" 2>&1) || got="unreadable: $(printf %s "$got" | tail -n 1)"
  check "$1 $2: tests/failures $3 (got $got)" [ "$got" = "$3" ]
}
failed_with() { [ "$rc" -ne 0 ] && [ "$(job_exit)" = "$1" ]; }
passed_job() { [ "$rc" -eq 0 ] && [ "$(job_exit)" = 0 ] && grep -qE "^ PASS +$job_name( |$)" "$log"; }
in_log() { grep -qE -- "$1" "$log"; }
posts() { # posts → the webhook messages (one JSON per line)
  python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["method"] == "POST" and r["path"] == "/services/T0REL/B0RELEASEHOOKSECRET":
        print(json.dumps(json.loads(r["body"])))' "$recv/requests.jsonl"
}
posted() { # posted TEXT [TEXT2]: one message holds both
  posts | grep -F -- "$1" | grep -qF -- "${2:-$1}"
}
no_secret() { # the auth URL, its refresh token, the access token and the webhook never printed
  ! grep -rqF -e "$refresh" -e "fake-org-access-token" -e "B0RELEASEHOOKSECRET" "$log" "$repo/.gitlab-ci-local/artifacts" 2>/dev/null
}
other_token="$work/other.token"
lock_of() { rc_ GET "sfci:lock:$1"; }
lock_seen() { # lock_seen VERB ENV: this pipeline (acme/salesforce#ID) held ENV's lock when `sf project deploy VERB` ran
  grep -qE "^$1 $2 \{.*\"owner\": *\"acme/salesforce#[0-9]+\".*\"env\": *\"$2\"" "$sfdir/lock-seen.log"
}
take_lock() { # take_lock OWNER: another pipeline holds the production lock (token in $other_token)
  gate lock acquire --redis "$redis_url" --env production --owner "$1" --ttl 5m --token-file "$other_token" >/dev/null
}
set_sf() { # set_sf VERB SAVED: `sf project deploy VERB` answers the saved result
  cp "$sfdir/$2" "$sfdir/$1.json"
}

# ================================================================= 1. fifty-teams
echo "== 1. fifty-teams: prod:window, prod:backup, deploy:production, smoke:production, rollback:production, deploy/smoke:integration, deploy/smoke:uat"
org_state "$base_org"
tomorrow=$(date -u -d tomorrow +%a)
open_window="daily 00:00-12:00 UTC;daily 12:00-00:00 UTC"
closed_window="$tomorrow 10:00-10:01 UTC"
run_job fifty-teams prod:window --variable SFCI_WINDOW="$open_window"
check "prod:window passes inside the window (job exit $(job_exit))" passed_job
expect_junit prod:window gate-window.junit.xml "1 0"
run_job fifty-teams prod:window --variable SFCI_WINDOW="$closed_window"
check "prod:window fails outside the window (job exit $(job_exit))" failed_with 1
check "… saying when it opens next" in_log "next window opens"
expect_junit prod:window gate-window.junit.xml "1 1"
check "… no notification without an override" [ -z "$(posts)" ]

run_job fifty-teams prod:backup
check "prod:backup retrieves the release's components (job exit $(job_exit))" passed_job
check "… and keeps backup/unpackaged for the rollback" test -d "$(art prod:backup)/backup/unpackaged"

# deploy:production quick-deploys the validation prod:validate handed on (dotenv).
set_sf quick async-quick.json; set_sf report report-ok.json
deploy_states 0Af5g00000QuIcKCAE "$succeeded"
run_job fifty-teams deploy:production --manual deploy:production --variable SFCI_VALIDATION_ID=0Af5g00000XyZ01CAE
check "deploy:production passes (job exit $(job_exit))" passed_job
check "… quick-deploys the validated id, no second full deploy" bash -c "grep -q 'sf project deploy quick --job-id 0Af5g00000XyZ01CAE' '$sfdir/calls.log' && ! grep -q 'deploy start' '$sfdir/calls.log'"
check "… holding the production lock while sf deploys" lock_seen quick production
check "… and the lock is released after the job" [ -z "$(lock_of production)" ]
check "… deploy-watch followed the quick deploy's id in the org" grep -q '"path": "/services/data/v66.0/metadata/deployRequest/0Af5g00000QuIcKCAE"' "$org/requests.jsonl"
expect_junit deploy:production gate-lock.junit.xml "1 0"
expect_junit deploy:production deploy-watch.junit.xml "1 0"
# deploy.junit.xml: the deployment status, the components, one case per Apex test, the coverage.
expect_junit deploy:production deploy.junit.xml "$(( $(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["result"]["details"]["runTestResult"]; print(len(r["successes"]))' "$sfdir/report-ok.json") + 3 )) 0"
check "… the deployment record written" test -s "$(art deploy:production)/sfci-reports/deployments.jsonl"
check "… the release channel told of the deployment" posted 'gate deploy-result: passed'
check "… no secret printed" no_secret

# Failure 1: another pipeline (another repository deploying to the same org) holds the lock.
check "(setup) billing-repo#4711 takes the production lock" take_lock "billing-repo#4711"
run_job fifty-teams deploy:production --manual deploy:production --variable SFCI_VALIDATION_ID=0Af5g00000XyZ01CAE
check "deploy:production fails while another pipeline holds the lock (job exit $(job_exit))" failed_with 1
check "… naming the holder" in_log "billing-repo#4711"
check "… without deploying anything" bash -c "! grep -q 'project deploy' '$sfdir/calls.log'"
check "… and leaves the other pipeline's lock alone" [ "$(lock_of production)" = "$(cat "$other_token")" ]
expect_junit deploy:production gate-lock.junit.xml "1 1"
gate lock release --redis "$redis_url" --env production --token-file "$other_token" >/dev/null 2>&1 || true

# Failure 2: the deployment stalls on one test class; the watch cancels it.
set_sf report report-canceled.json
deploy_states 0Af5g00000QuIcKCAE "$running"
run_job fifty-teams deploy:production --manual deploy:production --variable SFCI_VALIDATION_ID=0Af5g00000XyZ01CAE --variable SFCI_STALL_AFTER=2s
check "deploy:production fails on a stalled deployment (job exit $(job_exit))" failed_with 1
check "… naming the test class still running" in_log "stalled: no progress.*InvoiceExportServiceTest"
check "… and cancels it in the org" python3 -c '
import json, sys
p = [json.loads(l) for l in open(sys.argv[1]) if "PATCH" in l]
sys.exit(0 if len(p) == 1 and json.loads(p[0]["body"]) == {"deployResult": {"status": "Canceling"}} else 1)' "$org/requests.jsonl"
check "… then judges the cancelled deployment's report" in_log "the deployment ended with status Canceled"
check "… the lock is released by after_script" [ -z "$(lock_of production)" ]
expect_junit deploy:production deploy-watch.junit.xml "1 1"

# Failure 3: the deployment ends Failed on two failing tests.
set_sf report report-failed.json
deploy_states 0Af5g00000QuIcKCAE "$tests_failed"
run_job fifty-teams deploy:production --manual deploy:production --variable SFCI_VALIDATION_ID=0Af5g00000XyZ01CAE
check "deploy:production fails when tests fail (job exit $(job_exit))" failed_with 1
check "… naming the failing test" in_log "AccountServiceTest.scoresRich"
check "… the lock held while sf reported the failed deployment" lock_seen report production
check "… and released by after_script" [ -z "$(lock_of production)" ]
check "… the failed deployment recorded" grep -q '"kind":"deployment".*"outcome":"failure"' "$repo/sfci-reports/deployments.jsonl"
got=$(junit deploy:production deploy.junit.xml 2>/dev/null) || got="no such file"
check "… deploy.junit.xml has the failing tests ($got)" [ "${got#* }" -ge 2 ] 2>/dev/null
check "… the release channel told of the failure, naming the test" posted 'gate deploy-result: failed' 'AccountServiceTest: scoresRich'

run_job fifty-teams smoke:production
check "smoke:production passes (job exit $(job_exit))" passed_job
expect_junit smoke:production smoke-smoke-production.junit.xml "4 0"
org_state "$inactive_org"
run_job fifty-teams smoke:production
check "smoke:production fails on an inactive approval process (job exit $(job_exit))" failed_with 1
check "… saying what it found" in_log 'State: expected "Active", got "Inactive"'
expect_junit smoke:production smoke-smoke-production.junit.xml "4 1"
check "… and posts it to the release channel" posted 'approval process is active'
check "… no secret printed" no_secret
org_state "$base_org"

set_sf start rollback-ok.json
run_job fifty-teams rollback:production --manual rollback:production
check "rollback:production redeploys the backup (job exit $(job_exit))" passed_job
check "… from backup/unpackaged" grep -q 'sf project deploy start --metadata-dir backup/unpackaged' "$sfdir/calls.log"
expect_junit rollback:production rollback.junit.xml "4 0"   # status, components; tests and coverage skipped (no test ran)
rm -rf "$repo/backup"
run_job fifty-teams rollback:production --manual rollback:production
check "rollback:production without the backup artifact: job exit $(job_exit) (2), a warning in the pipeline (allow_failure)" \
  bash -c "[ '$(job_exit)' = 2 ] && grep -qE '^ WARN +rollback:production( |$)' '$log'"
check "… saying why, and deploying nothing" bash -c "grep -q 'needs the artifacts of the backup job' '$log' && ! grep -q 'project deploy' '$sfdir/calls.log'"

# deploy:integration: the same hidden job on the integration branch, with its own lock.
git_ branch -f integration HEAD
git_ checkout -q integration
set_sf start async-start.json; set_sf report report-ok.json
deploy_states 0Af5g00000DePlYCAE "$succeeded"
run_job fifty-teams deploy:integration
check "deploy:integration passes (job exit $(job_exit))" passed_job
check "… sf deploy start with RunLocalTests, async" grep -q 'sf project deploy start --target-org target --test-level RunLocalTests --async --json' "$sfdir/calls.log"
check "… holding the integration lock while sf deploys" lock_seen start integration
check "… and the lock is released" [ -z "$(lock_of integration)" ]
run_job fifty-teams smoke:integration
check "smoke:integration passes (job exit $(job_exit))" passed_job
# deploy:uat (manual on the uat branch) and its smoke, with the uat lock.
git_ branch -f uat HEAD
git_ checkout -q uat
run_job fifty-teams deploy:uat --manual deploy:uat
check "deploy:uat passes (job exit $(job_exit))" passed_job
check "… holding the uat lock while sf deploys" lock_seen start uat
check "… and the lock is released" [ -z "$(lock_of uat)" ]
run_job fifty-teams smoke:uat
check "smoke:uat passes (job exit $(job_exit))" passed_job
git_ checkout -q main

# ================================================================= 2. blue-green
echo "== 2. blue-green: backup:production, deploy:production, smoke:flags-off, smoke:test-users, gate:10percent, monitor:production, rollback:code"
org_state "$base_org"
run_job blue-green backup:production
check "backup:production passes (job exit $(job_exit))" passed_job
# deploy:production (flag off): a full `sf project deploy start --async`, watched, then judged.
set_sf start async-start.json; set_sf report report-ok.json
deploy_states 0Af5g00000DePlYCAE "$succeeded"
run_job blue-green deploy:production
check "deploy:production passes (job exit $(job_exit))" passed_job
check "… holding the production lock while sf deploys" lock_seen start production
check "… and while sf reports the result" lock_seen report production
check "… and the lock is released" [ -z "$(lock_of production)" ]
expect_junit deploy:production deploy-watch.junit.xml "1 0"
check "… no secret printed" no_secret
# Failure: the deployment ends Failed (tests) — the lock is released all the same.
set_sf report report-failed.json
deploy_states 0Af5g00000DePlYCAE "$tests_failed"
run_job blue-green deploy:production
check "deploy:production fails when tests fail (job exit $(job_exit))" failed_with 1
check "… naming the failing test" in_log "AccountServiceTest.scoresRich"
check "… the lock is released by after_script" [ -z "$(lock_of production)" ]

run_job blue-green smoke:flags-off
check "smoke:flags-off passes (job exit $(job_exit))" passed_job
check "… running only the flags-off checks" in_log 'approval process is active'
expect_junit smoke:flags-off smoke-smoke-flags-off.junit.xml "4 0"
run_job blue-green smoke:test-users
check "smoke:test-users passes (job exit $(job_exit))" passed_job
org_state "$inactive_org"
run_job blue-green smoke:flags-off
check "smoke:flags-off fails on an inactive approval process (job exit $(job_exit))" failed_with 1
check "… and posts it to the release channel" posted 'approval process is active'
org_state "$base_org"

# The error-rate gates after each activation step, and the monitor: SOQL counts in the org.
run_job blue-green gate:10percent
check "gate:10percent passes at 2 errors against a threshold of 5 (job exit $(job_exit))" passed_job
check "… measured twice in the org" [ "$(grep -c 'LAST_N_MINUTES' "$org/requests.jsonl")" -eq 2 ]
expect_junit gate:10percent gate-error-rate-gate-10percent.junit.xml "3 0"
org_state "$spike_org"
run_job blue-green gate:10percent
check "gate:10percent fails on an error spike (40 > 5) (job exit $(job_exit))" failed_with 1
got=$(junit gate:10percent gate-error-rate-gate-10percent.junit.xml 2>/dev/null) || got="no such file"
check "… the measurements and the verdict fail in JUnit ($got)" [ "${got#* }" -ge 2 ] 2>/dev/null
run_job blue-green monitor:production
check "monitor:production fails on the same spike (job exit $(job_exit))" failed_with 1
check "… no secret printed" no_secret
org_state "$base_org"
run_job blue-green monitor:production
check "monitor:production passes when the errors are back to normal (job exit $(job_exit))" passed_job

set_sf start rollback-ok.json
run_job blue-green rollback:code --manual rollback:code
check "rollback:code redeploys the backup (job exit $(job_exit))" passed_job

# ================================================================= 3. production-runbook
echo "== 3. production-runbook: pre:window, backup:production, deploy:production, verify:tests, verify:smoke, rollback:production"
run_job production-runbook pre:window --variable SFCI_WINDOW="$open_window"
check "pre:window passes inside the window (job exit $(job_exit))" passed_job
run_job production-runbook pre:window --variable SFCI_WINDOW="$closed_window"
check "pre:window fails outside the window (job exit $(job_exit))" failed_with 1
run_job production-runbook pre:window --variable SFCI_WINDOW="$closed_window" --variable SFCI_OVERRIDE_REASON="INC-4711 payment hotfix"
check "pre:window passes with a break-glass reason (job exit $(job_exit))" passed_job
check "… announced on the release channel" posted 'INC-4711 payment hotfix'

run_job production-runbook backup:production
check "backup:production passes (job exit $(job_exit))" passed_job

set_sf quick async-quick.json; set_sf report report-ok.json
deploy_states 0Af5g00000QuIcKCAE "$succeeded"
run_job production-runbook deploy:production --manual deploy:production --variable SFCI_VALIDATION_ID=0Af5g00000XyZ01CAE
check "deploy:production passes (job exit $(job_exit))" passed_job
check "… holding the production lock while sf deploys" lock_seen quick production
check "… and the lock is released" [ -z "$(lock_of production)" ]
# Failure: the lock is held; the job waits lock-wait (3s), then fails.
check "(setup) hotfix-pipeline#815 takes the production lock" take_lock "hotfix-pipeline#815"
t0=$(date +%s)
run_job production-runbook deploy:production --manual deploy:production --variable SFCI_VALIDATION_ID=0Af5g00000XyZ01CAE
check "deploy:production fails while another pipeline holds the lock (job exit $(job_exit))" failed_with 1
check "… after waiting lock-wait for it ($(( $(date +%s) - t0 )) s ≥ 3 s)" [ $(( $(date +%s) - t0 )) -ge 3 ]
check "… the other pipeline's lock untouched" [ "$(lock_of production)" = "$(cat "$other_token")" ]
gate lock release --redis "$redis_url" --env production --token-file "$other_token" >/dev/null 2>&1 || true

cp "$sfdir/test-run-ok.json" "$sfdir/test-run.json"
run_job production-runbook verify:tests
check "verify:tests passes: $run_tests tests, 91 % ≥ 85 % (job exit $(job_exit))" passed_job
expect_junit verify:tests test-run.junit.xml "$((run_tests + 2)) 0"   # the tests, the outcome, the coverage
cp "$sfdir/test-run-failed.json" "$sfdir/test-run.json"
run_job production-runbook verify:tests
check "verify:tests fails on a failing test in the org (job exit $(job_exit))" failed_with 1
check "… naming it" in_log "$failing_test"

run_job production-runbook verify:smoke
check "verify:smoke passes (job exit $(job_exit))" passed_job
expect_junit verify:smoke smoke-verify-smoke.junit.xml "4 0"
org_state "$inactive_org"
run_job production-runbook verify:smoke
check "verify:smoke fails on an inactive approval process (job exit $(job_exit))" failed_with 1
org_state "$base_org"

set_sf start rollback-ok.json
run_job production-runbook rollback:production --manual rollback:production
check "rollback:production redeploys the backup (job exit $(job_exit))" passed_job

check "no lock is left in Redis" [ -z "$(rc_ KEYS 'sfci:lock:*')" ]
check "no log of the $n job runs shows the refresh token, the session or the webhook URL" \
  bash -c "! grep -lF -e '$refresh' -e 'fake-org-access-token' -e 'B0RELEASEHOOKSECRET' '$work'/[0-9]*.log"
# SF_AUTH_URL here is a plain variable: a copy written for `sf org login` must not outlive the job
# (a shell runner's /tmp is shared by every job and every project it runs).
left=$(find "$tmp_root" -maxdepth 1 -type f -newer "$work/started" -exec grep -lF "$refresh" {} + 2>/dev/null || true)
check "no job left the org's auth URL in $tmp_root ($(printf %s "$left" | grep -c . || true) file(s))" [ -z "$left" ]
echo "release jobs: $(( $(date +%s) - started )) s, $n job runs"
if [ "$failed" -ne 0 ]; then
  for l in "$work"/*.log; do echo "---- $(basename "$l")"; grep -v 'warning\[' "$l" | tail -n 30; done
fi
echo "release-jobs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
