#!/usr/bin/env bash
# Prints target | executions | cov | ft | crashes from fuzz/logs/<target>.log.
cd "$(dirname "$0")"
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(auth_url config codeowners smoke_spec deploy_result apex callgraph)
echo "| target | executions | cov | ft | corpus | peak RSS (MB) | crashes |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for t in "${TARGETS[@]}"; do
  log="logs/$t.log"
  [ -f "$log" ] || continue
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  last=$(grep -E '^#[0-9]+' "$log" | grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*' | tail -1)
  cov=$(echo "$last" | awk '{print $2}'); ft=$(echo "$last" | awk '{print $4}'); corp=$(echo "$last" | awk '{print $6}')
  rss=$(grep -o 'stat::peak_rss_mb: *[0-9]*' "$log" | tail -1 | awk '{print $2}')
  crashes=$(grep -c 'ERROR: libFuzzer' "$log")
  echo "| $t | ${execs:-?} | ${cov:-?} | ${ft:-?} | ${corp:-?} | ${rss:-?} | $crashes |"
done
