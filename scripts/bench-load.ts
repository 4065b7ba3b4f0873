/**
 * The load test, bigger: runs tests/load (the `load` project, without its dependencies) with
 * LOAD_REQUESTS requests (default here 10,000) at LOAD_CONCURRENCY at once (default 50), then prints
 * the table the test wrote (load-report.txt; load-report.json beside it).
 *
 *   npm run bench:load
 *   LOAD_REQUESTS=20000 LOAD_CONCURRENCY=100 npm run bench:load
 *   npm run bench:load -- --workers=1      # anything after -- goes to playwright test
 *
 * It asserts what the test asserts (≥ 99% successful, no oversell, no lost event) and no speed.
 * The services and the shop are the run's own, as for `npx playwright test` (E2E_ENV picks them).
 * Output: test-results/bench-load/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const output = path.join(root, 'test-results', 'bench-load');

function findReports(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => path.basename(file) === 'load-report.txt')
    .map((file) => path.join(dir, file));
}

const env = { ...process.env, LOAD_REQUESTS: process.env.LOAD_REQUESTS || '10000' };
rmSync(output, { recursive: true, force: true });
console.log(`[bench:load] ${env.LOAD_REQUESTS} requests at ${process.env.LOAD_CONCURRENCY || '50'} concurrent (tests/load, project load)`);
const started = Date.now();
const run = spawnSync('npx', ['playwright', 'test', '--project', 'load', '--no-deps', '--reporter=line', '--output', output, ...process.argv.slice(2)], {
  cwd: root,
  env,
  stdio: 'inherit',
});
const wall = ((Date.now() - started) / 1000).toFixed(1);

const reports = findReports(output);
if (reports.length === 0) {
  console.error(`[bench:load] no load-report.txt under ${path.relative(root, output)} (the run ended ${run.status === 0 ? 'green' : 'red'} after ${wall} s)`);
  process.exit(run.status || 1);
}
for (const report of reports) {
  console.log(`\n${readFileSync(report, 'utf8')}`);
  console.log(`(${path.relative(root, report)}, and load-report.json beside it; the whole run took ${wall} s with the services' start)`);
}
process.exit(run.status ?? 1);
