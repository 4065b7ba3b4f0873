/**
 * Stripe's error envelope `{ error: { type, code?, decline_code?, message, param?, ... } }` and the
 * status codes Stripe answers with, so the SDK turns each into the matching Stripe*Error class.
 */

export type StripeErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  /** Card errors carry the intent in its failed state, as Stripe does. */
  payment_intent?: unknown;
  payment_method?: unknown;
  charge?: string;
  doc_url?: string;
}

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
    this.name = 'StripeApiError';
  }

  toAnswer(): { status: number; body: { error: StripeErrorBody }; headers: Record<string, string> } {
    return { status: this.status, body: { error: this.body }, headers: this.headers };
  }
}

export function docUrl(code: string): string {
  return `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`;
}

/** 400 for a parameter the request got wrong; `param` names it. */
export function invalidParam(param: string, message: string, code = 'parameter_invalid'): StripeApiError {
  return new StripeApiError(400, { type: 'invalid_request_error', code, param, message, doc_url: docUrl(code) });
}

export function missingParam(param: string): StripeApiError {
  return invalidParam(param, `Missing required param: ${param}.`, 'parameter_missing');
}

export function unknownParam(param: string): StripeApiError {
  return invalidParam(param, `Received unknown parameter: ${param}`, 'parameter_unknown');
}

/** 400 for a request that is well formed but not allowed in the object's current state. */
export function invalidRequest(code: string, message: string, param?: string): StripeApiError {
  return new StripeApiError(400, { type: 'invalid_request_error', code, message, ...(param ? { param } : {}), doc_url: docUrl(code) });
}

/**
 * An object that does not exist: 404 when the URL names it, 400 when a parameter does
 * (Stripe answers `No such payment_method: 'pm_x'` with `param` for the latter).
 */
export function resourceMissing(kind: string, id: string, param?: string): StripeApiError {
  const body: StripeErrorBody = { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${kind}: '${id}'`, doc_url: docUrl('resource_missing') };
  return param ? new StripeApiError(400, { ...body, param }) : new StripeApiError(404, body);
}

export function unrecognizedUrl(method: string, path: string): StripeApiError {
  return new StripeApiError(404, {
    type: 'invalid_request_error',
    message: `Unrecognized request URL (${method}: ${path}). This gateway speaks only the part of Stripe's API in payment-gateway/README.md.`,
  });
}

export function missingApiKey(): StripeApiError {
  return new StripeApiError(401, {
    type: 'invalid_request_error',
    message: "You did not provide an API key. Provide your secret key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
  });
}

export function invalidApiKey(key: string): StripeApiError {
  const shown = key.length > 12 ? `${key.slice(0, 8)}${'*'.repeat(8)}${key.slice(-4)}` : key;
  return new StripeApiError(401, { type: 'invalid_request_error', code: 'api_key_invalid', message: `Invalid API Key provided: ${shown}` });
}

/** The same idempotency key with other parameters (or another endpoint): the client's bug, never replayed. */
export function idempotencyKeyReused(key: string): StripeApiError {
  return new StripeApiError(400, {
    type: 'idempotency_error',
    message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
  });
}

/** A request with a key whose first request is still running; the SDK retries 409 after a backoff. */
export function idempotencyKeyInProgress(): StripeApiError {
  return new StripeApiError(409, {
    type: 'idempotency_error',
    message: 'There is currently another in-progress request using this API key and idempotency key. Please retry this request after a short wait.',
  });
}

/** A transient failure before anything was done; `Stripe-Should-Retry` tells the SDK a retry is safe. */
export function temporarilyUnavailable(): StripeApiError {
  return new StripeApiError(
    503,
    { type: 'api_error', message: 'The payment provider is temporarily unavailable (programmed failure). Please retry the request.' },
    { 'Stripe-Should-Retry': 'true' },
  );
}

export function internalError(): StripeApiError {
  return new StripeApiError(500, { type: 'api_error', message: 'An unexpected error occurred in the payment gateway; see its log.' });
}
