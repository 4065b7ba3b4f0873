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

/** The profile fields a users.updated event can name; a password only by name, never a value or hash. */
export const USER_UPDATED_FIELDS = ['name', 'email', 'password'] as const;
export type UserUpdatedField = (typeof USER_UPDATED_FIELDS)[number];

export interface UserUpdatedPayload {
  userId: string;
  /** The fields that changed, in USER_UPDATED_FIELDS order. */
  changedFields: UserUpdatedField[];
  /** Before and after of the changed name and email (the password has none). */
  changes: { name?: { before: string; after: string }; email?: { before: string; after: string } };
  updatedAt: string;
}

export interface UserDeletedPayload {
  userId: string;
  deletedAt: string;
}

export const ORDER_EVENT_TYPES = [
  'orders.created',
  'orders.paid',
  'orders.payment_failed',
  'orders.shipped',
  'orders.delivered',
  'orders.cancelled',
] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

export const USER_EVENT_TYPES = ['users.registered', 'users.updated', 'users.deleted'] as const;

export const PRODUCT_EVENT_TYPES = ['products.changed'] as const;

export const EVENT_TYPES = [...USER_EVENT_TYPES, ...ORDER_EVENT_TYPES, ...PRODUCT_EVENT_TYPES] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The envelope versions this shop reads; an envelope of another version is refused before its contract is checked. */
export const EVENT_VERSIONS: readonly number[] = [1];

/**
 * The payload field whose value is each event's Kafka key: the aggregate id the shop publishes it under (a user's
 * events by the user, services/users.ts; an order's by the order, services/orderEvents.ts).
 */
export const KEY_FIELD: { [T in EventType]: T extends OrderEventType ? 'orderId' : T extends 'products.changed' ? 'productId' : 'userId' } = {
  'users.registered': 'userId',
  'users.updated': 'userId',
  'users.deleted': 'userId',
  'orders.created': 'orderId',
  'orders.paid': 'orderId',
  'orders.payment_failed': 'orderId',
  'orders.shipped': 'orderId',
  'orders.delivered': 'orderId',
  'orders.cancelled': 'orderId',
  'products.changed': 'productId',
};

/** What each order event adds to the common part (orderId, userId, sequence). */
export interface OrderEventPayloads {
  'orders.created': OrderCreatedPayload;
  'orders.paid': OrderPaidPayload;
  'orders.payment_failed': OrderPaymentFailedPayload;
  'orders.shipped': OrderShippedPayload;
  'orders.delivered': OrderDeliveredPayload;
  'orders.cancelled': OrderCancelledPayload;
}

/** The payload of every event the shop publishes, by type. */
export interface EventPayloads extends OrderEventPayloads {
  'users.registered': UserRegisteredPayload;
  'users.updated': UserUpdatedPayload;
  'users.deleted': UserDeletedPayload;
  'products.changed': ProductChangedPayload;
}

/** What changed a product: an admin's create, update or delete, or an order's stock reservation or release. */
export const PRODUCT_CHANGES = ['created', 'updated', 'deleted', 'stock'] as const;

/** A product's change as the catalog's caches need it: which product, which categories' listings it touches. */
export interface ProductChangedPayload {
  productId: string;
  change: (typeof PRODUCT_CHANGES)[number];
  /** The category slugs the product was in before and after the change (two when an update moved it). */
  categories: string[];
  /** The product's version and stock after the change. */
  version: number;
  stock: number;
}

/** What every order event's payload starts with; `sequence` is the order's own event counter (created = 1). */
export interface OrderEventBase {
  orderId: string;
  userId: string;
  sequence: number;
}

export interface OrderCreatedPayload extends OrderEventBase {
  items: { productId: string; quantity: number; unitPrice: number }[];
  subtotal: number;
  discountTotal: number;
  shippingCost: number;
  total: number;
  currency: 'USD';
}

export interface OrderPaidPayload extends OrderEventBase {
  paymentIntentId: string;
  amount: number;
  currency: 'USD';
  paidAt: string;
}

export interface OrderPaymentFailedPayload extends OrderEventBase {
  paymentIntentId: string;
  reason: string;
}

export interface OrderShippedPayload extends OrderEventBase {
  carrier: string;
  trackingNumber: string;
  shippedAt: string;
}

export interface OrderDeliveredPayload extends OrderEventBase {
  deliveredAt: string;
}

export interface OrderCancelledPayload extends OrderEventBase {
  reason: string;
  refunded: boolean;
}

export function buildEnvelope<Payload>(type: string, correlationId: string, payload: Payload): EventEnvelope<Payload> {
  return { eventId: randomUUID(), type, occurredAt: new Date().toISOString(), correlationId, version: 1, payload };
}

/**
 * The Kafka headers of every event the shop publishes (contracts/events/headers.schema.json), the envelope's own
 * values, so a consumer or an operator's tool can route, trace and filter a message without parsing its value.
 */
export function eventHeaders(envelope: { type: string; correlationId: string; version: number | string }): Record<string, string> {
  return {
    'correlation-id': envelope.correlationId,
    'event-type': envelope.type,
    'event-version': String(envelope.version),
    'content-type': 'application/json',
  };
}

/** Every topic the shop reads or writes is its event type behind TOPIC_PREFIX, so parallel shops stay apart. */
export const topicName = (prefix: string, type: string): string => `${prefix}${type}`;

/** Where a consumer puts a message it cannot read: `<topic>.dlq`, next to the topic it came from. */
export const deadLetterTopic = (topic: string): string => `${topic}.dlq`;

const CONTRACTS_DIR = path.join(__dirname, '..', '..', 'contracts', 'events');

/**
 * ajv-formats' `uuid` also takes `urn:uuid:…`, which Postgres's uuid type refuses: an event carrying one would fail
 * in its handler on every retry and stop the consumer. The contracts' uuids are the plain 8-4-4-4-12 form.
 */
export const PLAIN_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type ContractCheck<Payload> =
  | { valid: true; event: EventEnvelope<Payload> }
  | { valid: false; problems: string };

let contractsAjv: Ajv2020 | undefined;

/** One validator instance for every contract (their $ids differ), its formats added once. */
function contractValidator(): Ajv2020 {
  if (!contractsAjv) {
    contractsAjv = new Ajv2020({ allErrors: true });
    addFormats(contractsAjv);
    contractsAjv.addFormat('uuid', PLAIN_UUID);
  }
  return contractsAjv;
}

/** A checker of incoming events against the contract the suite also validates with, so both read one schema. */
export function contractChecker<Payload>(type: string): (value: unknown) => ContractCheck<Payload> {
  const schema = JSON.parse(readFileSync(path.join(CONTRACTS_DIR, `${type}.schema.json`), 'utf8')) as object;
  const ajv = contractValidator();
  const validate = ajv.compile<EventEnvelope<Payload>>(schema);
  return (value) =>
    validate(value) ? { valid: true, event: value } : { valid: false, problems: ajv.errorsText(validate.errors) };
}
