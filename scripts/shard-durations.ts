/**
 * Writes tests/durations.json, the per-file test times that balance `E2E_SHARD` (shards.ts), from a
 * run's JSON report: the sum of each spec file's test durations, in milliseconds (to 100 ms).
 *   npx tsx scripts/shard-durations.ts [report.json]     default: test-results/results.json (CI=true runs write it)
 * Take the report of a whole, unsharded run, on the provider the shards will use.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DURATIONS_FILE, specFiles } from '../shards';

interface JsonSuite {
  suites?: JsonSuite[];
  specs?: { file: string; tests: { results: { duration: number }[] }[] }[];
}

const reportFile = process.argv[2] ?? 'test-results/results.json';
const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { config: { rootDir: string }; suites: JsonSuite[] };
const projectRoot = path.resolve(__dirname, '..');
const totals = new Map<string, number>();
const walk = (suite: JsonSuite) => {
  for (const child of suite.suites ?? []) walk(child);
  for (const spec of suite.specs ?? []) {
    const file = path.relative(projectRoot, path.join(report.config.rootDir, spec.file)).split(path.sep).join('/');
    const ms = spec.tests.flatMap((test) => test.results).reduce((sum, result) => sum + result.duration, 0);
    totals.set(file, (totals.get(file) ?? 0) + ms);
  }
};
report.suites.forEach(walk);

const files = specFiles();
const missing = files.filter((file) => !totals.has(file));
const durations = Object.fromEntries(files.filter((file) => totals.has(file)).map((file) => [file, Math.max(100, Math.round(totals.get(file)! / 100) * 100)]));
writeFileSync(DURATIONS_FILE, `${JSON.stringify(durations, null, 2)}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
console.log(`${path.relative(process.cwd(), DURATIONS_FILE)}: ${Object.keys(durations).length} files, ${seconds(Object.values(durations).reduce((a, b) => a + b, 0))} of test time, from ${reportFile}`);
if (missing.length > 0) console.log(`not in the report (they count as the median file): ${missing.join(', ')}`);
