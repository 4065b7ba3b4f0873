/**
 * Measures isolated environments (environment/isolated.ts): how long one takes to start and to stop,
 * the memory its processes hold, and how long each part takes to come back from a clean stop and from
 * a kill, checking that Postgres keeps a row and Kafka a message across their restarts.
 *
 *   npm run bench:isolated [-- --runs 3]
 *
 * Run it on a quiet machine: it measures, it asserts no bound. Logs go to test-results/bench-isolated/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { startIsolatedEnvironment, type IsolatedEnvironment } from '../environment/isolated';
import { repoRoot } from '../environment/paths';
import { ProcessHandle, type ServiceHandle } from '../environment/service-handle';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** Proportional set size (shared pages split among their users) of every process in a group, in MiB. */
function groupMemoryMiB(pgid: number): number {
  let kib = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) !== pgid) continue;
      kib += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return kib / 1024;
}

/** The memory of each part that runs as local processes, plus the environment's watchdog. */
function memoryOf(environment: IsolatedEnvironment): Record<string, number> {
  const parts: Record<string, number> = {};
  for (const handle of environment.handles) if (handle instanceof ProcessHandle) parts[handle.name] = groupMemoryMiB(handle.pid);
  const watchdog = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .find((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(String(process.pid)) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('watchdog.mjs');
      } catch {
        return false;
      }
    });
  if (watchdog) parts.watchdog = groupMemoryMiB(Number(watchdog));
  return parts;
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const began = performance.now();
  await action();
  return performance.now() - began;
}

/** A row in Postgres and a message on Kafka, to read back after their restarts. */
async function writeMarkers(environment: IsolatedEnvironment): Promise<void> {
  const client = new pg.Client({ connectionString: environment.addresses.variables.DATABASE_URL });
  await client.connect();
  await client.query('CREATE TABLE bench_marker (note text); INSERT INTO bench_marker VALUES ($$kept$$)');
  await client.end();
  const producer = new Kafka({ brokers: environment.addresses.variables.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  await producer.send({ topic: 'bench.marker', messages: [{ value: 'kept' }] });
  await producer.disconnect();
}

async function readMarkers(environment: IsolatedEnvironment): Promise<string> {
  const client = new pg.Client({ connectionString: environment.addresses.variables.DATABASE_URL });
  await client.connect();
  const { rows } = await client.query<{ note: string }>('SELECT note FROM bench_marker');
  await client.end();
  const admin = new Kafka({ brokers: environment.addresses.variables.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const [offsets] = await admin.fetchTopicOffsets('bench.marker');
  await admin.disconnect();
  return `postgres rows ${rows.length} (${rows.map((row) => row.note).join(',')}), kafka bench.marker high watermark ${offsets?.high}`;
}

async function main(): Promise<void> {
  const runsArgument = process.argv.indexOf('--runs');
  const runs = runsArgument > 0 ? Number(process.argv[runsArgument + 1]) : 3;
  const logRoot = path.join(repoRoot, 'test-results', 'bench-isolated');
  const starts: number[] = [];
  const stops: number[] = [];
  const totals: number[] = [];
  const partStarts = new Map<string, number[]>();
  let lastMemory: Record<string, number> = {};

  for (let run = 1; run <= runs; run += 1) {
    const environment = await startIsolatedEnvironment({ logDir: path.join(logRoot, `run-${run}`) });
    const { total, ...parts } = environment.startup;
    starts.push(total);
    for (const [name, ms] of Object.entries(parts)) partStarts.set(name, [...(partStarts.get(name) ?? []), ms]);
    lastMemory = memoryOf(environment);
    totals.push(Object.values(lastMemory).reduce((sum, value) => sum + value, 0));
    stops.push(await environment.stop());
    console.log(`run ${run}: started in ${seconds(total)}, ${Math.round(totals.at(-1) ?? 0)} MiB, stopped in ${seconds(stops.at(-1) ?? 0)}`);
  }

  console.log(`\n${environmentLabel()} ${runs} runs: start median ${seconds(median(starts))}, stop median ${seconds(median(stops))}, memory median ${Math.round(median(totals))} MiB`);
  console.log('\n| part | start (median) | memory (last run, PSS) |\n| --- | --- | --- |');
  for (const [name, values] of partStarts) console.log(`| ${name} | ${seconds(median(values))} | ${Math.round(lastMemory[name] ?? 0)} MiB |`);
  console.log(`| watchdog | - | ${Math.round(lastMemory.watchdog ?? 0)} MiB |`);

  // Restarts: the shop first, Postgres last (today the shop does not survive a database restart).
  const environment = await startIsolatedEnvironment({ logDir: path.join(logRoot, 'restarts') });
  try {
    await writeMarkers(environment);
    const order = ['shop', 'payment-gateway', 'mailhog', 'kafka', 'postgres'];
    const handles = order.map((name) => environment.handles.find((handle) => handle.name === name) as ServiceHandle);
    console.log('\n| part | stop → start | kill → start |\n| --- | --- | --- |');
    for (const handle of handles) {
      const stopStart = await timed(() => handle.restart());
      const killStart = await timed(async () => {
        await handle.kill();
        await handle.start();
      });
      console.log(`| ${handle.name} | ${seconds(stopStart)} | ${seconds(killStart)} |`);
    }
    console.log(`\nafter the restarts: ${await readMarkers(environment)}; shop running: ${environment.shop.running}`);
  } finally {
    await environment.stop();
  }
}

function environmentLabel(): string {
  return `${process.env.E2E_ISOLATED_ENV ?? process.env.E2E_PROVIDER ?? 'native'} isolated environment,`;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `[env] ${error.message}` : error);
  process.exit(1);
});
