#!/bin/sh
# Entry point of the sfci GitHub Docker action (installed in the image as
# /usr/local/bin/sfci-action; see action.yml). Runs one tool with the step's
# inputs, adds the report flags the tool supports, and sets the step outputs.
#
#   INPUT_CHECK        lint-callout-mocks | validate-deps | codeowners-check | smoke | gate
#   INPUT_ARGS         the tool's arguments, split on white space (no quotes, no
#                      expansion: nothing in them is ever run by a shell)
#   INPUT_REPORTS      true: add --junit/--json (+ --sarif, --format github where supported)
#   INPUT_REPORT_DIR   where the reports go, relative to the workspace
#
# The tool's exit status is the step's: 0 pass, 1 a check failed, 2 could not run.
set -eu

check="${INPUT_CHECK:-}"
case "$check" in
  lint-callout-mocks | validate-deps | codeowners-check | smoke | gate) ;;
  *)
    echo "::error title=sfci::input 'check' must be one of lint-callout-mocks, validate-deps, codeowners-check, smoke, gate"
    exit 2
    ;;
esac

set -f
# shellcheck disable=SC2086 # word splitting is the point; globbing is off
set -- ${INPUT_ARGS:-}
set +f

dir="${INPUT_REPORT_DIR:-sfci-reports}"
junit="" json="" sarif="" format=""
if [ "${INPUT_REPORTS:-true}" = "true" ]; then
  name="$check"
  case "$check" in
    lint-callout-mocks | validate-deps) sarif=1 format=1 ;;
    codeowners-check)
      case "${1:-}" in
        validate | approvals) sarif=1 format=1 name="$check-$1" ;;
        *) name="" ;; # `owners` writes no reports
      esac
      ;;
    smoke) format=1 ;;
    gate)
      name="$check-${1:-gate}"
      if [ "${1:-}" = sarif ]; then format=1; fi # annotations for the new findings
      ;;
  esac
  if [ -n "$name" ]; then
    mkdir -p "$dir"
    junit="$dir/$name.junit.xml"
    json="$dir/$name.json"
    set -- "$@" --junit "$junit" --json "$json"
    if [ -n "$sarif" ]; then
      sarif="$dir/$name.sarif"
      set -- "$@" --sarif "$sarif"
    fi
    if [ -n "$format" ]; then set -- "$@" --format github; fi
  fi
fi

set +e
"$check" "$@"
rc=$?
set -e

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "exit-code=$rc"
    echo "junit=$junit"
    echo "json=$json"
    echo "sarif=$sarif"
  } >>"$GITHUB_OUTPUT"
fi
exit "$rc"
