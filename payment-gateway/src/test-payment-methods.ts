import { newId, unixSeconds } from './ids';
import { invalidParam, resourceMissing } from './stripe-errors';

/** What a payment with the method does (README, "Test payment methods"). */
export type Behavior =
  | { type: 'succeed' }
  | { type: 'decline'; declineCode: string }
  | { type: 'fail_then_succeed'; failures: number }
  | { type: 'latency'; ms: number }
  | { type: 'hang' }
  | { type: 'async_fail'; declineCode: string }
  | { type: 'async_succeed' };

/** How the events of a payment with the method reach the webhook endpoint. */
export interface WebhookPlan {
  duplicate: boolean;
  outOfOrder: boolean;
  delayMs: number;
  /** Never deliver: for a test that sends the provider's webhooks itself. */
  hold: boolean;
}

/** What refunds of the method's intents do. */
export interface RefundPlan {
  /** How many refund calls answer 503 before refunds work. */
  failures: number;
}

export interface TestPaymentMethod {
  id: string;
  behavior: Behavior;
  webhooks: WebhookPlan;
  refunds: RefundPlan;
  /** fail_then_succeed: how many payment attempts still answer 503. */
  failuresLeft: number;
  /** refunds.failures: how many refund calls still answer 503. */
  refundFailuresLeft: number;
  created: number;
}

/** A card decline as Stripe reports it: the error `code`, the `decline_code` and the customer-facing message. */
export interface Decline {
  code: string;
  declineCode: string;
  message: string;
}

const DECLINED = 'Your card was declined.';

/** Stripe's documented messages; a decline code not listed is a `card_declined` with the generic message. */
const DECLINES: Record<string, Omit<Decline, 'declineCode'>> = {
  generic_decline: { code: 'card_declined', message: DECLINED },
  insufficient_funds: { code: 'card_declined', message: 'Your card has insufficient funds.' },
  lost_card: { code: 'card_declined', message: DECLINED },
  stolen_card: { code: 'card_declined', message: DECLINED },
  fraudulent: { code: 'card_declined', message: DECLINED },
  do_not_honor: { code: 'card_declined', message: DECLINED },
  card_velocity_exceeded: { code: 'card_declined', message: 'Your card has exceeded its velocity limit.' },
  expired_card: { code: 'expired_card', message: 'Your card has expired.' },
  incorrect_cvc: { code: 'incorrect_cvc', message: "Your card's security code is incorrect." },
  processing_error: { code: 'processing_error', message: 'An error occurred while processing your card. Try again in a little bit.' },
};

export function declineFor(declineCode: string): Decline {
  return { declineCode, ...(DECLINES[declineCode] ?? { code: 'card_declined', message: DECLINED }) };
}

const NO_WEBHOOK_CHANGES: WebhookPlan = { duplicate: false, outOfOrder: false, delayMs: 0, hold: false };
const REFUNDS_WORK: RefundPlan = { failures: 0 };

function builtIn(id: string, behavior: Behavior): TestPaymentMethod {
  return { id, behavior, webhooks: NO_WEBHOOK_CHANGES, refunds: REFUNDS_WORK, failuresLeft: 0, refundFailuresLeft: 0, created: 0 };
}

/** Stripe's test payment methods that every account can use, like in Stripe's test mode. */
const BUILT_IN = new Map<string, TestPaymentMethod>(
  [
    builtIn('pm_card_visa', { type: 'succeed' }),
    builtIn('pm_card_mastercard', { type: 'succeed' }),
    builtIn('pm_card_amex', { type: 'succeed' }),
    builtIn('pm_card_chargeDeclined', { type: 'decline', declineCode: 'generic_decline' }),
    builtIn('pm_card_chargeDeclinedInsufficientFunds', { type: 'decline', declineCode: 'insufficient_funds' }),
    builtIn('pm_card_chargeDeclinedLostCard', { type: 'decline', declineCode: 'lost_card' }),
    builtIn('pm_card_chargeDeclinedStolenCard', { type: 'decline', declineCode: 'stolen_card' }),
    builtIn('pm_card_chargeDeclinedFraudulent', { type: 'decline', declineCode: 'fraudulent' }),
    builtIn('pm_card_chargeDeclinedExpiredCard', { type: 'decline', declineCode: 'expired_card' }),
    builtIn('pm_card_chargeDeclinedIncorrectCvc', { type: 'decline', declineCode: 'incorrect_cvc' }),
    builtIn('pm_card_chargeDeclinedProcessingError', { type: 'decline', declineCode: 'processing_error' }),
  ].map((method) => [method.id, method]),
);

/** The payment methods one account can use: Stripe's test cards plus those its tests programmed. */
export class PaymentMethods {
  private readonly programmed = new Map<string, TestPaymentMethod>();

  /** The method `id`, or Stripe's 400 `No such PaymentMethod` naming `param`. */
  resolve(id: string, param = 'payment_method'): TestPaymentMethod {
    const method = BUILT_IN.get(id) ?? this.programmed.get(id);
    if (!method) throw resourceMissing('PaymentMethod', id, param);
    return method;
  }

  exists(id: string): boolean {
    return BUILT_IN.has(id) || this.programmed.has(id);
  }

  /** POST /_test/payment_methods: validates the JSON body and registers the method. */
  program(body: unknown): TestPaymentMethod {
    const fields = asObject(body, 'body', 'The body must be a JSON object { behavior, webhooks?, refunds? }');
    const behavior = parseBehavior(fields.behavior);
    const refunds = parseRefundPlan(fields.refunds);
    const method: TestPaymentMethod = {
      id: newId('pm_test'),
      behavior,
      webhooks: parseWebhookPlan(fields.webhooks),
      refunds,
      failuresLeft: behavior.type === 'fail_then_succeed' ? behavior.failures : 0,
      refundFailuresLeft: refunds.failures,
      created: unixSeconds(),
    };
    this.programmed.set(method.id, method);
    return method;
  }
}

/** The public view of a method, as POST /_test/payment_methods answers it. */
export function describeMethod(method: TestPaymentMethod): Record<string, unknown> {
  return {
    id: method.id,
    object: 'payment_method',
    type: 'card',
    behavior: method.behavior,
    webhooks: method.webhooks,
    refunds: method.refunds,
    created: method.created,
    livemode: false,
  };
}

function asObject(value: unknown, param: string, message: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidParam(param, message);
  return value as Record<string, unknown>;
}

function integerField(fields: Record<string, unknown>, name: string, param: string, min: number, max: number): number {
  const value = fields[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidParam(param, `${param} must be an integer from ${min} to ${max}`);
  }
  return value;
}

function declineCodeField(fields: Record<string, unknown>, param: string): string {
  const value = fields.declineCode ?? 'generic_decline';
  if (typeof value !== 'string' || !/^[a-z_]{1,64}$/.test(value)) throw invalidParam(param, `${param} must be a decline code such as generic_decline or insufficient_funds`);
  return value;
}

const BEHAVIOR_TYPES = ['succeed', 'decline', 'fail_then_succeed', 'latency', 'hang', 'async_fail', 'async_succeed'] as const;
const MAX_LATENCY_MS = 10 * 60_000;

function parseBehavior(value: unknown): Behavior {
  const fields = asObject(value, 'behavior', 'behavior is required: an object { type, ... }');
  switch (fields.type) {
    case 'succeed':
    case 'hang':
    case 'async_succeed':
      return { type: fields.type };
    case 'decline':
      return { type: 'decline', declineCode: declineCodeField(fields, 'behavior.declineCode') };
    case 'async_fail':
      return { type: 'async_fail', declineCode: declineCodeField(fields, 'behavior.declineCode') };
    case 'fail_then_succeed':
      return { type: 'fail_then_succeed', failures: integerField(fields, 'failures', 'behavior.failures', 0, 1000) };
    case 'latency':
      return { type: 'latency', ms: integerField(fields, 'ms', 'behavior.ms', 0, MAX_LATENCY_MS) };
    default:
      throw invalidParam('behavior.type', `behavior.type must be one of ${BEHAVIOR_TYPES.join(', ')}`);
  }
}

function parseWebhookPlan(value: unknown): WebhookPlan {
  if (value === undefined || value === null) return NO_WEBHOOK_CHANGES;
  const fields = asObject(value, 'webhooks', 'webhooks must be an object { duplicate?, outOfOrder?, delayMs?, hold? }');
  for (const name of Object.keys(fields)) {
    if (!['duplicate', 'outOfOrder', 'delayMs', 'hold'].includes(name)) throw invalidParam(`webhooks.${name}`, `Unknown field webhooks.${name}`);
  }
  const flag = (name: string): boolean => {
    const field = fields[name] ?? false;
    if (typeof field !== 'boolean') throw invalidParam(`webhooks.${name}`, `webhooks.${name} must be true or false`);
    return field;
  };
  return {
    duplicate: flag('duplicate'),
    outOfOrder: flag('outOfOrder'),
    hold: flag('hold'),
    delayMs: fields.delayMs === undefined ? 0 : integerField(fields, 'delayMs', 'webhooks.delayMs', 0, MAX_LATENCY_MS),
  };
}

function parseRefundPlan(value: unknown): RefundPlan {
  if (value === undefined || value === null) return REFUNDS_WORK;
  const fields = asObject(value, 'refunds', 'refunds must be an object { failures? }');
  for (const name of Object.keys(fields)) {
    if (name !== 'failures') throw invalidParam(`refunds.${name}`, `Unknown field refunds.${name}`);
  }
  return { failures: fields.failures === undefined ? 0 : integerField(fields, 'failures', 'refunds.failures', 0, 1000) };
}
