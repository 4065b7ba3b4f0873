import type { FastifyBaseLogger } from 'fastify';
import type { Consumer, ConsumerRunConfig, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { DatabaseError, type Pool } from 'pg';
import { deadLetterTopic, topicName, type EventEnvelope, type EventPayloads, type EventType } from '../events';
import { PATIENT_RETRY } from '../kafka';
import { StartupError } from '../startup';
import { duplicateOfOtherContent } from './consumedEvents';
import { buildDeadLetter, type Rejection } from './deadLetters';
import { screen } from './screening';

/** What a consumer does with each valid event of a type; a throw leaves the message uncommitted, so it is retried. */
export type EventHandlers = { [T in EventType]?: (event: EventEnvelope<EventPayloads[T]>) => Promise<void> };

export interface EventConsumerOptions {
  kafka: Kafka;
  /** Publishes the dead letters. */
  producer: Producer;
  /** Where each group records the event ids it has consumed (consumedEvents.ts). */
  pool: Pool;
  log: FastifyBaseLogger;
  topicPrefix: string;
  /** The consumer group without TOPIC_PREFIX, e.g. `shop-notifications`. */
  group: string;
  handlers: EventHandlers;
  joinTimeoutMs: number;
}

/**
 * A message refused for any reason goes to `<topic>.dlq` (deadLetters.ts: why, the original bytes and headers, who
 * refused it), with the original key and headers on the dead letter too; once that is acknowledged the message counts
 * as handled and the consumer carries on.
 */
async function deadLetter(
  options: EventConsumerOptions,
  groupId: string,
  rejected: { topic: string; partition: number; message: KafkaMessage } & Rejection,
): Promise<void> {
  const { topic, partition, message, reason, error } = rejected;
  const letter = buildDeadLetter({ ...rejected, consumer: groupId });
  await options.producer.send({
    topic: deadLetterTopic(topic),
    messages: [{ key: letter.key, value: letter.value, headers: letter.headers }],
  });
  options.log.warn(
    { topic, partition, offset: message.offset, consumer: groupId, reason, error: error.slice(0, 1_000), truncated: letter.truncated },
    'dead-lettered an invalid message',
  );
}

/**
 * Postgres's data exceptions (SQLSTATE class 22: a NUL in a text, a number out of its column's range, a date it
 * cannot store) come from the event's content, so every retry would fail the same way and hold the partition for
 * ever. The handler's transaction has rolled back; the event goes to the dead letters instead.
 */
function isDataException(error: unknown): error is DatabaseError {
  return error instanceof DatabaseError && typeof error.code === 'string' && error.code.startsWith('22');
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

/** How long a consumer kafkajs gave up on waits before it is started again. */
const RESTART_AFTER_CRASH_MS = 1_000;

/**
 * kafkajs restarts a crashed consumer only when the error is retriable. After a broker restart it can crash on one
 * that is not ("Failed to find group coordinator" while the new broker loads its groups) and then stays stopped:
 * no more mails or order history until the shop restarts. Such a consumer is connected and run again every second
 * until it runs; the same instance keeps its subscription. Its disconnect() (the shop stopping) ends the restarts.
 */
function restartAfterCrash(consumer: Consumer, runConfig: ConsumerRunConfig, groupId: string, log: FastifyBaseLogger): void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(() => {
      timer = undefined;
      void (async () => {
        if (stopped) return;
        try {
          await consumer.connect();
          await consumer.run(runConfig);
          log.warn({ consumer: groupId }, 'consumer started again after a crash kafkajs does not restart');
        } catch (error) {
          log.error({ consumer: groupId, err: error instanceof Error ? error.message : String(error) }, 'consumer could not start again; retrying');
          if (!stopped) schedule();
        }
      })();
    }, RESTART_AFTER_CRASH_MS);
    timer.unref();
  };
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    log.error({ consumer: groupId, err: payload.error.message, restart: payload.restart }, 'consumer crashed');
    // kafkajs has disconnected it by now (it does before it emits CRASH).
    if (!payload.restart && !stopped && timer === undefined) schedule();
  });
  const disconnect = consumer.disconnect.bind(consumer);
  consumer.disconnect = async () => {
    stopped = true;
    clearTimeout(timer);
    await disconnect();
  };
}

/**
 * Starts a consumer group (from the earliest offset) on the topics of its handlers and resolves once it has
 * joined the group. Every message is screened (screening.ts) and its event id checked (consumedEvents.ts) before its
 * handler sees it; whatever is refused goes to the dead letters.
 */
export async function startEventConsumer(options: EventConsumerOptions): Promise<Consumer> {
  const groupId = `${options.topicPrefix}${options.group}`;
  const types = Object.keys(options.handlers) as EventType[];
  const typeOfTopic = new Map(types.map((type) => [topicName(options.topicPrefix, type), type]));

  const consumer = options.kafka.consumer({
    groupId,
    maxWaitTimeInMs: 500,
    // A shop that died leaves its member in the group until this expires, and a new one waits for that: 10 s, not
    // kafkajs's 30 s. Heartbeats go between messages, so a handler must finish well within it (SMTP gives up in 5 s).
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    rebalanceTimeout: 10_000,
    // Failures (the broker gone, SMTP or Postgres down in a handler) are retried every second for as long as they
    // last, as the same member, so the consumer resumes as soon as the broker answers instead of rejoining as a
    // stranger (kafka.ts). kafkajs still crashes the consumer on a few errors; it is then restarted.
    retry: { ...PATIENT_RETRY, restartOnFailure: async () => true },
  });
  const runConfig: ConsumerRunConfig = {
    eachMessage: async ({ topic, partition, message }) => {
      const type = typeOfTopic.get(topic)!;
      const screened = screen(type, message);
      if (!screened.valid) return deadLetter(options, groupId, { topic, partition, message, ...screened });
      const { event } = screened;
      const handle = options.handlers[type] as (event: EventEnvelope<unknown>) => Promise<void>;
      let rejection: Rejection | undefined;
      try {
        rejection = await duplicateOfOtherContent(options.pool, groupId, topic, event.eventId, message.value!);
        if (!rejection) await handle(event);
      } catch (error) {
        if (!isDataException(error)) {
          options.log.error({ err: error, consumer: groupId, eventId: event.eventId }, 'event handling failed; it will be retried');
          // kafkajs never retries a TypeError and the like, and a consumer that crashed on one stays stopped:
          // any failure is rethrown as a plain (retriable) error, so the message is retried and the consumer lives.
          throw new Error(`handling ${event.eventId} failed`, { cause: error });
        }
        rejection = { reason: 'UNPROCESSABLE', error: `the handler failed on the event's content: ${error.message} (SQLSTATE ${error.code})` };
      }
      if (rejection) await deadLetter(options, groupId, { topic, partition, message, ...rejection });
    },
  };
  restartAfterCrash(consumer, runConfig, groupId, options.log);
  const joined = firstGroupJoin(consumer);
  // Bounded as a whole: with its patient retries, connect would otherwise wait for a broker that died meanwhile.
  const starting = (async () => {
    await consumer.connect();
    await consumer.subscribe({ topics: [...typeOfTopic.keys()], fromBeginning: true });
    await consumer.run(runConfig);
    await joined;
  })();
  try {
    await withinTimeout(starting, options.joinTimeoutMs, `the ${groupId} consumer did not join its Kafka group within ${options.joinTimeoutMs} ms`);
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }
  return consumer;
}
