import { createHash } from 'node:crypto';
import type { IHeaders, KafkaMessage } from 'kafkajs';

/**
 * Why a consumer refused a message, in the order they are checked (docs/API.md, "Dead letters"); the `reason` of
 * contracts/events/dead-letter.schema.json, which lists the same codes.
 */
export const DEAD_LETTER_REASONS = [
  'TOO_LARGE',
  'NOT_JSON',
  'UNSUPPORTED_VERSION',
  'CONTRACT_VIOLATION',
  'WRONG_KEY',
  'DUPLICATE_EVENT_ID',
  'UNPROCESSABLE',
] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

export interface Rejection {
  reason: DeadLetterReason;
  /** For people: the parse error, the schema errors, the key that did not match. */
  error: string;
}

/** Key, value and headers together; a larger message is refused unread (shop events weigh a few KiB). */
export const MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * What a dead letter may weigh as a Kafka message (its value, key and headers): under the broker's default
 * message.max.bytes (1,048,588 for the whole record batch), with room for the batch around it. A dead letter the
 * broker refused would be retried for ever and stop the consumer.
 */
export const MAX_DEAD_LETTER_BYTES = 1_000_000;

/** How much of a text a cut dead letter keeps for reading. */
const PREVIEW_CHARS = 1_024;
/** The schema errors of a large hostile payload can run to megabytes; the first of them say enough. */
const MAX_ERROR_CHARS = 4_096;

/** The message value of contracts/events/dead-letter.schema.json. */
export interface DeadLetter {
  originalTopic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  valueBase64: string;
  valueSize: number;
  valueSha256: string;
  headers: Record<string, (string | null)[]>;
  reason: DeadLetterReason;
  error: string;
  consumer: string;
  failedAt: string;
  truncated: boolean;
}

type HeaderValue = Buffer | string | null;

/** kafkajs gives a repeated header as an array of its values, in the order they came; a header without a value as null. */
function headerEntries(headers: IHeaders | undefined): [string, HeaderValue[]][] {
  return Object.entries(headers ?? {}).map(([name, value]) => [name, (Array.isArray(value) ? value : [value]).map((one) => one ?? null)]);
}

/** Every header's name and value, in bytes (a repeated header's name counted each time, as Kafka sends it). */
function headersSize(headers: IHeaders | undefined): number {
  let size = 0;
  for (const [name, values] of headerEntries(headers)) {
    for (const value of values) size += Buffer.byteLength(name) + (value === null ? 0 : Buffer.byteLength(value));
  }
  return size;
}

/** What the size limit counts: the key, the value and the headers. */
export function messageSize(message: KafkaMessage): number {
  return (message.key?.length ?? 0) + (message.value?.length ?? 0) + headersSize(message.headers);
}

const base64 = (value: HeaderValue): string | null => (value === null ? null : Buffer.from(value).toString('base64'));

/** The first `max` characters and how many more there were; never ending on half a surrogate pair. */
function preview(text: string, max = PREVIEW_CHARS): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]) ? max - 1 : max;
  return `${text.slice(0, end)}… (${text.length - end} more characters)`;
}

/**
 * The original headers to copy onto the dead letter's Kafka message. A header without a value is left out: Kafka
 * allows one, but kafkajs cannot send it (it measures the value before looking for null) and a dead letter that
 * fails to send stops the consumer. The letter's `headers` still have it, as null.
 */
function copiable(headers: IHeaders | undefined): IHeaders | undefined {
  const entries = headerEntries(headers)
    .map(([name, values]) => [name, values.filter((value): value is Buffer | string => value !== null)] as const)
    .filter(([, values]) => values.length > 0);
  return entries.length === 0 ? undefined : Object.fromEntries(entries.map(([name, values]) => [name, values.length === 1 ? values[0] : values]));
}

/**
 * The headers a dead letter adds to the original ones it keeps (contracts/events/headers.schema.json, `deadLetter`):
 * why, and which consumer refused it. They replace an original header of the same name (the letter's `headers`
 * still has that one), and no cut removes them.
 */
function deadLetterHeaders(rejected: { reason: DeadLetterReason; consumer: string }): Record<string, string> {
  return { 'dead-letter-reason': rejected.reason, 'dead-letter-consumer': rejected.consumer };
}

/** The headers without those named (any case: Kafka header names are case-sensitive, but readers often are not). */
function withoutNames(headers: IHeaders | undefined, names: string[]): IHeaders {
  const dropped = new Set(names.map((name) => name.toLowerCase()));
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !dropped.has(name.toLowerCase())));
}

/** A dead letter as it goes to Kafka: the original key's bytes as its key, the original headers copied onto it. */
interface Outgoing {
  letter: DeadLetter;
  key: Buffer | null;
  headers: IHeaders | undefined;
  /** The dead letter's own headers (deadLetterHeaders), never cut. */
  added: IHeaders;
}

function sizeOf(outgoing: Outgoing): number {
  return Buffer.byteLength(JSON.stringify(outgoing.letter)) + (outgoing.key?.length ?? 0) + headersSize(outgoing.headers) + headersSize(outgoing.added);
}

/**
 * Keeps as much of the value's beginning in `valueBase64` as fits beside the rest of the letter (whole base64
 * quanta, so it decodes to a prefix of the original).
 */
function keepValuePrefix(outgoing: Outgoing, value: Buffer): void {
  outgoing.letter.valueBase64 = '';
  const room = MAX_DEAD_LETTER_BYTES - sizeOf(outgoing);
  const bytes = Math.max(0, Math.floor(room / 4) * 3);
  outgoing.letter.valueBase64 = value.subarray(0, bytes).toString('base64');
}

/**
 * What goes when a dead letter would not fit, in this order, until it fits. A message within MAX_MESSAGE_BYTES
 * only ever loses readable text (text that JSON escapes six times over, such as control characters); its bytes
 * stay whole. Only a message over the limit loses more: the copies on the Kafka message (the letter still has
 * them), then the end of its value, then its headers and key. valueSize and valueSha256 still name the original.
 */
const CUTS: ((outgoing: Outgoing, value: Buffer) => void)[] = [
  ({ letter }) => {
    letter.value = preview(letter.value);
    letter.key = letter.key === null ? null : preview(letter.key);
  },
  (outgoing) => {
    outgoing.headers = undefined;
  },
  (outgoing, value) => keepValuePrefix(outgoing, value),
  (outgoing, value) => {
    outgoing.letter.headers = {};
    outgoing.key = null;
    keepValuePrefix(outgoing, value);
  },
];

/**
 * The dead letter of a refused message: where it came from, why, the original bytes (value in base64, headers in
 * base64 by name) and, for reading, its key and value as UTF-8 text (bytes that are not UTF-8 read as U+FFFD).
 */
export function buildDeadLetter(
  rejected: { topic: string; partition: number; message: KafkaMessage; consumer: string } & Rejection,
): { key: Buffer | null; value: string; headers: IHeaders; truncated: boolean } {
  const { topic, partition, message } = rejected;
  const value = message.value ?? Buffer.alloc(0);
  const outgoing: Outgoing = {
    letter: {
      originalTopic: topic,
      partition,
      offset: message.offset,
      key: message.key?.toString('utf8') ?? null,
      value: value.toString('utf8'),
      valueBase64: value.toString('base64'),
      valueSize: value.length,
      valueSha256: createHash('sha256').update(value).digest('hex'),
      headers: Object.fromEntries(headerEntries(message.headers).map(([name, values]) => [name, values.map(base64)])),
      reason: rejected.reason,
      error: preview(rejected.error, MAX_ERROR_CHARS),
      consumer: rejected.consumer,
      failedAt: new Date().toISOString(),
      truncated: false,
    },
    key: message.key,
    headers: copiable(message.headers),
    added: deadLetterHeaders(rejected),
  };
  for (const cut of CUTS) {
    if (sizeOf(outgoing) <= MAX_DEAD_LETTER_BYTES) break;
    outgoing.letter.truncated = true;
    cut(outgoing, value);
  }
  const headers: IHeaders = { ...withoutNames(outgoing.headers, Object.keys(outgoing.added)), ...outgoing.added };
  return { key: outgoing.key, value: JSON.stringify(outgoing.letter), headers, truncated: outgoing.letter.truncated };
}
