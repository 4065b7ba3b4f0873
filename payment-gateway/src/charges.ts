import { newId, unixSeconds } from './ids';
import type { PaymentIntent } from './payment-intents';
import { chargeCardDetails, noBillingDetails, type Decline, type TestPaymentMethod } from './test-payment-methods';

export type ChargeStatus = 'pending' | 'succeeded' | 'failed';

/**
 * One attempt to take a PaymentIntent's money, as Stripe's Charge object: every field Stripe always sends, `null`
 * for what the gateway does not model (balance transactions, Connect, receipts, Radar rules). The intent's
 * `latest_charge` names it; `expand[]=latest_charge` shows it. Refunds count against it (`amount_refunded`).
 */
export interface Charge {
  id: string;
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  application: null;
  application_fee: null;
  application_fee_amount: null;
  balance_transaction: null;
  billing_details: ReturnType<typeof noBillingDetails>;
  calculated_statement_descriptor: string | null;
  captured: boolean;
  created: number;
  currency: string;
  customer: null;
  description: string | null;
  disputed: false;
  failure_balance_transaction: null;
  failure_code: string | null;
  failure_message: string | null;
  fraud_details: Record<string, never>;
  livemode: false;
  metadata: Record<string, string>;
  on_behalf_of: null;
  outcome: Outcome | null;
  paid: boolean;
  payment_intent: string;
  payment_method: string;
  payment_method_details: { card: ReturnType<typeof chargeCardDetails>; type: 'card' };
  receipt_email: string | null;
  receipt_number: null;
  receipt_url: null;
  refunded: boolean;
  review: null;
  shipping: null;
  source: null;
  source_transfer: null;
  statement_descriptor: string | null;
  statement_descriptor_suffix: string | null;
  status: ChargeStatus;
  transfer_data: null;
  transfer_group: null;
}

interface Outcome {
  advice_code: null;
  network_advice_code: null;
  network_decline_code: null;
  network_status: 'approved_by_network' | 'declined_by_network';
  reason: string | null;
  risk_level: 'normal';
  seller_message: string;
  type: 'authorized' | 'issuer_declined';
}

/** A charge for the intent's attempt with the method: `pending` until the payment settles (settleCharge). */
export function startCharge(intent: PaymentIntent, method: TestPaymentMethod): Charge {
  return {
    id: newId('ch'),
    object: 'charge',
    amount: intent.amount,
    amount_captured: 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: noBillingDetails(),
    calculated_statement_descriptor: intent.statement_descriptor ?? null,
    captured: false,
    created: unixSeconds(),
    currency: intent.currency,
    customer: null,
    description: intent.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata: { ...intent.metadata },
    on_behalf_of: null,
    outcome: null,
    paid: false,
    payment_intent: intent.id,
    payment_method: method.id,
    payment_method_details: { card: chargeCardDetails(method.card, null), type: 'card' },
    receipt_email: intent.receipt_email,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: intent.statement_descriptor,
    statement_descriptor_suffix: intent.statement_descriptor_suffix,
    status: 'pending',
    transfer_data: null,
    transfer_group: null,
  };
}

/** The payment went through: captured in full (the gateway captures automatically). */
export function chargeSucceeded(charge: Charge): void {
  charge.status = 'succeeded';
  charge.paid = true;
  charge.captured = true;
  charge.amount_captured = charge.amount;
  charge.payment_method_details.card.amount_authorized = charge.amount;
  charge.outcome = { advice_code: null, network_advice_code: null, network_decline_code: null, network_status: 'approved_by_network', reason: null, risk_level: 'normal', seller_message: 'Payment complete.', type: 'authorized' };
}

/** The issuer declined: the charge failed with the decline's code and message. */
export function chargeFailed(charge: Charge, decline: Decline): void {
  charge.status = 'failed';
  charge.failure_code = decline.code;
  charge.failure_message = decline.message;
  charge.outcome = {
    advice_code: null,
    network_advice_code: null,
    network_decline_code: null,
    network_status: 'declined_by_network',
    reason: decline.declineCode,
    risk_level: 'normal',
    seller_message: 'The bank did not return any further details with this decline.',
    type: 'issuer_declined',
  };
}
