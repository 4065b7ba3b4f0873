import { Type, type Static } from 'typebox';
import { ref, strict } from './common';

/** Every code the shop answers an error with, and when (docs/API.md, "Errors" and "Errors added"). */
export const ERROR_CODES = {
  VALIDATION_ERROR: 'the body, the query or a header is invalid; `details` has one entry per invalid field',
  INVALID_JSON: 'the body is not JSON (also an empty body sent as application/json)',
  BAD_REQUEST: 'any other malformed request HTTP itself rejects (a wrong Content-Length, a URL that is not valid percent-encoding)',
  UNAUTHENTICATED: 'no bearer token',
  INVALID_TOKEN: 'a malformed token, a bad signature, the wrong kind of token, or its user was deleted',
  TOKEN_EXPIRED: 'a well-formed token past its `exp`',
  INVALID_CREDENTIALS: 'login failed, whether or not the email exists',
  FORBIDDEN: 'authenticated, but the role or the owner does not match',
  NOT_FOUND: 'no such route',
  USER_NOT_FOUND: 'an unknown, deleted or non-UUID user id',
  PRODUCT_NOT_FOUND: 'an unknown, deleted or non-UUID product id',
  CATEGORY_NOT_FOUND: 'an unknown or non-UUID category id',
  ORDER_NOT_FOUND: "an unknown or non-UUID order id, or another customer's order",
  CART_ITEM_NOT_FOUND: 'the product is not in the cart',
  EMAIL_EXISTS: 'an active user has this email',
  SKU_EXISTS: 'a product (deleted ones too) has this SKU',
  CATEGORY_EXISTS: 'a category has this slug',
  DISCOUNT_CODE_EXISTS: 'a discount code with this code exists',
  INVALID_PRODUCT: 'a cart or an order names a product that does not exist (or was deleted)',
  INVALID_DISCOUNT_CODE: 'an unknown, expired or not yet applicable discount code; the message says which',
  CART_EMPTY: 'placing an order from an empty cart',
  SHIPPING_ADDRESS_REQUIRED: 'placing an order before a shipping address is set',
  OUT_OF_STOCK: 'not enough stock; one `items` detail per short item',
  CARD_DECLINED: "the provider declined the card; a `paymentMethod` detail carries the provider's message",
  PAYMENT_FAILED: 'the provider declined for insufficient funds',
  ORDER_TOTAL_TOO_SMALL:
    "the order's total is below the provider's minimum charge (its `amount_too_small`); a `total` detail carries the provider's message; nothing was charged, the cart is kept",
  PAYMENT_PROVIDER_UNAVAILABLE:
    'the payment provider did not answer (502), or is failing and was not called (503, with Retry-After); the message says that nothing was charged or refunded',
  INVALID_STATUS_TRANSITION: "the order's status does not allow the action; a `status` detail names the transition",
  INVALID_SIGNATURE: "a webhook whose Stripe-Signature does not verify",
  WEBHOOK_EXPIRED: "a webhook whose signed timestamp is older than the shop's tolerance",
  PAYMENT_MISMATCH:
    "a signed payment event whose payment intent, amount or currency is not its order's: refused, recorded, the order untouched (its redeliveries too)",
  REVIEW_NOT_ALLOWED: 'reviewing a product the customer has no delivered order of',
  ALREADY_REVIEWED: 'a second review of the same product by the same customer',
  TOO_MANY_ATTEMPTS: 'login locked for this email; Retry-After says for how long',
  PRECONDITION_FAILED:
    'the If-Match of a product change names a version that no longer holds (an admin changed the product since, or orders moved the stock a stock change sets); nothing was changed, an `If-Match` detail and the ETag header name the current version',
  PRECONDITION_REQUIRED: 'a product change without If-Match: send the ETag the product was read with (or `*`); nothing was changed',
  PAYLOAD_TOO_LARGE: 'a body over 1 MiB',
  UNSUPPORTED_MEDIA_TYPE: 'an /api body that is not application/json (or a +json type); forms and text are for the HTML pages',
  SERVICE_UNAVAILABLE: 'the shop cannot serve the request now: its database is unreachable, or no connection came free in time; nothing was changed, and `Retry-After` says when to try again',
  GRAPHQL_PARSE_FAILED: 'a GraphQL document (POST /graphql) that is not GraphQL: the message and `locations` say where',
  GRAPHQL_VALIDATION_FAILED:
    "a GraphQL document or its variables that the schema refuses (an unknown field, a missing argument, a value of the wrong type, introspection); nothing ran",
  QUERY_TOO_DEEP: 'a GraphQL query nested deeper than the shop allows (`extensions.maxDepth`); nothing ran',
  QUERY_TOO_COMPLEX:
    'a GraphQL query whose estimated cost (fields times list sizes) or size in tokens is over the limit (`extensions.cost`, `maxCost`, `maxTokens`); nothing ran',
  INTERNAL_ERROR: "a bug; the details are in the shop's log, not in the answer",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ErrorCode = Type.Enum(Object.keys(ERROR_CODES) as ErrorCode[], {
  $id: 'ErrorCode',
  title: 'ErrorCode',
  description: Object.entries(ERROR_CODES)
    .map(([code, when]) => `- \`${code}\`: ${when}`)
    .join('\n'),
});

export const ErrorDetail = Type.Object(
  {
    field: Type.String({ description: 'The field: a body property, a query parameter, a header, or `body` for the body as a whole' }),
    message: Type.String({ description: 'A phrase that follows the field name: `must not be empty`, `is required`' }),
  },
  { $id: 'ErrorDetail', title: 'ErrorDetail', ...strict },
);
export type ErrorDetail = Static<typeof ErrorDetail>;

export const ErrorEnvelope = Type.Object(
  {
    error: Type.Object(
      {
        code: ref(ErrorCode),
        message: Type.String({ description: 'Human readable' }),
        details: Type.Optional(Type.Array(ref(ErrorDetail))),
      },
      strict,
    ),
  },
  { $id: 'ErrorEnvelope', title: 'ErrorEnvelope', description: 'The one shape of every error the shop answers', ...strict },
);
export type ErrorEnvelope = Static<typeof ErrorEnvelope>;

/** The error envelope as a route's answer for one status, naming the codes the route gives with that status. */
export const errorResponse = (...codes: ErrorCode[]) =>
  ref(ErrorEnvelope, { description: codes.map((code) => `\`${code}\``).join(', ') });
