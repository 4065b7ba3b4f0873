import { errorResponse } from '../../../contracts/http';

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
