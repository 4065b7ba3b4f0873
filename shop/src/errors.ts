import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../contracts/http';
import { isDatabaseUnavailable } from './db';

export interface FieldIssue {
  field: string;
  message: string;
}

/**
 * An error the client caused; rendered as `{ error: { code, message, details? } }` with its status. Its code is one
 * the contract lists (contracts/http/errors.ts).
 */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldIssue[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const validationError = (details: FieldIssue[]) =>
  new AppError(400, 'VALIDATION_ERROR', 'The request is invalid', details);
export const unsupportedMediaType = () => new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
export const invalidJson = () => new AppError(400, 'INVALID_JSON', 'The request body is not valid JSON');
export const unauthenticated = () => new AppError(401, 'UNAUTHENTICATED', 'A bearer token is required');
export const invalidToken = () => new AppError(401, 'INVALID_TOKEN', 'The token is invalid');
export const tokenExpired = () => new AppError(401, 'TOKEN_EXPIRED', 'The token has expired');
export const invalidCredentials = () => new AppError(401, 'INVALID_CREDENTIALS', 'Invalid email or password');
export const crossSiteRequest = () => new AppError(403, 'FORBIDDEN', 'A form of another site cannot act on this shop');
export const forbidden = () => new AppError(403, 'FORBIDDEN', 'You are not allowed to do this');
export const userNotFound = () => new AppError(404, 'USER_NOT_FOUND', 'User not found');
export const productNotFound = () => new AppError(404, 'PRODUCT_NOT_FOUND', 'Product not found');
export const categoryNotFound = () => new AppError(404, 'CATEGORY_NOT_FOUND', 'Category not found');
export const emailExists = () => new AppError(409, 'EMAIL_EXISTS', 'An account with this email already exists');
export const skuExists = () => new AppError(409, 'SKU_EXISTS', 'A product with this SKU already exists');
export const preconditionRequired = () =>
  new AppError(
    428,
    'PRECONDITION_REQUIRED',
    'A change of a product needs If-Match with the ETag it was read with (or *); nothing was changed',
    [{ field: 'If-Match', message: 'is required' }],
  );
/** The current version is in the detail and the ETag header, for a client that reads the product again. */
export const preconditionFailed = (why: string, currentVersion: number) =>
  new AppError(
    412,
    'PRECONDITION_FAILED',
    `${why}; nothing was changed. Its current version is ${currentVersion}: read it again and redo the change`,
    [{ field: 'If-Match', message: `must name the current version "${currentVersion}"` }],
    { etag: `"${currentVersion}"` },
  );
export const categoryExists = () => new AppError(409, 'CATEGORY_EXISTS', 'A category with this slug already exists');
export const invalidProduct = (details?: FieldIssue[]) =>
  new AppError(400, 'INVALID_PRODUCT', 'The product does not exist', details);
export const invalidDiscountCode = (message: string) => new AppError(400, 'INVALID_DISCOUNT_CODE', message);
export const discountCodeExists = () =>
  new AppError(409, 'DISCOUNT_CODE_EXISTS', 'A discount code with this code already exists');
export const cartEmpty = () => new AppError(400, 'CART_EMPTY', 'The cart is empty');
export const cartItemNotFound = () => new AppError(404, 'CART_ITEM_NOT_FOUND', 'The product is not in the cart');
export const shippingAddressRequired = () =>
  new AppError(400, 'SHIPPING_ADDRESS_REQUIRED', 'Set a shipping address before placing the order');
export const outOfStock = (details: FieldIssue[]) =>
  new AppError(409, 'OUT_OF_STOCK', 'Not enough stock', details);
export const cardDeclined = (providerMessage: string) =>
  new AppError(400, 'CARD_DECLINED', 'The card was declined', [{ field: 'paymentMethod', message: providerMessage }]);
/** The provider's minimum charge is above the total (Stripe's `amount_too_small`): paying again cannot help. */
export const orderTotalTooSmall = (providerMessage: string) =>
  new AppError(400, 'ORDER_TOTAL_TOO_SMALL', "The order's total is below the payment provider's minimum charge; nothing was charged", [
    { field: 'total', message: providerMessage },
  ]);
export const paymentFailed = (providerMessage: string) =>
  new AppError(402, 'PAYMENT_FAILED', `The payment failed: ${providerMessage}`);
export const paymentProviderUnavailable = (outcome = 'nothing was charged') =>
  new AppError(502, 'PAYMENT_PROVIDER_UNAVAILABLE', `The payment provider did not answer; ${outcome}`);
/** The breaker is open: the provider was not called; Retry-After says when the trial call may go through. */
export const paymentProviderNotCalled = (retryAfterSeconds: number, outcome = 'nothing was charged') =>
  new AppError(503, 'PAYMENT_PROVIDER_UNAVAILABLE', `The payment provider is failing and was not called; ${outcome}`, undefined, {
    'retry-after': String(retryAfterSeconds),
  });
export const orderNotFound = () => new AppError(404, 'ORDER_NOT_FOUND', 'Order not found');
export const invalidStatusTransition = (from: string, to: string) =>
  new AppError(400, 'INVALID_STATUS_TRANSITION', `The order cannot go from ${from} to ${to}`, [
    { field: 'status', message: `cannot go from ${from} to ${to}` },
  ]);
export const paymentMismatch = (why: string) =>
  new AppError(409, 'PAYMENT_MISMATCH', `The event does not match its order: ${why}; nothing was changed`);
export const invalidSignature = () =>
  new AppError(401, 'INVALID_SIGNATURE', 'The webhook signature does not verify');
export const webhookExpired = (toleranceSeconds: number) =>
  new AppError(401, 'WEBHOOK_EXPIRED', `webhook timestamp expired: older than ${toleranceSeconds} s`);
export const reviewNotAllowed = () =>
  new AppError(403, 'REVIEW_NOT_ALLOWED', 'Only customers with a delivered order of this product can review it');
export const alreadyReviewed = () => new AppError(409, 'ALREADY_REVIEWED', 'You have already reviewed this product');
export const tooManyAttempts = (retryAfterSeconds: number) =>
  new AppError(429, 'TOO_MANY_ATTEMPTS', 'Too many failed login attempts. Try again later.', undefined, {
    'retry-after': String(retryAfterSeconds),
  });
/** A dependency the shop cannot do without is down; the client may retry after `retryAfterSeconds` (whole seconds). */
export const serviceUnavailable = (message: string, retryAfterSeconds: number) =>
  new AppError(503, 'SERVICE_UNAVAILABLE', message, undefined, { 'retry-after': String(retryAfterSeconds) });
/** Postgres unreachable or restarting: it usually answers again within seconds, so a short Retry-After. */
export const databaseUnavailable = () => serviceUnavailable('The database is unavailable; try again shortly', 1);
/** The shop is stopping: requests that arrive meanwhile are refused, so another instance (or this one, restarted) takes them. */
export const shuttingDown = () => serviceUnavailable('The shop is restarting; nothing was done. Try again shortly.', 1);
/** No database connection came free in time (the pool is busy): nothing was done, try again shortly. */
export const databaseBusy = () => serviceUnavailable('The shop is busy; nothing was done. Try again shortly.', 1);

function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  const body = { error: { code: error.code, message: error.message, ...(error.details && { details: error.details }) } };
  return reply.code(error.statusCode).headers(error.headers).type('application/json; charset=utf-8').send(body);
}

/** Fastify's own client errors (body parsing, media type, size) mapped onto the shop's codes. */
export function fromFastifyError(error: FastifyError): AppError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalidJson();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType();
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(413, 'PAYLOAD_TOO_LARGE', 'The request body is too large');
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError(error.statusCode, 'BAD_REQUEST', error.message);
  }
  return undefined;
}

/**
 * pg-pool's errors when a request got no connection within DATABASE_POOL_WAIT_MS: none came free, or a new one could
 * not be opened in that time.
 */
const NO_CONNECTION_IN_TIME = new Set(['timeout exceeded when trying to connect', 'Connection terminated due to connection timeout']);

/** An error of the shop's own infrastructure that has a clear answer (a busy pool is a 503, not a 500). */
export function fromInfrastructureError(error: Error): AppError | undefined {
  return NO_CONNECTION_IN_TIME.has(error.message) ? databaseBusy() : undefined;
}

/** Renders a client or server error as the HTML error page, with the error's status and headers. */
export type ErrorPageRenderer = (reply: FastifyReply, error: AppError) => FastifyReply;

/** A browser asking for a page: not an /api URL, and HTML accepted. It gets errors as a page, not as JSON. */
export function wantsPage(request: FastifyRequest): boolean {
  return !request.url.startsWith('/api/') && (request.headers.accept ?? '').includes('text/html');
}

function answerError(request: FastifyRequest, reply: FastifyReply, error: AppError, renderPage: ErrorPageRenderer): FastifyReply {
  return wantsPage(request) ? renderPage(reply.headers(error.headers), error) : sendError(reply, error);
}

/**
 * Errors Fastify raises before any route is found (a URL that is not valid percent-encoding, say): the same
 * envelope as every other client error, or the error page for a browser. Fastify's `frameworkErrors` option.
 */
export function frameworkErrorAnswer(renderPage: ErrorPageRenderer, correlationHeader: string) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    // No hook has run for such a request, so the correlation id every answer carries is set here.
    reply.header(correlationHeader, request.id);
    return answerError(request, reply, fromFastifyError(error) ?? new AppError(400, 'BAD_REQUEST', 'The request is malformed'), renderPage);
  };
}

/** Installs the one error envelope (the error page for a browser) for thrown errors and unknown routes. */
export function installErrorHandlers(
  app: FastifyInstance,
  renderNotFoundPage: (request: FastifyRequest, reply: FastifyReply) => FastifyReply,
  renderErrorPage: ErrorPageRenderer,
): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = error instanceof AppError ? error : (fromFastifyError(error) ?? fromInfrastructureError(error));
    if (known) return answerError(request, reply, known, renderErrorPage);
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error.message }, 'the database is unavailable; answered 503');
      return answerError(request, reply, databaseUnavailable(), renderErrorPage);
    }
    request.log.error({ err: error }, 'unhandled error');
    return answerError(request, reply, new AppError(500, 'INTERNAL_ERROR', 'Something went wrong'), renderErrorPage);
  });

  app.setNotFoundHandler((request, reply) => {
    if (wantsPage(request)) return renderNotFoundPage(request, reply);
    return sendError(reply, new AppError(404, 'NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}`));
  });
}
