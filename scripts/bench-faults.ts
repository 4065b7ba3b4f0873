/**
 * Measures how the shop rides out its services failing: starts native Postgres, Kafka, MailHog, the payment gateway
 * and the shop (its own, on free ports), then breaks one service at a time while customers browse and register,
 * and prints a table: the fault, what the customers saw, how long the shop took to recover once the service
 * answered again, and how many accepted writes were lost or duplicated (events on their topic, welcome mails).
 *
 *   npm run bench:faults                       every fault
 *   npm run bench:faults -- pg-restart kafka-kill   only these (names below)
 *
 * Native only: it restarts the processes themselves (pg_ctl, the Kafka JVM, MailHog). Timings are measured, not
 * judged: the numbers go to the table and to test-results/bench-faults.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { EnvironmentError, messageOf } from '../environment/errors';
import { startNativeServices } from '../environment/native';
import { resolveShopSettings } from '../environment/node-service';
import { cliLogDir, displayPath, repoRoot } from '../environment/paths';
import { EnvironmentRun } from '../environment/run';
import { startShopStack } from '../environment/shop-stack';
import { stopRunOnSignals } from '../environment/signals';
import { ShopDatabase, smtpAnswers } from './faults/evidence';
import { kafkaProcess, mailhogProcess, NativePostgres } from './faults/native-services';
import { kafkaFault, mailhogFault, postgresFault, type Bench, type FaultResult } from './faults/scenarios';
import { pollUntil, readyCustomers, ShopClient } from './faults/shop-traffic';

const FAULTS: Record<string, (bench: Bench) => Promise<FaultResult>> = {
  'pg-restart': (bench) => postgresFault(bench, 'restart'),
  'pg-stop-start': (bench) => postgresFault(bench, 'stop-start'),
  'kafka-restart': (bench) => kafkaFault(bench, 'SIGTERM'),
  'kafka-kill': (bench) => kafkaFault(bench, 'SIGKILL'),
  'smtp-restart': (bench) => mailhogFault(bench),
};

function chosenFaults(argv: string[]): string[] {
  const unknown = argv.filter((name) => !(name in FAULTS));
  if (unknown.length > 0) throw new EnvironmentError(`unknown fault ${unknown.join(', ')}; choose from ${Object.keys(FAULTS).join(', ')}`);
  return argv.length > 0 ? argv : Object.keys(FAULTS);
}

const seconds = (ms: number | undefined) => (ms === undefined ? 'did not recover' : `${(ms / 1000).toFixed(2)} s`);

function table(results: FaultResult[]): string {
  const duplicated = (r: FaultResult) => (r.republished > 0 ? `${r.duplicated} (${r.republished} events published twice, deduplicated by eventId)` : `${r.duplicated}`);
  const rows = results.map((r) => `| ${r.fault} | ${r.userSees} | ${seconds(r.recoveryMs)} (${r.recoveryOf}) | ${r.lost} | ${duplicated(r)} |`);
  return ['| fault | what the user sees | recovery time | lost | duplicated |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/** MailHog keeps mail in memory; with maildir storage what it received survives its restart and can be counted. */
async function mailhogWithStorage(run: EnvironmentRun, bench: Pick<Bench, 'mailhog' | 'smtp'>): Promise<void> {
  const maildir = mkdtempSync(path.join(os.tmpdir(), 'e2e-bench-mail-'));
  run.trackTempDir(maildir);
  run.onStop(`temp dir ${maildir}`, async () => {
    rmSync(maildir, { recursive: true, force: true });
    run.untrackTempDir(maildir);
  });
  await bench.mailhog.stop('SIGTERM');
  bench.mailhog.start([...bench.mailhog.arguments, '-storage', 'maildir', '-maildir-path', maildir]);
  if ((await smtpAnswers(bench.smtp.host, bench.smtp.port)) === undefined) throw new EnvironmentError('MailHog did not start again');
}

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  const faults = chosenFaults(process.argv.slice(2));
  const run = new EnvironmentRun({ logDir: cliLogDir('bench-faults') });
  stopRunOnSignals(run, ['SIGINT', 'SIGTERM', 'SIGHUP']);
  try {
    const services = await startNativeServices(run);
    const settings = resolveShopSettings();
    const { shop } = await startShopStack(services, run, settings);
    const vars = services.variables;
    const shopClient = new ShopClient(shop.url);
    const bench: Bench = {
      shop: shopClient,
      shopPid: shop.pid,
      db: new ShopDatabase(vars.DATABASE_URL),
      databaseUrl: vars.DATABASE_URL,
      kafkaBrokers: vars.KAFKA_BROKERS,
      mailhogUrl: vars.MAILHOG_URL,
      smtp: { host: vars.SMTP_HOST, port: Number(vars.SMTP_PORT) },
      topicPrefix: settings.topicPrefix,
      postgres: new NativePostgres(run, Number(new URL(vars.DATABASE_URL).port)),
      kafka: kafkaProcess(run, Number(vars.KAFKA_BROKERS.split(':').pop())),
      mailhog: mailhogProcess(run, Number(vars.SMTP_PORT)),
      buyers: await readyCustomers(shopClient, { email: settings.adminEmail, password: settings.adminPassword }, 4),
    };
    run.onStop('bench database pool', () => bench.db.end());
    await mailhogWithStorage(run, bench);
    console.log(`[bench] shop at ${shop.url}, logs in ${displayPath(run.logDir)}`);

    const results: FaultResult[] = [];
    for (const name of faults) {
      // Each fault starts from a shop that reports every dependency up.
      const healthy = await pollUntil(async () => ((await shopClient.call('GET', '/health')).status === 200 ? true : undefined), 60_000, 200);
      if (!healthy) throw new Error(`GET /health did not answer 200 within 60 s before ${name}`);
      console.log(`[bench] ${name} ...`);
      const result = await FAULTS[name](bench);
      for (const note of result.notes) console.log(`[bench]   ${note}`);
      results.push(result);
    }
    console.log(`\n${table(results)}\n`);
    const out = path.join(repoRoot, 'test-results', 'bench-faults.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify({ measuredAt: new Date().toISOString(), results }, null, 2)}\n`);
    console.log(`[bench] written to ${displayPath(out)}`);
  } finally {
    await run.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof EnvironmentError ? `[env] ${error.message}` : `[bench] failed: ${messageOf(error)}`);
  if (!(error instanceof EnvironmentError)) console.error(error);
  process.exit(1);
});
