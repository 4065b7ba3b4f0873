/**
 * One table of how fast the suite is against what is possible on this machine:
 *
 *   npm run bench                 environment, events, absence proofs, mail, API fixtures, browser (a few minutes)
 *   npm run bench -- --suite      also the whole suite unsharded and as 4 shards one after another (many minutes)
 *   npm run bench -- --n 50       samples per latency figure (default 30)
 *
 * It starts its own environment the way global-setup.ts does (E2E_ENV picks the provider), measures each figure
 * and its floor in the same run, stops everything it started (also on error or Ctrl-C), prints one Markdown
 * table and writes the same figures to test-results/bench/bench.json. It measures; it asserts no bound.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { messageOf } from '../environment/errors';
import { passwordHashingNote, passwordHashRounds } from '../environment/password-hashing';
import { repoRoot } from '../environment/paths';
import { rawChromiumFixedCost, playwrightFixedCost } from './bench/browser';
import { startBenchEnvironment, stopBenchEnvironment, type BenchEnvironment } from './bench/environment';
import {
  absenceProved,
  absenceReads,
  apiFixtureCost,
  bareMail,
  bareRequest,
  bareRoundTrip,
  eventSeen,
  mailSeen,
  WorkerLike,
} from './bench/measures';
import { machine, markdownTable, median, percentile, ratio, round, series, type Row, type Series } from './bench/stats';
import { suiteAndShards } from './bench/suite';

const OUT_DIR = path.join(repoRoot, 'test-results', 'bench');

interface Options {
  suite: boolean;
  samples: number;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { suite: false, samples: 30 };
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    if (argument === '--suite') options.suite = true;
    else if (argument === '--n') options.samples = Number(argv[++index]);
    else throw new Error(`unknown argument ${argument} (usage: npm run bench [-- --suite] [-- --n 30])`);
  }
  if (!Number.isInteger(options.samples) || options.samples < 5) throw new Error('--n must be an integer of at least 5');
  return options;
}

class Bench {
  readonly rows: Row[] = [];
  readonly details: Record<string, unknown> = {};
  readonly errors: Array<{ figure: string; error: string }> = [];
  readonly left: string[] = [];

  /** Runs one figure; a failure is recorded and reported, and the other figures still run. */
  async figure(name: string, measure: () => Promise<void>): Promise<void> {
    const began = performance.now();
    console.log(`[bench] ${name}...`);
    try {
      await measure();
      console.log(`[bench] ${name}: done in ${((performance.now() - began) / 1000).toFixed(1)} s`);
    } catch (error) {
      console.error(`[bench] ${name} failed: ${messageOf(error)}`);
      this.errors.push({ figure: name, error: messageOf(error) });
    }
  }
}

const p50 = (values: number[]) => median(values);
const p95 = (values: number[]) => percentile(values, 0.95);

async function measureWithEnvironment(bench: Bench, environment: BenchEnvironment, n: number): Promise<void> {
  const { timings } = environment;
  bench.details.environment = {
    provider: timings.provider,
    readyAtMs: Object.fromEntries(Object.entries(timings.readyAt).map(([name, ms]) => [name, round(ms)])),
    servicesReadyMs: round(timings.servicesReady),
    environmentReadyMs: round(timings.environmentReady),
  };
  const kafka = timings.readyAt.kafka;
  if (kafka === undefined) {
    bench.errors.push({ figure: 'environment', error: `no "[env] kafka ready in" line (provider ${timings.provider}): no broker start to compare with` });
  } else {
    bench.rows.push({
      id: 'environment-ready',
      figure: `environment ready: services, gateway, shop (${timings.provider})`,
      value: timings.environmentReady,
      floorName: "the Kafka broker's own start, same run",
      floor: kafka,
      unit: 's',
      targetRatio: 1.3,
    });
  }

  const worker = await WorkerLike.start();
  try {
    await bench.figure('action → event seen', async () => {
      const seen = await eventSeen(worker, n);
      const bare = await bareRoundTrip(n);
      bench.details.eventSeen = { answerToSeen: series(seen.answerToSeen), requestToSeen: series(seen.requestToSeen), occurredToSeen: series(seen.occurredToSeen) };
      bench.details.bareRoundTrip = series(bare);
      const common = { floorName: 'bare kafkajs produce → consume, same broker', unit: 'ms' as const, n, floorN: n };
      bench.rows.push({ id: 'event-seen-p50', figure: 'action (201) → event seen by the suite, p50', value: p50(seen.answerToSeen), floor: p50(bare), targetRatio: 2, targetAbsolute: 50, ...common });
      bench.rows.push({ id: 'event-seen-p95', figure: 'action (201) → event seen by the suite, p95', value: p95(seen.answerToSeen), floor: p95(bare), ...common });
    });

    await bench.figure('absence proved', async () => {
      const proved = await absenceProved(worker, n);
      const reads = await absenceReads(worker, n);
      bench.details.absenceProved = series(proved);
      bench.details.absenceReads = series(reads);
      const common = { floorName: "the proof's own reads (outbox queries + end offsets), nothing pending", unit: 'ms' as const, n, floorN: n };
      bench.rows.push({ id: 'absence-p50', figure: 'absence proved right after an action, p50', value: p50(proved), floor: p50(reads), targetAbsolute: 100, ...common });
      bench.rows.push({ id: 'absence-p95', figure: 'absence proved right after an action, p95', value: p95(proved), floor: p95(reads), ...common });
    });

    await bench.figure('mail seen', async () => {
      const seen = await mailSeen(worker, n);
      const bare = await bareMail(n);
      bench.details.mailSeen = { deliveredToSeen: series(seen.deliveredToSeen), answerToSeen: series(seen.answerToSeen) };
      bench.details.bareMail = { sendToRead: series(bare.sendToRead), deliveredToRead: series(bare.deliveredToRead) };
      const common = { floorName: 'bare SMTP send (nodemailer) → MailHog API read', unit: 'ms' as const, n, floorN: n };
      bench.rows.push({ id: 'mail-seen-p50', figure: "shop's mail in MailHog → seen by the test's Mailbox, p50", value: p50(seen.deliveredToSeen), floor: p50(bare.sendToRead), targetRatio: 2, ...common });
      bench.rows.push({ id: 'mail-seen-p95', figure: "shop's mail in MailHog → seen by the test's Mailbox, p95", value: p95(seen.deliveredToSeen), floor: p95(bare.sendToRead), ...common });
    });

    await bench.figure('API fixture cost', async () => {
      const cost = await apiFixtureCost(worker, n);
      const bare = await bareRequest(n);
      bench.details.apiFixtureCost = Object.fromEntries(Object.entries(cost).map(([part, samples]) => [part, series(samples)]));
      bench.details.bareRequest = series(bare);
      bench.rows.push({
        id: 'api-fixture-median',
        figure: 'API test fixtures (customer registered + logged in, own category + product), median',
        value: median(cost.total),
        floorName: 'one bare GET /health (fetch, kept-alive)',
        floor: median(bare),
        unit: 'ms',
        targetRatio: 3,
        n,
        floorN: n,
      });
    });
  } finally {
    await worker.stop();
  }

  await bench.figure('browser fixed cost', async () => {
    const count = Math.min(n, 20);
    const suite = await playwrightFixedCost(environment.shopUrl, count);
    const raw = await rawChromiumFixedCost(environment.shopUrl, count);
    bench.details.browserFixedCost = series(suite);
    bench.details.rawChromium = series(raw);
    bench.rows.push({
      id: 'browser-fixed-median',
      figure: 'browser test fixed cost (context + tracing, page, first navigation, close), median',
      value: median(suite),
      floorName: 'the same Chromium over its DevTools pipe, no Playwright',
      floor: median(raw),
      unit: 'ms',
      targetRatio: 1.3,
      n: count,
      floorN: count,
    });
  });
}

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  const options = parseOptions(process.argv.slice(2));
  const envBefore = { ...process.env };
  const startedAt = new Date();
  const began = performance.now();
  const before = machine();
  console.log(`[bench] ${before.cpus} CPUs (${before.model}), ${before.memoryGiB} GiB, load average ${before.loadAverage.join(' ')}`);
  mkdirSync(OUT_DIR, { recursive: true });
  const bench = new Bench();

  const environment = await startBenchEnvironment(path.join(OUT_DIR, 'logs'));
  try {
    await measureWithEnvironment(bench, environment, options.samples);
  } finally {
    const stopMs = await stopBenchEnvironment(environment);
    console.log(`[bench] environment stopped in ${(stopMs / 1000).toFixed(1)} s`);
  }

  if (options.suite) {
    await bench.figure('suite', async () => {
      const { unsharded, shards } = await suiteAndShards(envBefore, OUT_DIR);
      const slowest = shards.reduce((a, b) => (b.wallMs > a.wallMs ? b : a));
      bench.details.suite = { unsharded, shards };
      if ([unsharded, ...shards].some((run) => run.exitCode !== 0)) {
        bench.errors.push({ figure: 'suite', error: 'a suite run failed: its wall time is still shown; see its log' });
      }
      bench.rows.push({
        id: 'suite-slowest-shard',
        figure: `slowest of ${shards.length} shards (${slowest.name}), one after another`,
        value: slowest.wallMs,
        floorName: 'the whole suite, unsharded, same workers',
        floor: unsharded.wallMs,
        unit: 's',
        targetRatio: 0.35,
      });
    });
  } else {
    bench.left.push('suite unsharded vs slowest of 4 shards: opt-in, run `npm run bench -- --suite`');
  }

  const after = machine();
  const table = markdownTable(bench.rows);
  console.log(`\n${table}\n`);
  console.log(
    `Machine: ${before.cpus} CPUs (${before.model}), ${before.memoryGiB} GiB, ${before.platform}, Node ${before.node}; ` +
      `load average (1/5/15 min) before ${before.loadAverage.join(' ')}, after ${after.loadAverage.join(' ')}; ` +
      `provider ${environment.timings.provider}; ${options.samples} samples per latency; bench took ${((performance.now() - began) / 1000).toFixed(0)} s; ` +
      `${passwordHashingNote(passwordHashRounds())}.`,
  );
  for (const left of bench.left) console.log(`Left out: ${left}`);
  for (const error of bench.errors) console.log(`FAILED ${error.figure}: ${error.error}`);

  const file = path.join(OUT_DIR, 'bench.json');
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: round(performance.now() - began),
    machine: { ...before, loadAverageBefore: before.loadAverage, loadAverageAfter: after.loadAverage },
    samples: options.samples,
    passwordHashRounds: Number(passwordHashRounds()),
    rows: bench.rows.map((row) => ({ ...row, value: round(row.value), floor: round(row.floor), ratio: round(ratio(row), 2) })),
    details: bench.details as Record<string, Series | unknown>,
    left: bench.left,
    errors: bench.errors,
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`JSON: ${path.relative(process.cwd(), file)}`);
  if (bench.errors.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`[bench] ${messageOf(error)}`);
  if (error instanceof Error && error.stack) console.error(error.stack);
  process.exit(1);
});
