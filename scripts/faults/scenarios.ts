/**
 * One fault each: break a service while customers browse and register, bring it back, and measure what they saw,
 * how long the shop took to recover once the service answered again, and whether any write was lost or doubled.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { countOnTopic, kafkaAnswers, mailsByRecipient, postgresAnswers, smtpAnswers, type ShopDatabase } from './evidence';
import type { NativePostgres, RestartableProcess } from './native-services';
import { browse, pollUntil, register, type Answer, type ReadyCustomer, type Registration, type ShopClient } from './shop-traffic';

export interface Bench {
  shop: ShopClient;
  shopPid: number;
  db: ShopDatabase;
  databaseUrl: string;
  kafkaBrokers: string;
  mailhogUrl: string;
  smtp: { host: string; port: number };
  topicPrefix: string;
  postgres: NativePostgres;
  kafka: RestartableProcess;
  mailhog: RestartableProcess;
  buyers: ReadyCustomer[];
}

export interface FaultResult {
  fault: string;
  /** What customers got while the service was down. */
  userSees: string;
  /** From the service answering again to the shop working again (its requests, or its consumers). */
  recoveryMs: number | undefined;
  recoveryOf: string;
  /** Accepted writes whose event or mail never came, and refused ones that happened anyway. */
  lost: number;
  /** Mails sent twice. */
  duplicated: number;
  /** Events on their topic twice (delivery is at least once; the consumers deduplicate on eventId). */
  republished: number;
  /** The numbers behind the row. */
  notes: string[];
}

const OUTAGE_MS = 5_000;
const SETTLE_TIMEOUT_MS = 60_000;

const ok = (answer: Answer) => answer.status >= 200 && answer.status < 300;

/** "12× 503 SERVICE_UNAVAILABLE (≤ 9 ms)" for every non-2xx kind of answer in `answers`. */
function describeFailures(answers: Answer[]): string {
  const kinds = new Map<string, number[]>();
  for (const answer of answers.filter((a) => !ok(a))) {
    const kind = answer.status === 0 ? 'no answer' : `${answer.status} ${answer.code ?? ''}`.trim();
    kinds.set(kind, [...(kinds.get(kind) ?? []), answer.answeredAt - answer.sentAt]);
  }
  const served = answers.filter(ok).length;
  const median = (ms: number[]) => [...ms].sort((a, b) => a - b)[Math.floor((ms.length - 1) / 2)];
  const parts = [...kinds].map(([kind, ms]) => `${ms.length}× ${kind} (median ${median(ms)} ms, max ${Math.max(...ms)} ms)`);
  return [...parts, `${served}× 2xx`].join(', ');
}

/** What GET /health says now, e.g. `503 {"status":"degraded","dependencies":{"postgres":"down",...}}`. */
async function health(bench: Bench): Promise<string> {
  const answer = await bench.shop.call('GET', '/health');
  return `GET /health ${answer.status} ${JSON.stringify(answer.json)} in ${answer.answeredAt - answer.sentAt} ms`;
}

function shopIsRunning(bench: Bench): boolean {
  try {
    process.kill(bench.shopPid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Every registration the shop accepted (201) must have exactly one users.registered event on its topic and
 * exactly one welcome mail; one it refused must have left no user behind.
 */
async function countWrites(
  bench: Bench,
  registrations: Registration[],
  notes: string[],
): Promise<Pick<FaultResult, 'lost' | 'duplicated' | 'republished'>> {
  const accepted = registrations.filter((r) => r.status === 201).map((r) => r.email);
  const refused = registrations.filter((r) => r.status !== 201).map((r) => r.email);
  const mailed = await pollUntil(async () => {
    const mails = await mailsByRecipient(bench.mailhogUrl);
    return accepted.every((email) => mails.has(email)) ? mails : undefined;
  }, SETTLE_TIMEOUT_MS, 250);
  const mails = mailed ?? (await mailsByRecipient(bench.mailhogUrl));
  const events = await countOnTopic(bench.kafkaBrokers, `${bench.topicPrefix}users.registered`, (value) =>
    (value as { payload?: { email?: string } }).payload?.email,
  );
  const phantoms = (await bench.db.usersNamed(refused)).size;
  const lostEvents = accepted.filter((email) => !events.get(email)).length;
  const doubledEvents = accepted.filter((email) => (events.get(email) ?? 0) > 1).length;
  const lostMails = accepted.filter((email) => !mails.has(email)).length;
  const doubledMails = accepted.filter((email) => (mails.get(email)?.length ?? 0) > 1).length;
  notes.push(
    `${accepted.length} registrations accepted, ${refused.length} refused (${phantoms} of those created anyway); ` +
      `events lost ${lostEvents}, doubled ${doubledEvents}; mails lost ${lostMails}, doubled ${doubledMails}`,
  );
  return { lost: lostEvents + lostMails + phantoms, duplicated: doubledMails, republished: doubledEvents };
}

/** The first moment, after the last failed read, that a read succeeded; undefined when none did. */
function servingAgainAt(reads: Answer[]): number | undefined {
  const lastFailure = reads.map((read, i) => (ok(read) ? -1 : i)).reduce((a, b) => Math.max(a, b), -1);
  return reads.slice(lastFailure + 1).find(ok)?.answeredAt;
}

/** Postgres restarted with pg_ctl (`restart`), or stopped for a few seconds and started again (`stop-start`). */
export async function postgresFault(bench: Bench, mode: 'restart' | 'stop-start'): Promise<FaultResult> {
  const notes: string[] = [];
  const reads = browse(bench.shop);
  const writes = register(bench.shop, `pg-${mode}`);
  await sleep(1_000);
  const faultAt = Date.now();
  if (mode === 'restart') {
    await bench.postgres.restart();
  } else {
    await bench.postgres.stop();
    await sleep(OUTAGE_MS / 2);
    notes.push(`during the outage: ${await health(bench)}`);
    await sleep(OUTAGE_MS / 2);
    await bench.postgres.start();
  }
  // pg_ctl -w returns once the server accepts connections; this is the bench's own first connection after that.
  const upAt = await postgresAnswers(bench.databaseUrl);
  await sleep(2_000);
  const [readAnswers, registrations] = await Promise.all([reads.stop(), writes.stop()]);
  const during = [...readAnswers, ...registrations].filter((a) => a.sentAt >= faultAt - 100 && (upAt === undefined || a.sentAt <= upAt + 1_000));
  const servingAt = servingAgainAt(readAnswers.filter((a) => a.sentAt >= faultAt));
  notes.push(`Postgres answered ${upAt === undefined ? 'never' : `${upAt - faultAt} ms`} after the fault began; shop process ${shopIsRunning(bench) ? 'running' : 'GONE'}`);
  const counts = await countWrites(bench, registrations, notes);
  return {
    fault: mode === 'restart' ? 'Postgres `pg_ctl restart -m fast`' : `Postgres stopped ${OUTAGE_MS / 1000} s, started`,
    userSees: describeFailures(during),
    recoveryMs: upAt !== undefined && servingAt !== undefined ? Math.max(0, servingAt - upAt) : undefined,
    recoveryOf: 'reads (one every 50 ms) 2xx again after Postgres accepts connections',
    ...counts,
    notes,
  };
}

/** Kafka stopped (SIGTERM: a clean shutdown, SIGKILL: a crash), down for a few seconds, started with the same folders. */
export async function kafkaFault(bench: Bench, signal: 'SIGTERM' | 'SIGKILL'): Promise<FaultResult> {
  const notes: string[] = [];
  const reads = browse(bench.shop);
  const writes = register(bench.shop, `kafka-${signal.toLowerCase()}`);
  await sleep(1_000);
  const faultAt = Date.now();
  await bench.kafka.stop(signal);
  await sleep(OUTAGE_MS / 2);
  notes.push(`during the outage: ${await health(bench)}`);
  await sleep(OUTAGE_MS / 2);
  bench.kafka.start();
  const upAt = await kafkaAnswers(bench.kafkaBrokers);
  if (upAt === undefined) throw new Error('Kafka did not answer again within 2 minutes');
  notes.push(`broker down ${upAt - faultAt} ms in all (stop, ${OUTAGE_MS / 1000} s, start)`);

  // New work the moment the broker answers: a registration (notifications consumer) and an order (order-tracking).
  // The registration queues behind the mails owed for the outage; the first mail recorded after the broker answered
  // is when that consumer resumed.
  const probeEmail = `bench-probe-${upAt}@bench.test`;
  const probe = await bench.shop.call('POST', '/api/users', { email: probeEmail, password: 'Bench-password-1', name: 'Probe' });
  const order = await bench.buyers.shift()!.place();
  const when = (check: () => Promise<boolean>) => pollUntil(async () => ((await check()) ? Date.now() : undefined), SETTLE_TIMEOUT_MS);
  const [mailsResumedAt, trackedAt, caughtUpAt] = await Promise.all([
    when(() => bench.db.mailRecordedSince(upAt)),
    when(() => bench.db.orderTracked(order.orderId)),
    when(() => bench.db.mailRecorded(probeEmail)),
  ]);
  const after = (at: number | undefined) => (at === undefined ? 'never' : `${at - upAt} ms`);
  notes.push(
    `probe registration ${probe.status}, order ${order.answer.status}; after the broker answered: notifications consumer resumed ` +
      `${after(mailsResumedAt)} (caught up with the outage's mails ${after(caughtUpAt)}), order-tracking consumer ${after(trackedAt)}`,
  );
  const [readAnswers, registrations] = await Promise.all([reads.stop(), writes.stop()]);
  notes.push(`shop process ${shopIsRunning(bench) ? 'running' : 'GONE'}`);
  const counts = await countWrites(bench, [...registrations, { email: probeEmail, ...probe }], notes);
  return {
    fault: signal === 'SIGTERM' ? `Kafka stopped (SIGTERM) ${OUTAGE_MS / 1000} s, started` : `Kafka killed (SIGKILL) ${OUTAGE_MS / 1000} s, started`,
    userSees: `${describeFailures([...readAnswers, ...registrations])}; mails and order history wait for the broker`,
    recoveryMs: mailsResumedAt && trackedAt ? Math.max(mailsResumedAt, trackedAt) - upAt : undefined,
    recoveryOf: 'both consumers processing new events after the broker answers',
    ...counts,
    notes,
  };
}

/** MailHog stopped for a few seconds while customers register, then started again. */
export async function mailhogFault(bench: Bench): Promise<FaultResult> {
  const notes: string[] = [];
  const writes = register(bench.shop, 'smtp');
  await sleep(1_000);
  const faultAt = Date.now();
  await bench.mailhog.stop('SIGTERM');
  await sleep(OUTAGE_MS / 2);
  notes.push(`during the outage: ${await health(bench)}`);
  await sleep(OUTAGE_MS / 2);
  const startedAt = Date.now();
  bench.mailhog.start();
  const upAt = await smtpAnswers(bench.smtp.host, bench.smtp.port);
  if (upAt === undefined) throw new Error('MailHog did not answer again within 30 s');
  await sleep(500);
  const registrations = await writes.stop();
  // Recovery: every mail owed for a registration made while SMTP was down has arrived.
  const owed = registrations.filter((r) => r.status === 201 && r.sentAt >= faultAt && r.sentAt < startedAt).map((r) => r.email);
  const allThereAt = await pollUntil(async () => {
    const mails = await mailsByRecipient(bench.mailhogUrl);
    return owed.every((email) => mails.has(email)) ? Date.now() : undefined;
  }, SETTLE_TIMEOUT_MS, 100);
  notes.push(`${owed.length} mails owed for registrations during the outage; shop process ${shopIsRunning(bench) ? 'running' : 'GONE'}`);
  const counts = await countWrites(bench, registrations, notes);
  return {
    fault: `MailHog stopped (SIGTERM) ${OUTAGE_MS / 1000} s, started`,
    userSees: `${describeFailures(registrations)}; mails wait for SMTP`,
    recoveryMs: allThereAt === undefined ? undefined : allThereAt - upAt,
    recoveryOf: 'every mail owed during the outage delivered after SMTP answers',
    ...counts,
    notes,
  };
}
