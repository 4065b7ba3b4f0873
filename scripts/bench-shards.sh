#!/usr/bin/env bash
# Runs the suite unsharded, then as N shards one after another (as N CI machines would run them at
# the same time), and prints each one's wall time and test count, the slowest shard against the
# unsharded run, and the test count of the report merged from the shards' blob reports (each test
# must appear exactly once). The measurement behind the shards of .github/workflows/e2e.yml.
# Usage: scripts/bench-shards.sh [shards=4] [balanced|count]
#   balanced (default): E2E_SHARD=i/N, whole files balanced by tests/durations.json (shards.ts)
#   count:              Playwright's --shard=i/N, equal test counts in file order
set -euo pipefail
cd "$(dirname "$0")/.."
shards=${1:-4}
mode=${2:-balanced}
case "$mode" in balanced | count) ;; *) echo "mode must be balanced or count, not $mode" >&2; exit 2 ;; esac
# Outside test-results/: every run empties that folder when it starts.
out=${TMPDIR:-/tmp}/e2e-bench-shards
rm -rf "$out" && mkdir -p "$out/blobs"

# One run; its wall time (s) on stdout. CI=true: the blob reporter, as on CI machines.
run() {
  local name=$1
  shift
  local start
  start=$(date +%s.%N)
  if ! CI=true npx playwright test "$@" >"$out/$name.log" 2>&1; then
    echo "$name failed: see $out/$name.log" >&2
    exit 1
  fi
  awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'
}

# Tests in a json report: "expected unexpected flaky skipped".
counts() {
  node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).stats;
    console.log(`${s.expected} passed, ${s.unexpected} failed, ${s.flaky} flaky, ${s.skipped} skipped`)' "$1"
}

whole=$(run unsharded)
printf 'unsharded    %6.1f s  %s\n' "$whole" "$(counts test-results/results.json)"
cp test-results/results.json "$out/unsharded.json"
slowest=0
for ((i = 1; i <= shards; i++)); do
  rm -rf blob-report
  if [ "$mode" = balanced ]; then
    wall=$(E2E_SHARD="$i/$shards" run "shard-$i")
  else
    wall=$(run "shard-$i" --shard="$i/$shards")
  fi
  printf 'shard %s/%s    %6.1f s  %s\n' "$i" "$shards" "$wall" "$(counts test-results/results.json)"
  cp blob-report/*.zip "$out/blobs/"
  slowest=$(awk -v a="$slowest" -v b="$wall" 'BEGIN { print (b > a) ? b : a }')
done
awk -v s="$slowest" -v w="$whole" 'BEGIN { printf "slowest shard %.1f s = %.0f%% of the unsharded run\n", s, 100 * s / w }'

PLAYWRIGHT_JSON_OUTPUT_NAME="$out/merged.json" npx playwright merge-reports --reporter json "$out/blobs" >/dev/null
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const ids = [];
  const walk = (suite, titles) => {
    for (const s of suite.suites ?? []) walk(s, [...titles, s.title]);
    for (const spec of suite.specs ?? []) for (const t of spec.tests) ids.push([t.projectName, spec.file, ...titles, spec.title].join(" › "));
  };
  for (const s of r.suites) walk(s, []);
  const unique = new Set(ids);
  console.log(`merged report: ${ids.length} tests, ${unique.size} distinct${ids.length === unique.size ? ", each exactly once" : ", SOME MORE THAN ONCE"}`);' "$out/merged.json"
