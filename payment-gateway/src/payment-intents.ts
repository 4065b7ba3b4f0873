import type { ApiCall, JsonAnswer } from './api-call';
import { NoAnswer } from './api-call';
import { createEvent, type EventCause, type StripeEvent } from './events';
import { newId, unixSeconds } from './ids';
import type { Ledger } from './ledger';
import type { Lifecycle } from './lifecycle';
import { optionalBoolean, optionalMetadata, optionalString, rejectUnknownParams, requiredInteger, requiredString } from './params';
import { chargeFailed, chargeSucceeded, startCharge, type Charge } from './charges';
import { expanded, expandParam, type Expanders } from './expand';
import { docUrl, invalidParam, invalidRequest, resourceMissing, StripeApiError, temporarilyUnavailable } from './stripe-errors';
import { declineFor, paymentMethodObject, type Decline, type PaymentMethodObject, type TestPaymentMethod } from './test-payment-methods';
import type { WebhookDispatcher } from './webhook-delivery';

export type PaymentIntentStatus = 'requires_payment_method' | 'requires_confirmation' | 'processing' | 'succeeded';

/** Why the last attempt failed, as Stripe puts it on the intent (and in the 402's error body). */
export interface LastPaymentError {
  type: 'card_error';
  code: string;
  decline_code: string;
  message: string;
  charge: string;
  doc_url: string;
  payment_method: PaymentMethodObject;
}

/**
 * Stripe's PaymentIntent: every field Stripe always sends, `null` where the gateway has nothing to say (customers,
 * Connect, shipping, reviews, cancellation: none of these is modelled). What was refunded is on the charge
 * (`latest_charge`, expandable), as at Stripe.
 */
export interface PaymentIntent {
  id: string;
  object: 'payment_intent';
  allowed_payment_method_types: null;
  amount: number;
  amount_capturable: 0;
  amount_received: number;
  application: null;
  application_fee_amount: null;
  automatic_payment_methods: null;
  canceled_at: null;
  cancellation_reason: null;
  capture_method: 'automatic';
  client_secret: string;
  confirmation_method: 'automatic';
  created: number;
  currency: string;
  customer: null;
  customer_account: null;
  description: string | null;
  excluded_payment_method_types: null;
  last_payment_error: LastPaymentError | null;
  latest_charge: string | null;
  livemode: false;
  managed_payments: null;
  metadata: Record<string, string>;
  next_action: null;
  on_behalf_of: null;
  payment_method: string | null;
  payment_method_configuration_details: null;
  payment_method_options: { card: { installments: null; mandate_options: null; network: null; request_three_d_secure: 'automatic' } };
  payment_method_types: ['card'];
  payment_record: null;
  processing: null;
  receipt_email: string | null;
  review: null;
  setup_future_usage: null;
  shipping: null;
  source: null;
  statement_descriptor: string | null;
  statement_descriptor_suffix: string | null;
  status: PaymentIntentStatus;
  transfer_group: null;
}

const CREATE_PARAMS = ['amount', 'currency', 'payment_method', 'confirm', 'metadata', 'description', 'receipt_email', 'statement_descriptor', 'statement_descriptor_suffix', 'expand'] as const;
const CONFIRM_PARAMS = ['payment_method', 'receipt_email', 'expand'] as const;
const RETRIEVE_PARAMS = ['expand', 'client_secret'] as const;
/** Real Stripe parameters that change nothing in a card payment without redirects; accepted, not modelled. */
const IGNORED_PARAMS = ['return_url', 'automatic_payment_methods', 'payment_method_types', 'off_session', 'error_on_requires_action', 'use_stripe_sdk'] as const;

/**
 * Stripe's smallest charge per currency, in the currency's smallest unit; a currency not listed here takes 50.
 * `display` is how the refusal names it.
 */
const MINIMUM_AMOUNTS: Record<string, { amount: number; display: string }> = {
  usd: { amount: 50, display: '$0.50' },
  eur: { amount: 50, display: '€0.50' },
  gbp: { amount: 30, display: '£0.30' },
  cad: { amount: 50, display: '$0.50' },
  aud: { amount: 50, display: '$0.50' },
  chf: { amount: 50, display: '0.50' },
  jpy: { amount: 50, display: '¥50' },
};

function assertChargeable(amount: number, currency: string): void {
  const minimum = MINIMUM_AMOUNTS[currency] ?? { amount: 50, display: '0.50' };
  if (amount < minimum.amount) throw invalidParam('amount', `Amount must be at least ${minimum.display} ${currency}`, 'amount_too_small');
}

const CONFIRMABLE: readonly PaymentIntentStatus[] = ['requires_payment_method', 'requires_confirmation'];

export interface PaymentIntentSettings {
  /** How long an async_* payment stays `processing` before it settles. */
  asyncSettleMs: number;
}

/** Creates, confirms and reads PaymentIntents; a confirmation runs the payment method's behaviour. */
export class PaymentIntentService {
  constructor(
    private readonly settings: PaymentIntentSettings,
    private readonly lifecycle: Lifecycle,
    private readonly webhooks: WebhookDispatcher,
  ) {}

  /** POST /v1/payment_intents; with `confirm=true` the payment is attempted at once. */
  async create(call: ApiCall): Promise<JsonAnswer> {
    const { params, ledger } = call;
    rejectUnknownParams(params, CREATE_PARAMS, IGNORED_PARAMS);
    const amount = requiredInteger(params, 'amount', 1);
    const currency = requiredString(params, 'currency').toLowerCase();
    if (!/^[a-z]{3}$/.test(currency)) throw invalidParam('currency', `Invalid currency: ${currency}. Use a three-letter ISO code such as usd.`, 'parameter_invalid');
    const methodId = optionalString(params, 'payment_method');
    const confirm = optionalBoolean(params, 'confirm') ?? false;
    const metadata = optionalMetadata(params) ?? {};
    const description = optionalString(params, 'description') ?? null;
    const expand = expandParam(params, this.expanders(ledger));
    const method = methodId ? ledger.methods.resolve(methodId) : undefined;
    if (method) call.usesPaymentMethod(method.id);
    assertChargeable(amount, currency);
    if (confirm && !method) throw missingPaymentMethod();
    if (confirm && method) await this.beforeAttempt(call, method);

    const id = newId('pi');
    const intent: PaymentIntent = {
      id,
      object: 'payment_intent',
      allowed_payment_method_types: null,
      amount,
      amount_capturable: 0,
      amount_received: 0,
      application: null,
      application_fee_amount: null,
      automatic_payment_methods: null,
      canceled_at: null,
      cancellation_reason: null,
      capture_method: 'automatic',
      client_secret: `${id}_secret_${newId('s').slice(2)}`,
      confirmation_method: 'automatic',
      created: unixSeconds(),
      currency,
      customer: null,
      customer_account: null,
      description,
      excluded_payment_method_types: null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      managed_payments: null,
      metadata,
      next_action: null,
      on_behalf_of: null,
      payment_method: method?.id ?? null,
      payment_method_configuration_details: null,
      payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
      payment_method_types: ['card'],
      payment_record: null,
      processing: null,
      receipt_email: optionalString(params, 'receipt_email') ?? null,
      review: null,
      setup_future_usage: null,
      shipping: null,
      source: null,
      statement_descriptor: optionalString(params, 'statement_descriptor') ?? null,
      statement_descriptor_suffix: optionalString(params, 'statement_descriptor_suffix') ?? null,
      status: method ? 'requires_confirmation' : 'requires_payment_method',
      transfer_group: null,
    };
    ledger.intents.set(intent.id, intent);
    if (!confirm || !method) return this.answer(ledger, intent, expand);
    return this.attempt(call, intent, method, expand);
  }

  /** POST /v1/payment_intents/:id/confirm, optionally with another `payment_method`. */
  async confirm(call: ApiCall, id: string): Promise<JsonAnswer> {
    const { params, ledger } = call;
    rejectUnknownParams(params, CONFIRM_PARAMS, IGNORED_PARAMS);
    const intent = this.find(ledger, id);
    const expand = expandParam(params, this.expanders(ledger));
    const methodId = optionalString(params, 'payment_method') ?? intent.payment_method;
    if (!methodId) throw missingPaymentMethod();
    const method = ledger.methods.resolve(methodId);
    call.usesPaymentMethod(method.id);
    assertConfirmable(intent);
    await this.beforeAttempt(call, method);
    // A concurrent confirmation (another key) may have finished while this one waited.
    assertConfirmable(intent);
    intent.payment_method = method.id;
    const receiptEmail = optionalString(params, 'receipt_email');
    if (receiptEmail !== undefined) intent.receipt_email = receiptEmail || null;
    return this.attempt(call, intent, method, expand);
  }

  /** GET /v1/payment_intents/:id (`expand[]` in the query). */
  retrieve(call: ApiCall, id: string): JsonAnswer {
    rejectUnknownParams(call.params, RETRIEVE_PARAMS);
    const intent = this.find(call.ledger, id);
    const expand = expandParam(call.params, this.expanders(call.ledger));
    if (intent.payment_method) call.usesPaymentMethod(intent.payment_method);
    return this.answer(call.ledger, intent, expand);
  }

  /** What `expand[]` can show in full on an intent: its latest charge and its payment method. */
  private expanders(ledger: Ledger): Expanders {
    return {
      latest_charge: (chargeId) => ledger.charges.get(chargeId),
      payment_method: (methodId) => (ledger.methods.exists(methodId) ? paymentMethodObject(ledger.methods.resolve(methodId)) : undefined),
    };
  }

  /** The intent as it is now, with the fields asked for expanded. */
  private answer(ledger: Ledger, intent: PaymentIntent, expand: string[]): JsonAnswer {
    return { status: 200, body: expanded(intent, expand, this.expanders(ledger)) };
  }

  private find(ledger: Ledger, id: string): PaymentIntent {
    const intent = ledger.intents.get(id);
    if (!intent) throw resourceMissing('payment_intent', id);
    return intent;
  }

  /** The programmed trouble that comes before a payment is even tried: failures, latency, silence. */
  private async beforeAttempt(call: ApiCall, method: TestPaymentMethod): Promise<void> {
    const behavior = method.behavior;
    if (behavior.type === 'fail_then_succeed' && method.failuresLeft > 0) {
      method.failuresLeft -= 1;
      throw temporarilyUnavailable();
    }
    if (behavior.type === 'latency') await this.lifecycle.wait(behavior.ms);
    if (behavior.type === 'hang') {
      await this.lifecycle.until(call.clientGone);
      throw new NoAnswer('the client gave up on a hanging payment');
    }
  }

  /** Runs the payment: the answer now, the events to the account's webhook endpoint soon after. */
  private attempt(call: ApiCall, intent: PaymentIntent, method: TestPaymentMethod, expand: string[]): JsonAnswer {
    const cause: EventCause = { apiVersion: call.apiVersion, requestId: call.requestId, idempotencyKey: call.idempotencyKey };
    const { ledger } = call;
    const charge = startCharge(intent, method);
    ledger.charges.set(charge.id, charge);
    intent.last_payment_error = null;
    intent.latest_charge = charge.id;
    const behavior = method.behavior;

    if (behavior.type === 'decline') {
      const decline = declineFor(behavior.declineCode);
      recordDecline(intent, charge, method, decline);
      this.deliver(call.ledger, method, [createEvent('payment_intent.payment_failed', intent, cause)]);
      throw cardError(intent, decline);
    }

    if (behavior.type === 'async_succeed' || behavior.type === 'async_fail') {
      intent.status = 'processing';
      const processing = createEvent('payment_intent.processing', intent, cause);
      this.lifecycle.spawn(`settling ${intent.id}`, async () => {
        await this.lifecycle.wait(this.settings.asyncSettleMs);
        if (behavior.type === 'async_succeed') {
          recordSuccess(intent, charge);
          this.deliver(call.ledger, method, [processing, createEvent('payment_intent.succeeded', intent, { apiVersion: call.apiVersion })]);
        } else {
          recordDecline(intent, charge, method, declineFor(behavior.declineCode));
          this.deliver(call.ledger, method, [createEvent('payment_intent.payment_failed', intent, { apiVersion: call.apiVersion })]);
        }
      });
      return this.answer(ledger, intent, expand);
    }

    recordSuccess(intent, charge);
    this.deliver(call.ledger, method, [createEvent('payment_intent.succeeded', intent, cause)]);
    return this.answer(ledger, intent, expand);
  }

  private deliver(ledger: Ledger, method: TestPaymentMethod, events: StripeEvent[]): void {
    this.webhooks.deliver(ledger.account, events, method.webhooks, ledger.deliveries);
  }
}

function assertConfirmable(intent: PaymentIntent): void {
  if (!CONFIRMABLE.includes(intent.status)) {
    throw invalidRequest('payment_intent_unexpected_state', `You cannot confirm this PaymentIntent because it has a status of ${intent.status}.`);
  }
}

function missingPaymentMethod(): StripeApiError {
  return invalidRequest('payment_intent_unexpected_state', "You cannot confirm this PaymentIntent because it's missing a payment method.", 'payment_method');
}

function recordSuccess(intent: PaymentIntent, charge: Charge): void {
  intent.status = 'succeeded';
  intent.amount_received = intent.amount;
  chargeSucceeded(charge);
}

function recordDecline(intent: PaymentIntent, charge: Charge, method: TestPaymentMethod, decline: Decline): void {
  intent.status = 'requires_payment_method';
  chargeFailed(charge, decline);
  intent.last_payment_error = {
    type: 'card_error',
    code: decline.code,
    decline_code: decline.declineCode,
    message: decline.message,
    charge: charge.id,
    doc_url: docUrl(decline.code),
    payment_method: paymentMethodObject(method),
  };
}

/** Stripe's 402: the decline, with the intent as it is now (status `requires_payment_method`). */
function cardError(intent: PaymentIntent, decline: Decline): StripeApiError {
  const error = intent.last_payment_error;
  return new StripeApiError(402, {
    type: 'card_error',
    code: decline.code,
    decline_code: decline.declineCode,
    message: decline.message,
    charge: error?.charge,
    doc_url: error?.doc_url,
    payment_method: error?.payment_method,
    payment_intent: structuredClone(intent),
  });
}
