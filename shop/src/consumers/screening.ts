import type { KafkaMessage } from 'kafkajs';
import { contractChecker, EVENT_VERSIONS, KEY_FIELD, type EventEnvelope, type EventType } from '../events';
import { MAX_MESSAGE_BYTES, messageSize, type Rejection } from './deadLetters';

/**
 * One checker per contract, compiled on its first event (not at start: compiling them all took a third of a second of
 * every shop's start), from the same schema files the suite validates with.
 */
const checkers = new Map<EventType, ReturnType<typeof contractChecker>>();

function checkerOf(type: EventType): ReturnType<typeof contractChecker> {
  let checker = checkers.get(type);
  if (!checker) {
    checker = contractChecker(type);
    checkers.set(type, checker);
  }
  return checker;
}

/** Strict: JSON is UTF-8, and a byte that is not would otherwise be read as U+FFFD and let through. A BOM is kept, so it is no JSON. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export type Screened = { valid: true; event: EventEnvelope<unknown> } | ({ valid: false } & Rejection);

const reject = (reason: Rejection['reason'], error: string): Screened => ({ valid: false, reason, error });

/** A key for an error message: its text, quoted, cut short. */
function describeKey(key: Buffer | null): string {
  if (key === null) return 'none';
  const text = key.toString('utf8');
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
}

/**
 * Everything that can be judged from the message alone, cheapest first, so a hostile message costs little: its
 * size (before it is read at all), UTF-8 and JSON, the envelope's version (before the contract: an event of a
 * version this shop does not know is not a broken one), its contract, and its key (the entity the payload is about).
 * A duplicate event id needs the database: see consumedEvents.ts.
 */
export function screen(type: EventType, message: KafkaMessage): Screened {
  const size = messageSize(message);
  if (size > MAX_MESSAGE_BYTES) {
    return reject('TOO_LARGE', `the message is ${size} bytes (key, value and headers); the limit is ${MAX_MESSAGE_BYTES}`);
  }
  if (!message.value || message.value.length === 0) return reject('NOT_JSON', 'the message has no value');
  let text: string;
  try {
    text = utf8.decode(message.value);
  } catch {
    return reject('NOT_JSON', 'the value is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return reject('NOT_JSON', `the value is not JSON: ${(error as Error).message}`);
  }
  const version = typeof parsed === 'object' && parsed !== null ? (parsed as { version?: unknown }).version : undefined;
  if (typeof version === 'number' && Number.isInteger(version) && !EVENT_VERSIONS.includes(version)) {
    return reject('UNSUPPORTED_VERSION', `version ${version} of ${type} is not one this shop reads (${EVENT_VERSIONS.join(', ')})`);
  }
  const contract = checkerOf(type)(parsed);
  if (!contract.valid) return reject('CONTRACT_VIOLATION', contract.problems);
  const field = KEY_FIELD[type];
  const entityId = (contract.event.payload as Record<string, string>)[field];
  if (!message.key?.equals(Buffer.from(entityId, 'utf8'))) {
    return reject('WRONG_KEY', `the key is ${describeKey(message.key)}, not the event's ${field} "${entityId}"`);
  }
  return contract;
}
