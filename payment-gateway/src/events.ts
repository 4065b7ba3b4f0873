import { newId, unixSeconds } from './ids';

/** The API version events carry when the request that caused them named none (the SDK always names one). */
export const DEFAULT_API_VERSION = '2026-10-28.endive';

export type EventType =
  | 'payment_intent.succeeded'
  | 'payment_intent.payment_failed'
  | 'payment_intent.processing'
  | 'refund.created'
  | 'refund.updated'
  | 'refund.failed'
  | 'charge.refunded';

/** A Stripe event as delivered to a webhook endpoint. */
export interface StripeEvent {
  id: string;
  object: 'event';
  type: EventType;
  api_version: string;
  created: number;
  livemode: false;
  pending_webhooks: number;
  /** The API request that caused the event; null for what happened later (an async payment settling). */
  request: { id: string | null; idempotency_key: string | null };
  /** `previous_attributes`: on an `*.updated` event, the changed fields' values before the change. */
  data: { object: unknown; previous_attributes?: Record<string, unknown> };
}

export interface EventCause {
  apiVersion?: string;
  requestId?: string;
  idempotencyKey?: string;
}

/** `object` is copied: the event shows the object as it was when the event happened. */
export function createEvent(type: EventType, object: unknown, cause: EventCause = {}, previousAttributes?: Record<string, unknown>): StripeEvent {
  return {
    id: newId('evt'),
    object: 'event',
    type,
    api_version: cause.apiVersion ?? DEFAULT_API_VERSION,
    created: unixSeconds(),
    livemode: false,
    pending_webhooks: 1,
    request: { id: cause.requestId ?? null, idempotency_key: cause.idempotencyKey ?? null },
    data: { object: structuredClone(object), ...(previousAttributes ? { previous_attributes: previousAttributes } : {}) },
  };
}
