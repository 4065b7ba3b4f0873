import type { ApiCall, JsonAnswer } from './api-call';
import { newId, unixSeconds } from './ids';
import { optionalInteger, optionalMetadata, optionalString, rejectUnknownParams, requiredString } from './params';
import { invalidParam, invalidRequest, resourceMissing, temporarilyUnavailable } from './stripe-errors';

export interface Refund {
  id: string;
  object: 'refund';
  amount: number;
  charge: string | null;
  currency: string;
  created: number;
  metadata: Record<string, string>;
  payment_intent: string;
  reason: string | null;
  status: 'succeeded';
}

const REFUND_PARAMS = ['payment_intent', 'amount', 'reason', 'metadata'] as const;
const IGNORED_PARAMS = ['expand', 'instructions_email'] as const;
const REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'];

function dollars(cents: number, currency: string): string {
  return `${(cents / 100).toFixed(2)} ${currency}`;
}

/**
 * POST /v1/refunds: refunds a succeeded PaymentIntent, in full or in part; a refund succeeds at once, unless the
 * intent's payment method was programmed with `refunds.failures` still left: then a 503 before anything is done.
 */
export function createRefund(call: ApiCall): JsonAnswer {
  const { params, ledger } = call;
  if (params.charge !== undefined) throw invalidParam('charge', 'This gateway refunds by payment_intent only; pass payment_intent instead of charge.');
  rejectUnknownParams(params, REFUND_PARAMS, IGNORED_PARAMS);
  const intentId = requiredString(params, 'payment_intent');
  const intent = ledger.intents.get(intentId);
  if (!intent) throw resourceMissing('payment_intent', intentId, 'payment_intent');
  if (intent.payment_method) call.usesPaymentMethod(intent.payment_method);
  const amount = optionalInteger(params, 'amount', 1);
  const reason = optionalString(params, 'reason') ?? null;
  if (reason !== null && !REASONS.includes(reason)) throw invalidParam('reason', `Invalid reason: must be one of ${REASONS.join(', ')}`);
  const metadata = optionalMetadata(params) ?? {};
  if (intent.payment_method) failIfProgrammed(call, intent.payment_method);

  if (intent.status !== 'succeeded') {
    throw invalidRequest('charge_not_refundable', `This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, 'payment_intent');
  }
  const refundable = intent.amount_received - intent.amount_refunded;
  if (refundable <= 0) throw invalidRequest('charge_already_refunded', `Charge ${intent.latest_charge} has already been refunded.`);
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
    charge: intent.latest_charge,
    currency: intent.currency,
    created: unixSeconds(),
    metadata,
    payment_intent: intent.id,
    reason,
    status: 'succeeded',
  };
  ledger.refunds.set(refund.id, refund);
  intent.amount_refunded += refundAmount;
  return { status: 200, body: refund };
}

/** A programmed refund failure: Stripe's 503 (not saved under the idempotency key, so the SDK's retry runs for real). */
function failIfProgrammed(call: ApiCall, paymentMethodId: string): void {
  if (!call.ledger.methods.exists(paymentMethodId)) return;
  const method = call.ledger.methods.resolve(paymentMethodId);
  if (method.refundFailuresLeft <= 0) return;
  method.refundFailuresLeft -= 1;
  throw temporarilyUnavailable();
}

/** GET /v1/refunds/:id */
export function retrieveRefund(call: ApiCall, id: string): JsonAnswer {
  const refund = call.ledger.refunds.get(id);
  if (!refund) throw resourceMissing('refund', id);
  const intent = call.ledger.intents.get(refund.payment_intent);
  if (intent?.payment_method) call.usesPaymentMethod(intent.payment_method);
  return { status: 200, body: refund };
}
