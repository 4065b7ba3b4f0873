import type { FastifyBaseLogger } from 'fastify';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Pool } from 'pg';
import { withTransaction } from '../db';
import { contractChecker, topicName, type EventEnvelope, type UserRegisteredPayload } from '../events';
import type { Mailer } from '../mailer';
import { StartupError } from '../startup';
import { html } from '../web/html';

export interface NotificationsOptions {
  kafka: Kafka;
  pool: Pool;
  mailer: Mailer;
  log: FastifyBaseLogger;
  topicPrefix: string;
  mailFrom: string;
  publicUrl: string;
  joinTimeoutMs: number;
}

const checkUserRegistered = contractChecker<UserRegisteredPayload>('users.registered');

const welcomeSubject = (name: string): string => `Welcome to Event Shop, ${name}`;

function welcomeMail(payload: UserRegisteredPayload, publicUrl: string) {
  const catalogUrl = `${publicUrl}/products`;
  return {
    subject: welcomeSubject(payload.name),
    text: `Hi ${payload.name},\n\nYour Event Shop account for ${payload.email} is ready.\nBrowse the catalog: ${catalogUrl}\n\nEvent Shop\n`,
    html: html`<p>Hi ${payload.name},</p>
<p>Your Event Shop account for ${payload.email} is ready.</p>
<p><a href="${catalogUrl}">Browse the catalog</a></p>
<p>Event Shop</p>`.value,
  };
}

/**
 * Sends the welcome mail once per event: the notifications row (unique event_id) and the mail share a transaction,
 * so a redelivered event finds the row and sends nothing, and a failed send leaves no row and is retried.
 */
async function sendWelcomeOnce(
  options: NotificationsOptions,
  event: EventEnvelope<UserRegisteredPayload>,
): Promise<void> {
  const mail = welcomeMail(event.payload, options.publicUrl);
  await withTransaction(options.pool, async (client) => {
    const { rowCount } = await client.query(
      `INSERT INTO notifications (event_id, kind, recipient, subject) VALUES ($1, 'welcome', $2, $3)
       ON CONFLICT (event_id) DO NOTHING`,
      [event.eventId, event.payload.email, mail.subject],
    );
    if (rowCount === 0) {
      options.log.info({ eventId: event.eventId }, 'welcome mail already sent for this event');
      return;
    }
    await options.mailer.sendMail({ from: options.mailFrom, to: event.payload.email, ...mail });
  });
}

function parseJson(value: Buffer | null): unknown {
  try {
    return JSON.parse(value?.toString('utf8') ?? '');
  } catch {
    return undefined;
  }
}

/** Resolves on the consumer's first group join; never rejects, so it can be set up before the consumer starts. */
function firstGroupJoin(consumer: Consumer): Promise<void> {
  return new Promise((resolve) => {
    const removeListener = consumer.on(consumer.events.GROUP_JOIN, () => {
      removeListener();
      resolve();
    });
  });
}

async function withinTimeout(promise: Promise<void>, timeoutMs: number, failure: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new StartupError(failure)), timeoutMs);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function handleMessage(
  options: NotificationsOptions,
  topic: string,
  partition: number,
  message: KafkaMessage,
): Promise<void> {
  const value = parseJson(message.value);
  const check = value === undefined ? { valid: false as const, problems: 'the value is not JSON' } : checkUserRegistered(value);
  if (!check.valid) {
    options.log.warn({ topic, partition, offset: message.offset, problems: check.problems }, 'skipping invalid event');
    return;
  }
  try {
    await sendWelcomeOnce(options, check.event);
  } catch (error) {
    options.log.error({ err: error, eventId: check.event.eventId }, 'welcome mail failed; the event will be retried');
    throw error;
  }
}

/**
 * Starts the `notifications` consumer of users.registered and resolves once it has joined its group.
 * An event that fails the contract is logged and skipped (its offset is committed), never crashing the consumer.
 */
export async function startNotificationsConsumer(options: NotificationsOptions): Promise<Consumer> {
  const topic = topicName(options.topicPrefix, 'users.registered');
  const consumer = options.kafka.consumer({ groupId: `${options.topicPrefix}shop-notifications`, maxWaitTimeInMs: 500 });
  const joined = firstGroupJoin(consumer);
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: ({ message, partition }) => handleMessage(options, topic, partition, message) });
    await withinTimeout(
      joined,
      options.joinTimeoutMs,
      `the notifications consumer did not join its Kafka group within ${options.joinTimeoutMs} ms`,
    );
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }
  return consumer;
}
