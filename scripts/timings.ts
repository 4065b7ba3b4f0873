/**
 * Aggregates what the fixtures measured during a run (fixtures/timings.ts writes one JSON file per
 * test to <outputDir>/timings/) into medians:
 *
 *   - action → event seen: an awaited event's `occurredAt` (the shop's transaction) to its arrival at
 *     the worker's Kafka consumer, by topic (a dead letter's `failedAt` for `.dlq` topics);
 *   - wait → event: how long `events.waitFor` actually blocked (0 when the event was already there);
 *   - payment → confirmation mail seen: `POST /api/orders` answered 201 to the test's poll finding
 *     `Order <id> confirmed` in MailHog; and orders.paid's `occurredAt` to the same mail;
 *   - recoveries the fault tests recorded (`isolatedEnvironment.timings.recovery`), by what recovered.
 *
 * Usage: npx tsx scripts/timings.ts [outputDir]   (default: test-results)
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { EventTiming, MailTiming, PaymentTiming, RecoveryTiming } from '../fixtures/timings/timing-log';

interface TestTimings {
  test: string;
  file: string;
  project: string;
  status: string;
  events: EventTiming[];
  mails: MailTiming[];
  payments: PaymentTiming[];
  /** Absent in files written before recoveries were recorded. */
  recoveries?: RecoveryTiming[];
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * p;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

function summary(values: number[]): string {
  if (values.length === 0) return 'n=0';
  const ms = (value: number) => `${Math.round(value)} ms`;
  return `n=${values.length}  median ${ms(percentile(values, 0.5))}  p90 ${ms(percentile(values, 0.9))}  min ${ms(Math.min(...values))}  max ${ms(Math.max(...values))}`;
}

const between = (from: string, to: string) => Date.parse(to) - Date.parse(from);

function main(): void {
  const outputDir = path.resolve(process.argv[2] ?? 'test-results');
  const dir = path.join(outputDir, 'timings');
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  } catch {
    console.error(`No timings in ${dir}: run the suite first (npx playwright test), or pass its --output folder.`);
    process.exit(1);
  }
  const tests = files.map((file) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as TestTimings);

  const actionToSeen = new Map<string, number[]>();
  const waitBlocked: number[] = [];
  const paymentToMail: number[] = [];
  const paidEventToMail: number[] = [];
  const mailDeliveryToSeen: number[] = [];
  const recoveries = new Map<string, number[]>();

  for (const run of tests) {
    for (const recovery of run.recoveries ?? []) recoveries.set(recovery.what, [...(recoveries.get(recovery.what) ?? []), recovery.ms]);
    for (const event of run.events) {
      if (event.actionToSeenMs !== null) {
        const list = actionToSeen.get(event.topic) ?? [];
        list.push(event.actionToSeenMs);
        actionToSeen.set(event.topic, list);
      }
      waitBlocked.push(between(event.waitStartedAt, event.resolvedAt));
    }
    for (const mail of run.mails) {
      mailDeliveryToSeen.push(between(mail.deliveredAt, mail.seenAt));
      const orderId = /^Order (\S+) confirmed$/.exec(mail.subject)?.[1];
      if (!orderId) continue;
      const payment = run.payments.find((entry) => entry.orderId === orderId);
      if (payment) paymentToMail.push(between(payment.acceptedAt, mail.seenAt));
      const paid = run.events.find((event) => event.topic === 'orders.paid' && event.key === orderId && event.occurredAt);
      if (paid?.occurredAt) paidEventToMail.push(between(paid.occurredAt, mail.seenAt));
    }
  }

  // Dead letters are published by the shop's consumers, not by an action through the outbox.
  const outboxEvents = [...actionToSeen.entries()].filter(([topic]) => !topic.endsWith('.dlq')).flatMap(([, values]) => values);
  console.log(`Timings of ${tests.length} test runs from ${path.relative(process.cwd(), dir) || dir}\n`);
  console.log(`action → event seen (occurredAt → consumer), outbox topics: ${summary(outboxEvents)}`);
  for (const [topic, values] of [...actionToSeen.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`  ${topic.padEnd(24)} ${summary(values)}`);
  }
  console.log(`events.waitFor blocked for:                         ${summary(waitBlocked)}`);
  console.log(`payment accepted (201) → confirmation mail seen:    ${summary(paymentToMail)}`);
  console.log(`orders.paid occurredAt → confirmation mail seen:    ${summary(paidEventToMail)}`);
  console.log(`mail at MailHog → seen by the test's poll:          ${summary(mailDeliveryToSeen)}`);
  if (recoveries.size > 0) console.log('recoveries (fault tests, isolated environments):');
  for (const [what, values] of [...recoveries.entries()].sort(([a], [b]) => a.localeCompare(b))) console.log(`  ${what.padEnd(48)} ${summary(values)}`);
}

main();
