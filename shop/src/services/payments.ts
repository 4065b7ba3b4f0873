import Stripe from 'stripe';
import type { StripeSettings } from '../config';
import type { Origin } from '../origin';
import { ProviderNotCalled, ProviderPolicy } from './providerPolicy';
import {
  AppError,
  cardDeclined,
  orderTotalTooSmall,
  invalidJson,
  invalidSignature,
  paymentFailed,
  paymentProviderNotCalled,
  paymentProviderUnavailable,
  validationError,
  webhookExpired,
} from '../errors';

export type ChargeResult =
  | { ok: true; intentId: string; status: 'succeeded' | 'processing' }
  | { ok: false; error: AppError };

export type PaymentEvent = Stripe.Event;

/**
 * The official SDK, pointed at the provider the settings name (Stripe itself when host, port and protocol are unset).
 * Its own retries are off: the shop's policy (providerPolicy.ts) retries, with the same idempotency key.
 */
export function createStripeClient(settings: StripeSettings): Stripe {
  return new Stripe(settings.secretKey, {
    host: settings.host,
    port: settings.port,
    protocol: settings.protocol,
    timeout: settings.timeoutMs,
    maxNetworkRetries: 0,
  });
}

/** What a placement asks the provider to charge; the same again (same key) answers the first call's outcome. */
export interface ChargeRequest {
  orderId: string;
  amountCents: number;
  paymentMethod: string;
  /**
   * The placement's correlation id, given to the provider in the intent's metadata so that its webhooks (and the
   * events and mails they cause) carry the customer's id. Null for an order placed before the shop kept it: its
   * charge is asked for again exactly as it first was.
   */
  correlationId: string | null;
}

/** The payment provider, reached only through the `stripe` SDK, so the shop could run against Stripe's test mode. */
export class Payments {
  constructor(
    private readonly stripe: Stripe,
    private readonly webhookSecret: string,
    private readonly webhookToleranceSeconds: number,
    readonly policy: ProviderPolicy,
  ) {}

  /**
   * Creates and confirms a PaymentIntent for the order. The idempotency key is the order's, so the policy's retries
   * (and any later call for the same order, e.g. recovery's) charge once and answer the first outcome. Declines and
   * an unreachable provider are results, not exceptions, because the caller must compensate for every one of them.
   */
  async charge(order: ChargeRequest, origin: Origin): Promise<ChargeResult> {
    try {
      const intent = await this.policy.execute(() =>
        this.stripe.paymentIntents.create(
          {
            amount: order.amountCents,
            currency: 'usd',
            payment_method: order.paymentMethod,
            confirm: true,
            metadata: { orderId: order.orderId, ...(order.correlationId === null ? {} : { correlationId: order.correlationId }) },
            description: `Event Shop order ${order.orderId}`,
          },
          { idempotencyKey: `order-${order.orderId}` },
        ),
      );
      const status = intent.status as string;
      if (status === 'succeeded' || status === 'processing') return { ok: true, intentId: intent.id, status };
      // E.g. requires_action (3-D Secure): the shop has no way to let the customer authenticate.
      return { ok: false, error: cardDeclined(`The payment could not be completed (status ${intent.status})`) };
    } catch (error) {
      return { ok: false, error: chargeError(error, order.orderId, origin) };
    }
  }

  /** Refunds the whole payment; the key makes a retried cancel refund once. */
  async refund(intentId: string, orderId: string, origin: Origin): Promise<void> {
    try {
      await this.policy.execute(() =>
        this.stripe.refunds.create({ payment_intent: intentId }, { idempotencyKey: `refund-${orderId}` }),
      );
    } catch (error) {
      if (error instanceof ProviderNotCalled) throw paymentProviderNotCalled(error.retryAfterSeconds, 'nothing was refunded');
      origin.log.warn({ err: error, orderId }, 'refund failed');
      throw paymentProviderUnavailable('nothing was refunded');
    }
  }

  /**
   * Refunds a whole payment by its intent, keyed by the intent so a redelivered webhook refunds once. False when
   * there is nothing to give back: the provider knows no such intent, or it is not (or no longer) refundable.
   * Anything else (unreachable, 5xx after the retries; the circuit open) is PAYMENT_PROVIDER_UNAVAILABLE.
   */
  async refundIntent(intentId: string, origin: Origin): Promise<boolean> {
    try {
      await this.policy.execute(() =>
        this.stripe.refunds.create({ payment_intent: intentId }, { idempotencyKey: `refund-${intentId}` }),
      );
      return true;
    } catch (error) {
      if (error instanceof ProviderNotCalled) throw paymentProviderNotCalled(error.retryAfterSeconds, 'nothing was refunded');
      if (error instanceof Stripe.errors.StripeInvalidRequestError && NOTHING_TO_REFUND.has(error.code ?? '')) {
        origin.log.warn({ err: error, intentId }, 'nothing to refund');
        return false;
      }
      origin.log.warn({ err: error, intentId }, 'refund failed');
      throw paymentProviderUnavailable('nothing was refunded');
    }
  }

  /** The event, verified with the SDK's own verifier against the raw body; INVALID_SIGNATURE or WEBHOOK_EXPIRED otherwise. */
  verifyWebhook(rawBody: Buffer, signature: string | string[] | undefined): PaymentEvent {
    if (typeof signature !== 'string' || signature === '') throw invalidSignature();
    try {
      return this.stripe.webhooks.constructEvent(rawBody, signature, this.webhookSecret, this.webhookToleranceSeconds);
    } catch (error) {
      // constructEvent parses the body once the signature holds: a signed body that is not JSON.
      if (error instanceof SyntaxError) throw invalidJson();
      if (!(error instanceof Stripe.errors.StripeSignatureVerificationError)) throw error;
      // The SDK checks the signature before the age; one that verifies with the age check off (tolerance 0) was only too old.
      if (this.verifiesIgnoringAge(rawBody, signature)) throw webhookExpired(this.webhookToleranceSeconds);
      throw invalidSignature();
    }
  }

  private verifiesIgnoringAge(rawBody: Buffer, signature: string): boolean {
    try {
      this.stripe.webhooks.constructEvent(rawBody, signature, this.webhookSecret, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/** Stripe's error codes for a refund of an intent that does not exist, did not succeed, or was refunded already. */
const NOTHING_TO_REFUND = new Set(['resource_missing', 'charge_not_refundable', 'charge_already_refunded']);

/** A failed charge as the shop answers it. */
function chargeError(error: unknown, orderId: string, origin: Origin): AppError {
  if (error instanceof Stripe.errors.StripeCardError) {
    return error.decline_code === 'insufficient_funds' ? paymentFailed(error.message) : cardDeclined(error.message);
  }
  if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'amount_too_small') return orderTotalTooSmall(error.message);
  if (error instanceof Stripe.errors.StripeInvalidRequestError && error.param === 'payment_method') {
    return validationError([{ field: 'paymentMethod', message: 'must be a payment method the provider knows' }]);
  }
  if (error instanceof ProviderNotCalled) return paymentProviderNotCalled(error.retryAfterSeconds);
  // Timeouts, connection errors and 5xx (after the retries), but also a rejected key: nothing was charged.
  origin.log.warn({ err: error, orderId }, 'payment provider unavailable');
  return paymentProviderUnavailable();
}
