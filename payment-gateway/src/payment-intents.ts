import type { ApiCall, JsonAnswer } from './api-call';
import { NoAnswer } from './api-call';
import { createEvent, type EventCause, type StripeEvent } from './events';
import { newId, unixSeconds } from './ids';
import type { Ledger } from './ledger';
import type { Lifecycle } from './lifecycle';
import { optionalBoolean, optionalMetadata, optionalString, rejectUnknownParams, requiredInteger, requiredString } from './params';
import { invalidParam, invalidRequest, resourceMissing, StripeApiError, temporarilyUnavailable } from './stripe-errors';
import { declineFor, type Decline, type TestPaymentMethod } from './test-payment-methods';
import type { WebhookDispatcher } from './webhook-delivery';

export type PaymentIntentStatus = 'requires_payment_method' | 'requires_confirmation' | 'processing' | 'succeeded';

/** Why the last attempt failed, as Stripe puts it on the intent. */
export interface LastPaymentError {
  type: 'card_error';
  code: string;
  decline_code: string;
  message: string;
  charge: string;
  doc_url: string;
  payment_method: { id: string; object: 'payment_method'; type: 'card' };
}

/** The PaymentIntent fields the shop and the suite read (README, "Stripe API subset"). */
export interface PaymentIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  /** Not on Stripe's PaymentIntent (it is on the charge); the README adds it so a refund is visible here. */
  amount_refunded: number;
  currency: string;
  status: PaymentIntentStatus;
  payment_method: string | null;
  metadata: Record<string, string>;
  description: string | null;
  created: number;
  livemode: false;
  last_payment_error: LastPaymentError | null;
  latest_charge: string | null;
  capture_method: 'automatic';
  confirmation_method: 'automatic';
  payment_method_types: ['card'];
}

const CREATE_PARAMS = ['amount', 'currency', 'payment_method', 'confirm', 'metadata', 'description'] as const;
const CONFIRM_PARAMS = ['payment_method'] as const;
/** Real Stripe parameters that change nothing in a card payment without redirects; accepted, not modelled. */
const IGNORED_PARAMS = [
  'expand',
  'return_url',
  'automatic_payment_methods',
  'payment_method_types',
  'receipt_email',
  'statement_descriptor',
  'statement_descriptor_suffix',
  'off_session',
  'error_on_requires_action',
  'use_stripe_sdk',
] as const;

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
    const method = methodId ? ledger.methods.resolve(methodId) : undefined;
    if (method) call.usesPaymentMethod(method.id);
    if (confirm && !method) throw missingPaymentMethod();
    if (confirm && method) await this.beforeAttempt(call, method);

    const intent: PaymentIntent = {
      id: newId('pi'),
      object: 'payment_intent',
      amount,
      amount_received: 0,
      amount_refunded: 0,
      currency,
      status: method ? 'requires_confirmation' : 'requires_payment_method',
      payment_method: method?.id ?? null,
      metadata,
      description,
      created: unixSeconds(),
      livemode: false,
      last_payment_error: null,
      latest_charge: null,
      capture_method: 'automatic',
      confirmation_method: 'automatic',
      payment_method_types: ['card'],
    };
    ledger.intents.set(intent.id, intent);
    if (!confirm || !method) return { status: 200, body: intent };
    return this.attempt(call, intent, method);
  }

  /** POST /v1/payment_intents/:id/confirm, optionally with another `payment_method`. */
  async confirm(call: ApiCall, id: string): Promise<JsonAnswer> {
    const { params, ledger } = call;
    rejectUnknownParams(params, CONFIRM_PARAMS, IGNORED_PARAMS);
    const intent = this.find(ledger, id);
    const methodId = optionalString(params, 'payment_method') ?? intent.payment_method;
    if (!methodId) throw missingPaymentMethod();
    const method = ledger.methods.resolve(methodId);
    call.usesPaymentMethod(method.id);
    assertConfirmable(intent);
    await this.beforeAttempt(call, method);
    // A concurrent confirmation (another key) may have finished while this one waited.
    assertConfirmable(intent);
    intent.payment_method = method.id;
    return this.attempt(call, intent, method);
  }

  /** GET /v1/payment_intents/:id */
  retrieve(call: ApiCall, id: string): JsonAnswer {
    const intent = this.find(call.ledger, id);
    if (intent.payment_method) call.usesPaymentMethod(intent.payment_method);
    return { status: 200, body: intent };
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
  private attempt(call: ApiCall, intent: PaymentIntent, method: TestPaymentMethod): JsonAnswer {
    const cause: EventCause = { apiVersion: call.apiVersion, requestId: call.requestId, idempotencyKey: call.idempotencyKey };
    intent.last_payment_error = null;
    intent.latest_charge = newId('ch');
    const behavior = method.behavior;

    if (behavior.type === 'decline') {
      const decline = declineFor(behavior.declineCode);
      recordDecline(intent, method, decline);
      this.deliver(call.ledger, method, [createEvent('payment_intent.payment_failed', intent, cause)]);
      throw cardError(intent, decline);
    }

    if (behavior.type === 'async_succeed' || behavior.type === 'async_fail') {
      intent.status = 'processing';
      const processing = createEvent('payment_intent.processing', intent, cause);
      this.lifecycle.spawn(`settling ${intent.id}`, async () => {
        await this.lifecycle.wait(this.settings.asyncSettleMs);
        if (behavior.type === 'async_succeed') {
          recordSuccess(intent);
          this.deliver(call.ledger, method, [processing, createEvent('payment_intent.succeeded', intent, { apiVersion: call.apiVersion })]);
        } else {
          recordDecline(intent, method, declineFor(behavior.declineCode));
          this.deliver(call.ledger, method, [createEvent('payment_intent.payment_failed', intent, { apiVersion: call.apiVersion })]);
        }
      });
      return { status: 200, body: intent };
    }

    recordSuccess(intent);
    this.deliver(call.ledger, method, [createEvent('payment_intent.succeeded', intent, cause)]);
    return { status: 200, body: intent };
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

function recordSuccess(intent: PaymentIntent): void {
  intent.status = 'succeeded';
  intent.amount_received = intent.amount;
}

function recordDecline(intent: PaymentIntent, method: TestPaymentMethod, decline: Decline): void {
  intent.status = 'requires_payment_method';
  intent.last_payment_error = {
    type: 'card_error',
    code: decline.code,
    decline_code: decline.declineCode,
    message: decline.message,
    charge: intent.latest_charge ?? newId('ch'),
    doc_url: `https://stripe.com/docs/error-codes/${decline.code.replace(/_/g, '-')}`,
    payment_method: { id: method.id, object: 'payment_method', type: 'card' },
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
