import { createHash, randomUUID } from 'node:crypto';
import {
  test,
  expect,
  env,
  consumersOf,
  type DeadLetterReason,
  type EventEnvelope,
  type HeadersBase64,
  type Mail,
  type MatchedDeadLetter,
  type PublishedRecord,
  type RegisteredUser,
  type ShopDb,
  type TestEvents,
} from '../../fixtures';

/**
 * Hostile events, as a table of {topic, kind}: each case publishes one message no honest producer sends to a topic
 * the shop consumes, with headers of its own, and expects a dead letter from every consumer group that reads the
 * topic: the reason, the original bytes and headers, on the dead letter and on its Kafka message. Then a valid event
 * on the same topic is still handled, and once the shop's consumers are past it (their committed offsets, no sleep)
 * the database and the mailbox show that the hostile message changed nothing (docs/API.md, "Dead letters").
 */

/** The size limit of a consumed message: key, value and headers together. */
const MAX_MESSAGE_BYTES = 256 * 1024;

const fullName = (name: string) => `${env.topicPrefix}${name}`;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const base64 = (text: string) => Buffer.from(text).toString('base64');
/** The address a users.registered event of the test's own makes for a user id. */
const emailOf = (userId: string) => `hostile-${userId}@example.com`;

/**
 * Headers no shop producer sets: the case's id, bytes that are not UTF-8, a repeated one, an empty one. (Not one
 * without a value: Kafka allows it, kafkajs cannot send it.)
 */
function hostileHeaders(caseId: string): { sent: Record<string, string | Buffer | string[]>; expected: HeadersBase64 } {
  return {
    sent: { 'x-e2e-case': caseId, 'x-binary': Buffer.from([0xff, 0x00, 0xfe, 0x80]), 'x-repeated': ['first', 'second'], 'x-empty': '' },
    expected: { 'x-e2e-case': [base64(caseId)], 'x-binary': ['/wD+gA=='], 'x-repeated': [base64('first'), base64('second')], 'x-empty': [''] },
  };
}

function envelope<P>(type: string, payload: P): EventEnvelope<P> {
  return { eventId: randomUUID(), type, occurredAt: new Date().toISOString(), correlationId: randomUUID(), version: 1, payload };
}

/** How a topic's valid events are made, and what the shop does with one: trace lines it must show (see `traces`). */
interface TopicSpec {
  /** A valid event about `entity`, its Kafka key: a user id, or an order id of `customer`. */
  event(entity: string, customer: RegisteredUser): EventEnvelope;
  /** A free-text field of the payload, where bytes that are not UTF-8 would read as U+FFFD. */
  textField?: string;
  handled: RegExp[];
}

const order = (orderId: string, customer: RegisteredUser) => ({ orderId, userId: customer.user.id, sequence: 1 });
/** Every orders.* event of an order the tracker has not seen leaves a row: history, parked or refused. */
const TRACKED = /^order_(history|tracking_pending|tracking_errors): /;

const TOPICS: Record<string, TopicSpec> = {
  'users.registered': {
    event: (userId) => envelope('users.registered', { userId, email: emailOf(userId), name: 'Hostile Tester' }),
    textField: 'name',
    handled: [/^mail: Welcome to Event Shop, Hostile Tester$/, /^notification welcome: /],
  },
  'orders.created': {
    event: (orderId, customer) =>
      envelope('orders.created', {
        ...order(orderId, customer),
        items: [{ productId: randomUUID(), quantity: 1, unitPrice: 10 }],
        subtotal: 10,
        discountTotal: 0,
        shippingCost: 5,
        total: 15,
        currency: 'USD',
      }),
    handled: [TRACKED],
  },
  'orders.paid': {
    event: (orderId, customer) =>
      envelope('orders.paid', { ...order(orderId, customer), paymentIntentId: `pi_${orderId.slice(0, 8)}`, amount: 15, currency: 'USD', paidAt: new Date().toISOString() }),
    textField: 'paymentIntentId',
    handled: [TRACKED],
  },
  'orders.payment_failed': {
    event: (orderId, customer) => envelope('orders.payment_failed', { ...order(orderId, customer), paymentIntentId: `pi_${orderId.slice(0, 8)}`, reason: 'Your card was declined.' }),
    textField: 'reason',
    handled: [TRACKED, /^mail: Payment failed for order /, /^notification payment_failed: /],
  },
  'orders.shipped': {
    event: (orderId, customer) => envelope('orders.shipped', { ...order(orderId, customer), carrier: 'DHL', trackingNumber: 'TRK-1', shippedAt: new Date().toISOString() }),
    textField: 'carrier',
    handled: [TRACKED, /^mail: Your order .* has shipped$/, /^notification order_shipped: /],
  },
  'orders.delivered': {
    event: (orderId, customer) => envelope('orders.delivered', { ...order(orderId, customer), deliveredAt: new Date().toISOString() }),
    handled: [TRACKED],
  },
  'orders.cancelled': {
    event: (orderId, customer) => envelope('orders.cancelled', { ...order(orderId, customer), reason: 'customer_request', refunded: false }),
    handled: [TRACKED],
  },
};

/** A hostile message: what goes on the topic, and its Kafka key. */
interface Hostile {
  value: string | Buffer;
  key: string | null;
}

interface Kind {
  name: string;
  reason: DeadLetterReason;
  /** What the dead letter's `error` says. */
  error: RegExp;
  /** Made from a valid event about `entity`; for a duplicate, from the genuine event handled before it. */
  make(valid: EventEnvelope, entity: string, spec: TopicSpec, genuine?: EventEnvelope): Hostile;
  /** The genuine event it poses as is published and handled first, then redelivered byte for byte. */
  posesAsGenuine?: boolean;
  /** The dead letter cannot hold it whole (see the schema's `truncated`). */
  truncated?: boolean;
}

const MARK = '<<not utf-8>>';

const KINDS = {
  notJson: {
    name: 'truncated JSON',
    reason: 'NOT_JSON',
    error: /not JSON/,
    make: (valid, entity) => ({ value: JSON.stringify(valid).slice(0, -25), key: entity }),
  },
  invalidUtf8: {
    name: 'an event whose text holds bytes that are not UTF-8',
    reason: 'NOT_JSON',
    error: /not valid UTF-8/,
    // Read leniently, the bytes would be U+FFFD and the event valid: the strict reading refuses it.
    make: (valid, entity, spec) => {
      const [before, after] = JSON.stringify({ ...valid, payload: { ...valid.payload, [spec.textField!]: `Bad ${MARK} bytes` } }).split(MARK);
      return { value: Buffer.concat([Buffer.from(before), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(after)]), key: entity };
    },
  },
  contract: {
    name: 'JSON that breaks the contract',
    reason: 'CONTRACT_VIOLATION',
    error: /occurredAt/,
    make: (valid, entity) => {
      const { occurredAt: _dropped, ...rest } = valid;
      return { value: JSON.stringify({ ...rest, payload: { ...valid.payload, isAdmin: true } }), key: entity };
    },
  },
  urnEventId: {
    name: 'an eventId as urn:uuid (a uuid to ajv, not to Postgres)',
    reason: 'CONTRACT_VIOLATION',
    error: /eventId/,
    make: (valid, entity) => ({ value: JSON.stringify({ ...valid, eventId: `urn:uuid:${valid.eventId}` }), key: entity }),
  },
  version: {
    name: 'an envelope of version 2',
    reason: 'UNSUPPORTED_VERSION',
    error: /version 2 /,
    // Also off the version 1 contract: the version is judged first.
    make: (valid, entity) => ({ value: JSON.stringify({ ...valid, version: 2, payload: { ...valid.payload, schema: 'v2' } }), key: entity }),
  },
  tooLarge: {
    name: 'an event just over the size limit',
    reason: 'TOO_LARGE',
    error: new RegExp(`the limit is ${MAX_MESSAGE_BYTES}`),
    make: (valid, entity) => ({ value: JSON.stringify({ ...valid, payload: { ...valid.payload, padding: 'x'.repeat(MAX_MESSAGE_BYTES) } }), key: entity }),
  },
  farTooLarge: {
    name: 'a message of 900 kB, near the broker’s own limit',
    reason: 'TOO_LARGE',
    error: new RegExp(`the limit is ${MAX_MESSAGE_BYTES}`),
    make: (valid, entity) => ({ value: JSON.stringify({ ...valid, payload: { ...valid.payload, padding: 'x'.repeat(900_000) } }), key: entity }),
    truncated: true,
  },
  wrongKey: {
    name: 'the key of another entity',
    reason: 'WRONG_KEY',
    error: /not the event's (orderId|userId)/,
    make: (valid) => ({ value: JSON.stringify(valid), key: randomUUID() }),
  },
  noKey: {
    name: 'no key',
    reason: 'WRONG_KEY',
    error: /the key is none/,
    make: (valid) => ({ value: JSON.stringify(valid), key: null }),
  },
  duplicate: {
    name: 'another event under the eventId of one already handled',
    reason: 'DUPLICATE_EVENT_ID',
    error: /consumed before/,
    make: (valid, entity, _spec, genuine) => ({ value: JSON.stringify({ ...valid, eventId: genuine!.eventId }), key: entity }),
    posesAsGenuine: true,
  },
  nulInName: {
    name: 'a NUL in the name (valid JSON and contract; Postgres cannot store it)',
    reason: 'UNPROCESSABLE',
    error: /SQLSTATE 22/,
    make: (valid, entity) => ({ value: JSON.stringify({ ...valid, payload: { ...valid.payload, name: 'Nul\u0000Tester' } }), key: entity }),
  },
  sequenceOverflow: {
    name: 'a sequence past a 32-bit integer (valid contract; Postgres cannot store it)',
    reason: 'UNPROCESSABLE',
    error: /SQLSTATE 22/,
    make: (valid, entity) => ({ value: JSON.stringify({ ...valid, payload: { ...valid.payload, sequence: 2_147_483_648 } }), key: entity }),
  },
} satisfies Record<string, Kind>;

/** Each kind on the notifications-only topic and on the topic both consumers read; the rest spread over the others. */
const CASES: Array<{ topic: keyof typeof TOPICS; kind: Kind }> = [
  ...[KINDS.notJson, KINDS.invalidUtf8, KINDS.contract, KINDS.version, KINDS.tooLarge, KINDS.farTooLarge, KINDS.wrongKey, KINDS.duplicate, KINDS.nulInName].map(
    (kind) => ({ topic: 'users.registered', kind }),
  ),
  ...[KINDS.notJson, KINDS.invalidUtf8, KINDS.contract, KINDS.urnEventId, KINDS.version, KINDS.tooLarge, KINDS.wrongKey, KINDS.duplicate].map((kind) => ({
    topic: 'orders.shipped',
    kind,
  })),
  { topic: 'orders.paid', kind: KINDS.invalidUtf8 },
  { topic: 'orders.paid', kind: KINDS.duplicate },
  { topic: 'orders.payment_failed', kind: KINDS.version },
  { topic: 'orders.payment_failed', kind: KINDS.wrongKey },
  { topic: 'orders.created', kind: KINDS.tooLarge },
  { topic: 'orders.created', kind: KINDS.noKey },
  { topic: 'orders.delivered', kind: KINDS.sequenceOverflow },
  { topic: 'orders.cancelled', kind: KINDS.contract },
  { topic: 'orders.cancelled', kind: KINDS.duplicate },
];

/** What a case works with: the shop's database and mailbox, the events fixture, a customer of its own. */
interface World {
  events: TestEvents;
  db: ShopDb;
  mailbox: { messagesTo(to: string): Promise<Mail[]> };
  customer: RegisteredUser;
}

/**
 * Everything the shop did about an entity (a user id or an order id), as lines: mails and notifications rows for
 * the user's address or naming the order, and the order tracker's rows. Empty: nothing happened.
 */
async function traces(entity: string, { db, mailbox, customer }: World): Promise<string[]> {
  const mails = [...(await mailbox.messagesTo(emailOf(entity))), ...(await mailbox.messagesTo(customer.email)).filter((mail) => mail.subject.includes(entity))];
  const notifications = [...(await db.notificationsTo(emailOf(entity))), ...(await db.notificationsTo(customer.email)).filter((row) => row.subject.includes(entity))];
  return [
    ...mails.map((mail) => `mail: ${mail.subject}`),
    ...notifications.map((row) => `notification ${row.kind}: ${row.subject}`),
    ...(await db.orderHistory(entity)).map((row) => `order_history: ${row.status}`),
    ...(await db.trackingPending(entity)).map((row) => `order_tracking_pending: sequence ${String(row.sequence)}`),
    ...(await db.trackingErrors(entity)).map((row) => `order_tracking_errors: ${row.message}`),
  ].sort();
}

interface Genuine {
  id: string;
  event: EventEnvelope;
  /** Its traces once handled. */
  handled: string[];
  redelivery: PublishedRecord;
}

/** For a kind that poses as a genuine event: that event, handled, then published again byte for byte (at least once). */
async function genuineFirst(topic: string, kind: Kind, world: World): Promise<Genuine | undefined> {
  if (!kind.posesAsGenuine) return undefined;
  return test.step('the genuine event is handled, then redelivered byte for byte (at least once)', async () => {
    const id = randomUUID();
    const event = TOPICS[topic].event(id, world.customer);
    const first = await world.events.publish(topic, event, { key: id });
    await world.events.consumedByShop(topic, first);
    const handled = await traces(id, world);
    expect(handled, 'the genuine event was handled').not.toEqual([]);
    const redelivery = await world.events.publish(topic, Buffer.from(first.valueBase64, 'base64'), { key: id });
    return { id, event, handled, redelivery };
  });
}

/** The dead letter holds the original bytes (whole, or as many as fit when it had to be cut) and headers. */
function expectOriginalKept(letter: MatchedDeadLetter, published: PublishedRecord, kind: Kind, headers: HeadersBase64): void {
  const { deadLetter } = letter;
  // Every dead letter says on its Kafka message why and by whom it was refused (contracts/events/headers.schema.json).
  const base64 = (text: string) => Buffer.from(text).toString('base64');
  const added = { 'dead-letter-reason': [base64(deadLetter.reason)], 'dead-letter-consumer': [base64(deadLetter.consumer)] };
  if (kind.truncated) {
    const bytes = Buffer.from(published.valueBase64, 'base64');
    const kept = Buffer.from(deadLetter.valueBase64, 'base64');
    expect(kept.length, 'as many of the original bytes as fit').toBeGreaterThan(MAX_MESSAGE_BYTES);
    expect(kept.equals(bytes.subarray(0, kept.length)), 'valueBase64 is the beginning of the original').toBe(true);
    expect(letter.headersBase64, 'no header copies on a dead letter that had to be cut, only the reason and the consumer').toEqual(added);
    return;
  }
  expect(deadLetter.valueBase64 === published.valueBase64, 'valueBase64 is the original, byte for byte').toBe(true);
  expect(deadLetter.value === published.value, 'value is the original as UTF-8 text').toBe(true);
  expect(letter.headersBase64, 'the original headers are copied onto the dead letter, the reason and the consumer added').toEqual({ ...headers, ...added });
}

/** Once the consumers are past the hostile message: nothing about its entity, the genuine event's traces as they were. */
async function expectNothingHappened(topic: string, entity: string, genuine: Genuine | undefined, world: World): Promise<void> {
  expect(await traces(entity, world)).toEqual([]);
  if (!genuine) return;
  expect(await traces(genuine.id, world), 'the genuine event’s traces are as they were').toEqual(genuine.handled);
  const redelivered = await world.events.publishedSoFar(`${topic}.dlq`, { originalTopic: fullName(topic), offset: genuine.redelivery.offset });
  expect(redelivered, 'the redelivery was not dead-lettered').toEqual([]);
}

test.describe('hostile events', { tag: ['@security', '@events'] }, () => {
  for (const { topic, kind } of CASES) {
    const spec = TOPICS[topic];
    const groups = consumersOf(topic);
    const domain = topic.startsWith('orders.') ? '@orders' : '@users';

    const carryOn = groups.length === 1 ? 'which carries on' : 'which carry on';

    test(`${topic}: ${kind.name} is dead-lettered as ${kind.reason} by ${groups.join(' and ')}, ${carryOn}`, { tag: [domain] }, async ({ events, mailbox, db, factory }) => {
      const world: World = { events, db, mailbox, customer: await factory.registeredUser() };
      const entity = randomUUID();
      const genuine = await genuineFirst(topic, kind, world);

      const headers = hostileHeaders(randomUUID());
      const hostile = kind.make(spec.event(entity, world.customer), entity, spec, genuine?.event);

      const published = await test.step('the hostile message is published with headers of its own', async () =>
        events.publish(topic, hostile.value, { key: hostile.key, headers: headers.sent }),
      );

      const bytes = Buffer.from(published.valueBase64, 'base64');

      for (const group of groups) {
        await test.step(`${group} dead-letters it to ${topic}.dlq as ${kind.reason}, with the original bytes and headers`, async () => {
          const letter = await events.waitForDeadLetter(`${topic}.dlq`, { originalTopic: fullName(topic), offset: published.offset, consumer: fullName(group) });
          expect(letter.deadLetter).toMatchObject({
            reason: kind.reason,
            partition: published.partition,
            key: hostile.key,
            valueSize: bytes.length,
            valueSha256: sha256(bytes),
            truncated: kind.truncated ?? false,
          });
          expect(letter.deadLetter.error).toMatch(kind.error);
          expect(letter.deadLetter.headers, 'the original headers, byte for byte').toEqual(headers.expected);
          expectOriginalKept(letter, published, kind, headers.expected);
          expect(letter.key, 'the dead letter’s key is the original key').toBe(hostile.key);
        });
      }

      await test.step('a valid event on the same topic after it is still handled', async () => {
        const next = randomUUID();
        const record = await events.publish(topic, spec.event(next, world.customer), { key: next });
        await events.consumedByShop(topic, record);
        for (const line of spec.handled) {
          await expect.poll(async () => (await traces(next, world)).some((trace) => line.test(trace)), { message: `a trace matching ${line}` }).toBe(true);
        }
      });

      await test.step('the hostile message changed nothing: no mail, no notification, no tracking row', async () => {
        // Every consumer committed past the valid event after it, so each was done with the hostile one before.
        await expectNothingHappened(topic, entity, genuine, world);
      });
    });
  }
});
