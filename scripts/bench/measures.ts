import { randomUUID } from 'node:crypto';
import { request as playwrightRequest } from '@playwright/test';
import { Kafka, logLevel } from 'kafkajs';
import nodemailer from 'nodemailer';
import { Pool } from 'pg';
import { readJson, type ShopClient } from '../../fixtures/api/client';
import { HttpContract } from '../../fixtures/api/contract';
import { AdminSession, ApiClients } from '../../fixtures/api/sessions';
import { Factory, randomSeed, uniqueSuffix } from '../../fixtures/data/factory';
import { env } from '../../fixtures/env';
import { KafkaCapture } from '../../fixtures/events/capture';
import { occurredAtOf } from '../../fixtures/events/match';
import { TestEvents } from '../../fixtures/events/test-events';
import { createMailhogClient, Mailbox } from '../../fixtures/mail/mailbox';
import { TimingLog } from '../../fixtures/timings/timing-log';
import { pollUntil, withDeadline } from '../../fixtures/wait';
import { timeEach } from './stats';

const WAIT_MS = 15_000;

/**
 * What one worker of the suite holds (fixtures/*): the Kafka capture, a pool on the shop's database, the HTTP
 * contract, the admin's session; and one anonymous client to act with. Built from the suite's own classes, so the
 * figures are what a test pays.
 */
export class WorkerLike {
  private constructor(
    readonly capture: KafkaCapture,
    readonly pool: Pool,
    readonly contract: HttpContract | undefined,
    readonly adminSession: AdminSession,
    readonly clients: ApiClients,
    readonly api: ShopClient,
    readonly timings: TimingLog,
    readonly factory: Factory,
  ) {}

  static async start(): Promise<WorkerLike> {
    const source = env.httpContract;
    const contract = source === 'off' ? undefined : HttpContract.load(source);
    const capture = await KafkaCapture.start();
    const pool = new Pool({ connectionString: env.databaseUrl, max: 3, idleTimeoutMillis: 10_000 });
    const adminSession = new AdminSession(playwrightRequest, contract);
    const clients = new ApiClients(playwrightRequest, contract);
    const api = await clients.create();
    const adminApi = await clients.create(await adminSession.accessToken());
    const factory = new Factory(randomSeed(), { api, adminApi, newClient: (token) => clients.create(token) });
    return new WorkerLike(capture, pool, contract, adminSession, clients, api, new TimingLog(), factory);
  }

  /** A test's view of the capture, as fixtures/events/fixture.ts makes it. */
  testEvents(): TestEvents {
    return new TestEvents(this.capture, new Date(), WAIT_MS, this.pool, this.timings);
  }

  /** Registers a fresh user over HTTP; returns its id, its email and when the 201 arrived (Date.now()). */
  async register(): Promise<{ userId: string; email: string; sentAt: number; answeredAt: number }> {
    const data = this.factory.userData();
    const sentAt = Date.now();
    const response = await this.api.register(data);
    const answeredAt = Date.now();
    if (response.status() !== 201) throw new Error(`registering ${data.email} answered ${response.status()}: ${await response.text()}`);
    const user = await readJson(response);
    return { userId: user.id, email: data.email, sentAt, answeredAt };
  }

  async stop(): Promise<void> {
    await this.clients.disposeAll();
    await this.capture.stop();
    await this.pool.end();
  }
}

export interface EventSeen {
  /** The 201 of the action → the suite's consumer holding the event (0 when it was there before the answer). */
  answerToSeen: number[];
  /** The request sent → the event held: the action's own work included. */
  requestToSeen: number[];
  /** The envelope's occurredAt (the shop's transaction) → held: what scripts/timings.ts reports. */
  occurredToSeen: number[];
}

/** Figure 2: register a user over HTTP, then wait for users.registered the way a test does (TestEvents.waitFor). */
export async function eventSeen(worker: WorkerLike, count: number): Promise<EventSeen> {
  const result: EventSeen = { answerToSeen: [], requestToSeen: [], occurredToSeen: [] };
  for (let index = 0; index < count; index += 1) {
    const events = worker.testEvents();
    const action = await worker.register();
    const event = await events.waitFor('users.registered', { userId: action.userId }, { timeout: WAIT_MS });
    const seen = event.receivedAt.getTime();
    result.answerToSeen.push(Math.max(0, seen - action.answeredAt));
    result.requestToSeen.push(seen - action.sentAt);
    const occurred = occurredAtOf(event);
    if (!Number.isNaN(occurred)) result.occurredToSeen.push(seen - occurred);
  }
  return result;
}

/**
 * Floor of figure 2: a bare kafkajs producer → a kafkajs consumer subscribed beforehand, on the same broker, on a
 * topic of its own (one partition), with the capture's fetch settings. Each sample: send() called → eachMessage.
 */
export async function bareRoundTrip(count: number): Promise<number[]> {
  const kafka = new Kafka({ clientId: `bench-${process.pid}`, brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING });
  const topic = `bench.roundtrip.${process.pid}.${uniqueSuffix()}`;
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}`, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  const waiting = new Map<string, () => void>();
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const id = message.value?.toString() ?? '';
        waiting.get(id)?.();
        waiting.delete(id);
      },
    });
    const roundTrip = async () => {
      const id = randomUUID();
      const arrived = new Promise<void>((resolve) => waiting.set(id, resolve));
      await producer.send({ topic, messages: [{ value: id }] });
      await withDeadline(arrived, WAIT_MS, () => `the bare consumer did not receive ${id} within ${WAIT_MS} ms`);
    };
    // The first messages also wait for the consumer's group join and first fetch: not part of the floor.
    await timeEach(3, roundTrip);
    return await timeEach(count, roundTrip);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Figure 3: right after an action's 201 (a registration), prove that no users.deleted event names the new user,
 * the way `expect(events).not.toHavePublished` does (TestEvents.publishedAfterFlush: outbox flushed up to now,
 * then the topic read to its end offsets).
 */
export async function absenceProved(worker: WorkerLike, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const events = worker.testEvents();
    const action = await worker.register();
    const began = performance.now();
    const proof = await events.publishedAfterFlush('users.deleted', { userId: action.userId }, { timeout: WAIT_MS });
    samples.push(performance.now() - began);
    if (proof.found.length > 0) throw new Error(`users.deleted was published for the new user ${action.userId}`);
  }
  return samples;
}

/**
 * Floor of figure 3: the proof's own reads with nothing to wait for: the outbox's watermark and its pending rows
 * (the two queries of outboxFlushed), then the topic's end offsets (admin.fetchTopicOffsets).
 */
export async function absenceReads(worker: WorkerLike, count: number): Promise<number[]> {
  return timeEach(count, async () => {
    const { rows } = await worker.pool.query<{ max: string }>('SELECT coalesce(max(id), 0)::text AS max FROM outbox');
    await worker.pool.query('SELECT count(*)::int AS pending FROM outbox WHERE id <= $1 AND published_at IS NULL', [rows[0].max]);
    await worker.capture.endOffsets('users.deleted');
  });
}

export interface MailSeen {
  /** MailHog's Created (the mail stored) → the test's wait (Mailbox.waitForEmail, woken by MailHog's event stream) returning it. */
  deliveredToSeen: number[];
  /** The registration's 201 → the welcome mail seen: Kafka, the shop's consumer, SMTP and the wait. */
  answerToSeen: number[];
}

/** Figure 4: the welcome mail of a fresh registration, waited for with the suite's Mailbox. */
export async function mailSeen(worker: WorkerLike, count: number): Promise<MailSeen> {
  const mailbox = new Mailbox(createMailhogClient(), WAIT_MS, worker.timings);
  const result: MailSeen = { deliveredToSeen: [], answerToSeen: [] };
  for (let index = 0; index < count; index += 1) {
    const action = await worker.register();
    await mailbox.waitForEmail({ to: action.email, subject: /^Welcome to Event Shop/ });
    const timing = worker.timings.mails.at(-1);
    if (!timing || timing.to !== action.email) throw new Error(`no mail timing recorded for ${action.email}`);
    const seenAt = new Date(timing.seenAt).getTime();
    result.deliveredToSeen.push(seenAt - new Date(timing.deliveredAt).getTime());
    result.answerToSeen.push(seenAt - action.answeredAt);
  }
  return result;
}

export interface BareMail {
  /** nodemailer's sendMail called → the first MailHog API search that lists the mail (polled every 5 ms). */
  sendToRead: number[];
  /** MailHog's Created → that read. */
  deliveredToRead: number[];
}

/** Floor of figure 4: a bare SMTP send to MailHog (nodemailer, one transport) → MailHog's API listing it. */
export async function bareMail(count: number): Promise<BareMail> {
  const transport = nodemailer.createTransport({ host: process.env.SMTP_HOST, port: Number(process.env.SMTP_PORT), secure: false });
  const mailhog = createMailhogClient();
  const result: BareMail = { sendToRead: [], deliveredToRead: [] };
  try {
    for (let index = -2; index < count; index += 1) {
      const to = `bench.${uniqueSuffix()}@e2e.event-shop.test`;
      const began = performance.now();
      await transport.sendMail({ from: env.mailFrom, to, subject: 'bench', text: 'bench' });
      const created = await pollUntil(
        async () => {
          const found = await mailhog.search(to, 'to', 0, 10);
          const item = found?.items?.[0];
          return item ? new Date(item.Created).getTime() : undefined;
        },
        { timeout: WAIT_MS, intervals: [5], onTimeout: () => `MailHog did not list the mail to ${to}` },
      );
      const read = Date.now();
      // The first two warm the connection up; they are not samples.
      if (index < 0) continue;
      result.sendToRead.push(performance.now() - began);
      result.deliveredToRead.push(read - created);
    }
  } finally {
    transport.close();
  }
  return result;
}

/**
 * Figure 5: what an API test's fixtures do before and after its body (fixtures/api, fixtures/data): the test's
 * request contexts (anonymous and admin, the admin's token cached per worker), a fresh customer registered and
 * logged in with its own context, a category of its own with one product, then every context disposed.
 */
export async function apiFixtureCost(worker: WorkerLike, count: number): Promise<ApiFixtureCost> {
  const parts: ApiFixtureCost = { total: [], contexts: [], customer: [], categoryAndProduct: [], dispose: [] };
  for (let index = 0; index < count; index += 1) {
    const clients = new ApiClients(playwrightRequest, worker.contract);
    const began = performance.now();
    let mark = began;
    const lap = (into: number[]) => {
      const now = performance.now();
      into.push(now - mark);
      mark = now;
    };
    try {
      const api = await clients.create();
      const adminApi = await clients.create(await worker.adminSession.accessToken());
      lap(parts.contexts);
      const factory = new Factory(randomSeed(), { api, adminApi, newClient: (token) => clients.create(token) });
      await factory.customer();
      lap(parts.customer);
      await factory.productsInOwnCategory(1);
      lap(parts.categoryAndProduct);
    } finally {
      await clients.disposeAll();
      lap(parts.dispose);
    }
    parts.total.push(performance.now() - began);
  }
  return parts;
}

/** Figure 5 in parts (ms per test): the contexts, the customer (register + login + its context), the data, the disposal. */
export interface ApiFixtureCost {
  total: number[];
  contexts: number[];
  customer: number[];
  categoryAndProduct: number[];
  dispose: number[];
}

/** Floor of figure 5: one bare GET /health (Node's fetch, a kept-alive connection), after two to warm it. */
export async function bareRequest(count: number): Promise<number[]> {
  const url = `${env.shopUrl}/health`;
  const get = async () => {
    const response = await fetch(url);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`GET /health answered ${response.status}`);
  };
  await timeEach(2, get);
  return timeEach(count, get);
}
