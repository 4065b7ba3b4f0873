import type { ApiCall, JsonAnswer } from './api-call';
import type { Charge } from './charges';
import { createEvent, type EventCause, type StripeEvent } from './events';
import { expanded, expandParam, type Expanders } from './expand';
import { newId, unixSeconds } from './ids';
import type { Ledger } from './ledger';
import type { Lifecycle } from './lifecycle';
import { optionalInteger, optionalMetadata, optionalString, rejectUnknownParams, requiredString } from './params';
import { invalidParam, invalidRequest, resourceMissing, temporarilyUnavailable } from './stripe-errors';
import type { TestPaymentMethod } from './test-payment-methods';
import type { WebhookDispatcher } from './webhook-delivery';

export type RefundStatus = 'pending' | 'succeeded' | 'failed';

/**
 * Stripe's Refund: every field Stripe always sends (`null` for balance transactions and Connect, which the gateway
 * does not model), plus the card's `destination_details` and, once failed, `failure_reason`.
 */
export interface Refund {
  id: string;
  object: 'refund';
  amount: number;
  balance_transaction: null;
  charge: string;
  created: number;
  currency: string;
  customer: null;
  customer_account: null;
  destination_details: { card: { type: 'refund' }; type: 'card' };
  failure_reason?: 'expired_or_canceled_card';
  metadata: Record<string, string>;
  payment_intent: string;
  payment_method: string | null;
  reason: string | null;
  receipt_number: null;
  source_transfer_reversal: null;
  status: RefundStatus;
  transfer_reversal: null;
}

const REFUND_PARAMS = ['payment_intent', 'amount', 'reason', 'metadata', 'expand'] as const;
const RETRIEVE_PARAMS = ['expand'] as const;
const IGNORED_PARAMS = ['instructions_email'] as const;
const REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'];

function dollars(cents: number, currency: string): string {
  return `${(cents / 100).toFixed(2)} ${currency}`;
}

export interface RefundSettings {
  /** How long a refund stays `pending` before it succeeds (or fails, for a method whose refunds fail). */
  refundSettleMs: number;
}

/**
 * Refunds of succeeded PaymentIntents, in full or in part. A refund is taken `pending` (the charge counts it at once,
 * so it cannot be refunded twice) and settles `refundSettleMs` later: `succeeded`, or `failed` for a method whose
 * refunds fail (`pm_card_refundFail`, `refunds.fail`), which gives the amount back to the charge. Events as Stripe
 * sends them: `refund.created` and `charge.refunded` when taken, `refund.updated` (and `refund.failed`) when settled.
 */
export class RefundService {
  constructor(
    private readonly settings: RefundSettings,
    private readonly lifecycle: Lifecycle,
    private readonly webhooks: WebhookDispatcher,
  ) {}

  /** POST /v1/refunds; a method programmed with `refunds.failures` still left answers 503 before anything is done. */
  create(call: ApiCall): JsonAnswer {
    const { params, ledger } = call;
    if (params.charge !== undefined) throw invalidParam('charge', 'This gateway refunds by payment_intent only; pass payment_intent instead of charge.');
    rejectUnknownParams(params, REFUND_PARAMS, IGNORED_PARAMS);
    const intentId = requiredString(params, 'payment_intent');
    const intent = ledger.intents.get(intentId);
    if (!intent) throw resourceMissing('payment_intent', intentId, 'payment_intent');
    const method = intent.payment_method && ledger.methods.exists(intent.payment_method) ? ledger.methods.resolve(intent.payment_method) : undefined;
    if (method) call.usesPaymentMethod(method.id);
    const amount = optionalInteger(params, 'amount', 1);
    const reason = optionalString(params, 'reason') ?? null;
    if (reason !== null && !REASONS.includes(reason)) throw invalidParam('reason', `Invalid reason: must be one of ${REASONS.join(', ')}`);
    const metadata = optionalMetadata(params) ?? {};
    const expand = expandParam(params, this.expanders(ledger));
    if (method) failIfProgrammed(method);

    const charge = intent.latest_charge ? ledger.charges.get(intent.latest_charge) : undefined;
    if (intent.status !== 'succeeded' || !charge) {
      throw invalidRequest('charge_not_refundable', `This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, 'payment_intent');
    }
    const refundable = charge.amount_captured - charge.amount_refunded;
    if (refundable <= 0) throw invalidRequest('charge_already_refunded', `Charge ${charge.id} has already been refunded.`);
    const refundAmount = amount ?? refundable;
    if (refundAmount > refundable) {
      throw invalidRequest(
        'amount_too_large',
        `Refund amount (${dollars(refundAmount, intent.currency)}) is greater than unrefunded amount on charge (${dollars(refundable, intent.currency)})`,
        'amount',
      );
    }

    const refund: Refund = {
      id: newId('re'),
      object: 'refund',
      amount: refundAmount,
      balance_transaction: null,
      charge: charge.id,
      created: unixSeconds(),
      currency: intent.currency,
      customer: null,
      customer_account: null,
      destination_details: { card: { type: 'refund' }, type: 'card' },
      metadata,
      payment_intent: intent.id,
      payment_method: intent.payment_method,
      reason,
      receipt_number: null,
      source_transfer_reversal: null,
      status: 'pending',
      transfer_reversal: null,
    };
    ledger.refunds.set(refund.id, refund);
    countAgainst(charge, refundAmount);
    const cause: EventCause = { apiVersion: call.apiVersion, requestId: call.requestId, idempotencyKey: call.idempotencyKey };
    this.deliver(ledger, method, [createEvent('refund.created', refund, cause), createEvent('charge.refunded', charge, cause)]);
    this.lifecycle.spawn(`settling ${refund.id}`, async () => {
      await this.lifecycle.wait(this.settings.refundSettleMs);
      this.settle(ledger, refund, charge, method, call.apiVersion);
    });
    return { status: 200, body: expanded(refund, expand, this.expanders(ledger)) };
  }

  /** GET /v1/refunds/:id (`expand[]` in the query). */
  retrieve(call: ApiCall, id: string): JsonAnswer {
    rejectUnknownParams(call.params, RETRIEVE_PARAMS);
    const refund = call.ledger.refunds.get(id);
    if (!refund) throw resourceMissing('refund', id);
    const expand = expandParam(call.params, this.expanders(call.ledger));
    if (refund.payment_method) call.usesPaymentMethod(refund.payment_method);
    return { status: 200, body: expanded(refund, expand, this.expanders(call.ledger)) };
  }

  private expanders(ledger: Ledger): Expanders {
    return {
      charge: (chargeId) => ledger.charges.get(chargeId),
      payment_intent: (intentId) => ledger.intents.get(intentId),
    };
  }

  /** The refund's outcome: `succeeded`, or `failed` with the amount back on the charge. */
  private settle(ledger: Ledger, refund: Refund, charge: Charge, method: TestPaymentMethod | undefined, apiVersion: string | undefined): void {
    const previous = { status: refund.status };
    if (method?.refunds.fail) {
      refund.status = 'failed';
      refund.failure_reason = 'expired_or_canceled_card';
      countAgainst(charge, -refund.amount);
      this.deliver(ledger, method, [createEvent('refund.updated', refund, { apiVersion }, previous), createEvent('refund.failed', refund, { apiVersion })]);
      return;
    }
    refund.status = 'succeeded';
    this.deliver(ledger, method, [createEvent('refund.updated', refund, { apiVersion }, previous)]);
  }

  private deliver(ledger: Ledger, method: TestPaymentMethod | undefined, events: StripeEvent[]): void {
    this.webhooks.deliver(ledger.account, events, method?.webhooks, ledger.deliveries);
  }
}

/** The charge's `amount_refunded` counts pending refunds too, so the same money is never refunded twice. */
function countAgainst(charge: Charge, amount: number): void {
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded >= charge.amount_captured;
}

/** A programmed refund failure: Stripe's 503 (not saved under the idempotency key, so the SDK's retry runs for real). */
function failIfProgrammed(method: TestPaymentMethod): void {
  if (method.refundFailuresLeft <= 0) return;
  method.refundFailuresLeft -= 1;
  throw temporarilyUnavailable();
}
