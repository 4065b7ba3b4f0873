import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/** The one envelope of every event the shop publishes (contracts/events/<type>.schema.json). */
export interface EventEnvelope<Payload = Record<string, unknown>> {
  eventId: string;
  type: string;
  occurredAt: string;
  correlationId: string;
  version: 1;
  payload: Payload;
}

export interface UserRegisteredPayload {
  userId: string;
  email: string;
  name: string;
}

export const EVENT_TYPES = ['users.registered'] as const;

export function buildEnvelope<Payload>(type: string, correlationId: string, payload: Payload): EventEnvelope<Payload> {
  return { eventId: randomUUID(), type, occurredAt: new Date().toISOString(), correlationId, version: 1, payload };
}

/** Every topic the shop reads or writes is its event type behind TOPIC_PREFIX, so parallel shops stay apart. */
export const topicName = (prefix: string, type: string): string => `${prefix}${type}`;

const CONTRACTS_DIR = path.join(__dirname, '..', '..', 'contracts', 'events');

export type ContractCheck<Payload> =
  | { valid: true; event: EventEnvelope<Payload> }
  | { valid: false; problems: string };

/** A checker of incoming events against the contract the suite also validates with, so both read one schema. */
export function contractChecker<Payload>(type: string): (value: unknown) => ContractCheck<Payload> {
  const schema = JSON.parse(readFileSync(path.join(CONTRACTS_DIR, `${type}.schema.json`), 'utf8')) as object;
  const ajv = new Ajv2020({ allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile<EventEnvelope<Payload>>(schema);
  return (value) =>
    validate(value) ? { valid: true, event: value } : { valid: false, problems: ajv.errorsText(validate.errors) };
}
