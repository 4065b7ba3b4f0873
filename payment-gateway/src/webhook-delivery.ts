import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Account } from './accounts';
import type { StripeEvent } from './events';
import type { Lifecycle } from './lifecycle';
import type { WebhookPlan } from './test-payment-methods';
import { signatureHeader } from './webhook-signing';

/** One POST of an event to an account's endpoint, for GET /_test/webhook_deliveries. */
export interface DeliveryAttempt {
  eventId: string;
  type: string;
  /** The PaymentIntent the event is about: the intent itself, or a refund's or a charge's `payment_intent`. */
  paymentIntent: string | null;
  /** The payment method of that intent, refund or charge. */
  paymentMethod: string | null;
  /** 1 for the first try of a delivery, 2 for its first retry, ... */
  attempt: number;
  /** The endpoint's HTTP status; null when it could not be reached or did not answer in time. */
  status: number | null;
  /** Why there is no status (connection refused, timeout). */
  error?: string;
  /** True for the second copy of a `webhooks.duplicate` method's event. */
  duplicate: boolean;
  at: string;
  /** What was sent, byte for byte: the endpoint, the headers (Stripe-Signature among them) and the body. */
  request: { url: string; headers: Record<string, string>; body: string };
  /** What the endpoint answered (null when it did not): its status, headers and the first 4 KiB of its body. */
  response: { status: number; headers: Record<string, string>; body: string; truncated: boolean } | null;
}

/** How much of an endpoint's answer a delivery keeps. */
const ANSWER_BYTES = 4_096;

export interface DeliverySettings {
  /** Waits between attempts; their count is the number of retries. */
  retryDelaysMs: number[];
  /** Wait after a payment settles before its events are sent (Stripe delivers asynchronously, too). */
  dispatchDelayMs: number;
  /** How long one attempt may take before it counts as failed. */
  attemptTimeoutMs: number;
}

/**
 * Sends events to webhook endpoints, signed, and retries each one that gets a non-2xx answer or none
 * after the configured delays, re-signed each time. The events of one payment go out one after the
 * other: each event's first attempt is answered before the next event is sent, so the order an
 * endpoint sees on first delivery is the order asked for (retries then overlap freely).
 */
export class WebhookDispatcher {
  constructor(
    private readonly settings: DeliverySettings,
    private readonly lifecycle: Lifecycle,
  ) {}

  /** Schedules the delivery of one payment's events; `log` gets every attempt. */
  deliver(account: Account, events: StripeEvent[], plan: WebhookPlan | undefined, log: DeliveryAttempt[]): void {
    if (events.length === 0 || plan?.hold) return;
    this.lifecycle.spawn(`webhook delivery of ${events.map((event) => event.id).join(', ')}`, async () => {
      await this.lifecycle.wait(this.settings.dispatchDelayMs + (plan?.delayMs ?? 0));
      const ordered = plan?.outOfOrder ? [...events].reverse() : events;
      for (const event of ordered) {
        for (const duplicate of plan?.duplicate ? [false, true] : [false]) {
          const retries = await this.firstAttempt(account, event, duplicate, log);
          if (retries) this.lifecycle.spawn(`retries of ${event.id}`, retries);
        }
      }
    });
  }

  /** Sends once; when that fails, returns the task that retries. */
  private async firstAttempt(account: Account, event: StripeEvent, duplicate: boolean, log: DeliveryAttempt[]): Promise<(() => Promise<void>) | null> {
    if (await this.attempt(account, event, 1, duplicate, log)) return null;
    return async () => {
      for (const [index, delay] of this.settings.retryDelaysMs.entries()) {
        await this.lifecycle.wait(delay);
        if (await this.attempt(account, event, index + 2, duplicate, log)) return;
      }
      console.log(`[gateway] ${event.type} ${event.id} to ${account.webhookUrl}: gave up after ${this.settings.retryDelaysMs.length + 1} attempts`);
    };
  }

  /** One signed POST; true when the endpoint answered 2xx. */
  private async attempt(account: Account, event: StripeEvent, attempt: number, duplicate: boolean, log: DeliveryAttempt[]): Promise<boolean> {
    const body = JSON.stringify(event, null, 2);
    const headers = {
      'Content-Type': 'application/json; charset=utf-8',
      'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      'Stripe-Signature': signatureHeader(body, account.webhookSecret),
    };
    const record: DeliveryAttempt = {
      eventId: event.id,
      type: event.type,
      ...aboutWhat(event),
      attempt,
      status: null,
      duplicate,
      at: new Date().toISOString(),
      request: { url: account.webhookUrl, headers, body },
      response: null,
    };
    try {
      record.response = await post(account.webhookUrl, body, headers, AbortSignal.any([this.lifecycle.signal, AbortSignal.timeout(this.settings.attemptTimeoutMs)]));
      record.status = record.response.status;
    } catch (error) {
      if (this.lifecycle.closed) throw error;
      record.error = describeFailure(error);
    }
    log.push(record);
    const about = record.paymentIntent;
    const correlationId = (event.data.object as { metadata?: { correlationId?: unknown } | null }).metadata?.correlationId;
    const context = [about && `for ${about}`, typeof correlationId === 'string' && `correlation=${correlationId}`].filter(Boolean).join(' ');
    console.log(
      `[gateway] ${new Date().toISOString()} webhook ${event.type} ${event.id}${context ? ` ${context}` : ''}${duplicate ? ' (duplicate)' : ''} attempt ${attempt} → ${record.status ?? record.error}`,
    );
    return record.status !== null && record.status >= 200 && record.status < 300;
  }
}

/** The intent and payment method an event's object belongs to (a PaymentIntent, a Refund or a Charge). */
function aboutWhat(event: StripeEvent): Pick<DeliveryAttempt, 'paymentIntent' | 'paymentMethod'> {
  const object = event.data.object as { id?: unknown; object?: unknown; payment_intent?: unknown; payment_method?: unknown };
  const intent = object.object === 'payment_intent' ? object.id : object.payment_intent;
  return { paymentIntent: typeof intent === 'string' ? intent : null, paymentMethod: typeof object.payment_method === 'string' ? object.payment_method : null };
}

/**
 * One POST with node:http(s), not fetch: fetch refuses the ports the Fetch standard calls unsafe
 * (6000, 6665, 10080, ...), and a provider delivers to whatever port the endpoint has.
 */
function post(url: string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<NonNullable<DeliveryAttempt['response']>> {
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(url, { method: 'POST', headers: { ...headers, 'Content-Length': Buffer.byteLength(body) }, agent: false, signal }, (response) => {
      // Read to the end (the socket closes only then), keeping the first ANSWER_BYTES.
      const kept: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < ANSWER_BYTES) kept.push(chunk.subarray(0, ANSWER_BYTES - size));
        size += chunk.length;
      });
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value ?? '')])),
          body: Buffer.concat(kept).toString('utf8'),
          truncated: size > ANSWER_BYTES,
        }),
      );
      response.on('error', reject);
      // Settles nothing after 'end'; otherwise a connection cut mid-answer is a failed attempt.
      response.on('close', () => reject(new Error('connection closed before the answer ended')));
    });
    request.on('error', reject);
    request.end(body);
  });
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'AbortError') return 'no answer in time';
  return (error as NodeJS.ErrnoException).code ?? error.message;
}
