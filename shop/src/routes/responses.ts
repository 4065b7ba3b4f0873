import { errorResponse, Headers, withHeaders, type ErrorCode } from '../../../contracts/http';

/** The error answers many routes share; each route lists the statuses it can answer (docs/API.md, "Errors"). */

/** A body that is not valid: its schema, or not JSON at all, or HTTP refused it. */
export const BODY_ERRORS = ['VALIDATION_ERROR', 'INVALID_JSON', 'BAD_REQUEST'] as const;

/** Every route that takes a bearer token. */
export const TOKEN_ERRORS = { 401: errorResponse('UNAUTHENTICATED', 'INVALID_TOKEN', 'TOKEN_EXPIRED') };

/** Every route that reads a body: what the body parser refuses before any route sees it. */
export const BODY_PARSER_ERRORS = {
  413: errorResponse('PAYLOAD_TOO_LARGE'),
  415: errorResponse('UNSUPPORTED_MEDIA_TYPE'),
};

/** A 503 with Retry-After: the shop cannot serve it now (SERVICE_UNAVAILABLE), or the provider's circuit is open. */
export const unavailable = (...codes: ErrorCode[]) => ({ 503: withHeaders(errorResponse(...codes), Headers.retryLater) });

/** Routes that call the payment provider: it did not answer (502), or its circuit is open and it was not called (503). */
export const PROVIDER_ERRORS = {
  502: errorResponse('PAYMENT_PROVIDER_UNAVAILABLE'),
  ...unavailable('PAYMENT_PROVIDER_UNAVAILABLE', 'SERVICE_UNAVAILABLE'),
};

/**
 * Every /api route reaches the database, so every one may answer 503 SERVICE_UNAVAILABLE (the database is
 * unreachable, or no connection came free in time): added to each route's responses when it declares no 503 of its
 * own (an onRoute hook, server.ts).
 */
export function declareServiceUnavailable(route: { url: string; schema?: { response?: unknown } }): void {
  const responses = route.schema?.response as Record<string, unknown> | undefined;
  if (!route.url.startsWith('/api/') || !responses || '503' in responses) return;
  Object.assign(responses, unavailable('SERVICE_UNAVAILABLE'));
}

/** The codes an errorResponse names (in its description: `VALIDATION_ERROR`, `BAD_REQUEST`). */
function codesOf(response: unknown): ErrorCode[] {
  const description = (response as { description?: unknown } | undefined)?.description;
  return typeof description === 'string' ? ([...description.matchAll(/`([A-Z_]+)`/g)].map((match) => match[1]) as ErrorCode[]) : [];
}

/**
 * Every /api route may answer 400 before it runs: BAD_REQUEST for a URL that is not valid percent-encoding (Fastify
 * answers it before routing), and VALIDATION_ERROR for a path parameter its schema refuses (a NUL in an id). Each
 * route's 400 is completed with those codes when it does not name them (an onRoute hook, server.ts).
 */
export function declareMalformedRequest(route: { url: string; schema?: { response?: unknown; params?: unknown } }): void {
  const responses = route.schema?.response as Record<string, unknown> | undefined;
  if (!route.url.startsWith('/api/') || !responses) return;
  const wanted: ErrorCode[] = route.schema?.params ? ['VALIDATION_ERROR', 'BAD_REQUEST'] : ['BAD_REQUEST'];
  const declared = codesOf(responses['400']);
  const missing = wanted.filter((code) => !declared.includes(code));
  if (missing.length > 0) responses['400'] = errorResponse(...declared, ...missing);
}

