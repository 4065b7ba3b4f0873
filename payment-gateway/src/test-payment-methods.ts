import type { ApiCall, JsonAnswer } from './api-call';
import { expandParam } from './expand';
import { rejectUnknownParams } from './params';
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
  /** Refunds are taken (`pending`) but then fail, as with Stripe's `pm_card_refundFail`. */
  fail: boolean;
}

/** The card a method stands for, as a PaymentMethod's and a charge's `card` show it. */
export interface TestCard {
  brand: 'visa' | 'mastercard' | 'amex';
  last4: string;
  funding: 'credit' | 'debit';
}

export interface TestPaymentMethod {
  id: string;
  behavior: Behavior;
  webhooks: WebhookPlan;
  refunds: RefundPlan;
  card: TestCard;
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
const REFUNDS_WORK: RefundPlan = { failures: 0, fail: false };

/** When the built-in methods came to be: the gateway's start. */
const STARTED = unixSeconds();

/** Stripe's test card numbers end in these digits; a programmed method is a Visa ending in 4242. */
const visa = (last4: string): TestCard => ({ brand: 'visa', last4, funding: 'credit' });

function builtIn(id: string, behavior: Behavior, card: TestCard, refunds = REFUNDS_WORK): TestPaymentMethod {
  return { id, behavior, webhooks: NO_WEBHOOK_CHANGES, refunds, card, failuresLeft: 0, refundFailuresLeft: 0, created: STARTED };
}

/** Stripe's test payment methods that every account can use, like in Stripe's test mode. */
const BUILT_IN = new Map<string, TestPaymentMethod>(
  [
    builtIn('pm_card_visa', { type: 'succeed' }, visa('4242')),
    builtIn('pm_card_mastercard', { type: 'succeed' }, { brand: 'mastercard', last4: '4444', funding: 'credit' }),
    builtIn('pm_card_amex', { type: 'succeed' }, { brand: 'amex', last4: '8431', funding: 'credit' }),
    builtIn('pm_card_refundFail', { type: 'succeed' }, visa('5126'), { failures: 0, fail: true }),
    builtIn('pm_card_chargeDeclined', { type: 'decline', declineCode: 'generic_decline' }, visa('0002')),
    builtIn('pm_card_chargeDeclinedInsufficientFunds', { type: 'decline', declineCode: 'insufficient_funds' }, visa('9995')),
    builtIn('pm_card_chargeDeclinedLostCard', { type: 'decline', declineCode: 'lost_card' }, visa('9987')),
    builtIn('pm_card_chargeDeclinedStolenCard', { type: 'decline', declineCode: 'stolen_card' }, visa('9979')),
    builtIn('pm_card_chargeDeclinedFraudulent', { type: 'decline', declineCode: 'fraudulent' }, visa('0019')),
    builtIn('pm_card_chargeDeclinedExpiredCard', { type: 'decline', declineCode: 'expired_card' }, visa('0069')),
    builtIn('pm_card_chargeDeclinedIncorrectCvc', { type: 'decline', declineCode: 'incorrect_cvc' }, visa('0127')),
    builtIn('pm_card_chargeDeclinedProcessingError', { type: 'decline', declineCode: 'processing_error' }, visa('0119')),
  ].map((method) => [method.id, method]),
);

/** Test cards never expire: the same future month for every one. */
const EXPIRY = { exp_month: 12, exp_year: new Date().getUTCFullYear() + 5 };

/** Billing details nobody gave: every field, each `null`, as Stripe sends them. */
export function noBillingDetails() {
  return { address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null }, email: null, name: null, phone: null, tax_id: null };
}

/** What a test card's checks say: the CVC passed, no address was given to check. */
const cardChecks = () => ({ address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' });

/** The card hash a PaymentMethod carries (`card`), with Stripe's always-sent fields. */
function paymentMethodCard(card: TestCard) {
  return {
    brand: card.brand,
    checks: cardChecks(),
    country: 'US',
    display_brand: card.brand === 'amex' ? 'american_express' : card.brand,
    ...EXPIRY,
    funding: card.funding,
    generated_from: null,
    last4: card.last4,
    networks: { available: [card.brand], preferred: null },
    regulated_status: 'unregulated',
    three_d_secure_usage: { supported: true },
    wallet: null,
  };
}

/** A charge's `payment_method_details.card`: the card as it was used for one payment. */
export function chargeCardDetails(card: TestCard, amountAuthorized: number | null) {
  return {
    amount_authorized: amountAuthorized,
    authorization_code: null,
    brand: card.brand,
    checks: cardChecks(),
    country: 'US',
    electronic_commerce_indicator: null,
    ...EXPIRY,
    funding: card.funding,
    installments: null,
    last4: card.last4,
    mandate: null,
    network: card.brand,
    network_transaction_id: null,
    regulated_status: 'unregulated',
    three_d_secure: null,
    transaction_link_id: null,
    wallet: null,
  };
}

/** The method as Stripe's PaymentMethod object (`GET /v1/payment_methods/:id`, and inside a decline). */
export function paymentMethodObject(method: TestPaymentMethod) {
  return {
    id: method.id,
    object: 'payment_method' as const,
    allow_redisplay: 'unspecified',
    billing_details: noBillingDetails(),
    card: paymentMethodCard(method.card),
    created: method.created,
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: 'card' as const,
  };
}

export type PaymentMethodObject = ReturnType<typeof paymentMethodObject>;

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
      card: visa('4242'),
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
  const fields = asObject(value, 'refunds', 'refunds must be an object { failures?, fail? }');
  for (const name of Object.keys(fields)) {
    if (name !== 'failures' && name !== 'fail') throw invalidParam(`refunds.${name}`, `Unknown field refunds.${name}`);
  }
  const fail = fields.fail ?? false;
  if (typeof fail !== 'boolean') throw invalidParam('refunds.fail', 'refunds.fail must be true or false');
  return { failures: fields.failures === undefined ? 0 : integerField(fields, 'failures', 'refunds.failures', 0, 1000), fail };
}

/** GET /v1/payment_methods/:id: a test card or one of the account's programmed methods, as Stripe's PaymentMethod. */
export function retrievePaymentMethod(call: ApiCall, id: string): JsonAnswer {
  rejectUnknownParams(call.params, ['expand']);
  // Nothing on a test method can be expanded (it has no customer); asking is Stripe's 400, not silence.
  expandParam(call.params, {});
  if (!call.ledger.methods.exists(id)) throw resourceMissing('PaymentMethod', id);
  call.usesPaymentMethod(id);
  return { status: 200, body: paymentMethodObject(call.ledger.methods.resolve(id)) };
}
