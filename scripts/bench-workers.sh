#!/usr/bin/env bash
# Measures the wall time of the whole suite for each worker count, a few runs each, and prints the
# median: the measurement behind the default worker count in playwright.config.ts.
# Usage: scripts/bench-workers.sh [runs=3] [worker counts...=1 2]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shift || true
if [ $# -gt 0 ]; then counts=("$@"); else counts=(1 2); fi
for workers in "${counts[@]}"; do
  times=()
  for ((i = 1; i <= runs; i++)); do
    start=$(date +%s.%N)
    npx playwright test --workers="$workers" --reporter=dot >/dev/null 2>&1 || { echo "run failed (workers=$workers)"; exit 1; }
    times+=("$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf 'workers=%s runs=%s wall(s): %s  median: %.1f\n' "$workers" "$runs" "${times[*]}" "$median"
done
