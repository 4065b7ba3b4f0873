import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { ErrorCode } from '../../../contracts/http';
import { isDatabaseUnavailable } from '../db';
import { AppError, databaseUnavailable, fromFastifyError, fromInfrastructureError } from '../errors';
import { MAX_COST, MAX_DEPTH, MAX_TOKENS } from './limits';

/**
 * GraphQL's error shape with the REST API's codes (docs/API.md, "GraphQL"): every error has `extensions.code`, a code
 * of contracts/http/errors.ts, and `extensions.details` where the REST answer has `details`. A bug is INTERNAL_ERROR
 * with a generic message, logged as the REST handler logs it; no stack or SQL ever reaches the answer.
 */

type Logger = FastifyRequest['log'];

const INTERNAL_MESSAGE = 'Something went wrong';

/** An AppError as its extensions: the code, the details, and Retry-After's seconds (a GraphQL client reads no header). */
function extensionsOf(error: AppError): Record<string, unknown> {
  const retryAfter = error.headers['retry-after'];
  return {
    code: error.code,
    ...(error.details && { details: error.details }),
    ...(retryAfter !== undefined && { retryAfter: Number(retryAfter) }),
  };
}

/** What a thrown error means to a client: the shop's own error, a dependency it cannot reach, or undefined (a bug). */
function knownError(error: unknown, log: Logger): AppError | undefined {
  if (error instanceof AppError) return error;
  if (!(error instanceof Error)) return undefined;
  const known = fromInfrastructureError(error);
  if (known) return known;
  if (isDatabaseUnavailable(error)) {
    log.warn({ err: error.message }, 'the database is unavailable; answered SERVICE_UNAVAILABLE');
    return databaseUnavailable();
  }
  return undefined;
}

function formatted(message: string, code: ErrorCode, source?: GraphQLError, extra: Record<string, unknown> = {}): GraphQLFormattedError {
  return {
    message,
    ...(source?.locations && { locations: source.locations }),
    ...(source?.path && { path: source.path }),
    extensions: { code, ...extra },
  };
}

/** An error of a field that ran: its AppError's code, SERVICE_UNAVAILABLE, or INTERNAL_ERROR (logged). */
function fieldError(error: GraphQLError, log: Logger): GraphQLFormattedError {
  const original = error.originalError;
  // graphql-js's own errors about the request (an argument it could not coerce) carry no original error.
  if (original === undefined) return formatted(error.message, 'GRAPHQL_VALIDATION_FAILED', error);
  const known = knownError(original, log);
  if (known) return { ...formatted(known.message, known.code, error), extensions: extensionsOf(known) };
  log.error({ err: original, path: error.path }, 'unhandled error');
  return formatted(INTERNAL_MESSAGE, 'INTERNAL_ERROR', error);
}

/**
 * Mercurius' errorFormatter, for an operation that was executed: each field error with its code, the data as far as
 * it came, and 200 (GraphQL over HTTP). Without data, or with null data and no field error, the request itself was
 * refused before any field ran (a variable its type does not take, an unknown operation name, a subscription): 400.
 */
export function formatExecutionErrors(execution: ExecutionResult, context: { reply: FastifyReply }) {
  const log = context.reply.log;
  const errors = (execution.errors ?? []).map((error) => fieldError(error, log));
  const anyFieldRan = execution.data !== null || (execution.errors ?? []).some((error) => error.path !== undefined);
  const executed = execution.data !== undefined && anyFieldRan;
  return {
    statusCode: executed ? 200 : 400,
    response: { ...(executed && { data: execution.data }), errors },
  };
}

/** Mercurius' error for a document it refused before running it: the document's errors are in `errors`. */
const isRefusedDocument = (error: unknown): error is { errors: unknown[] } =>
  (error as { code?: unknown }).code === 'MER_ERR_GQL_VALIDATION' && Array.isArray((error as { errors?: unknown }).errors);

/** One reason a document was refused: its syntax, its size, its depth, its cost, or the schema's rules. */
function documentError(error: unknown): GraphQLFormattedError {
  if ((error as { code?: unknown }).code === 'MER_ERR_GQL_QUERY_DEPTH') {
    return formatted(`The query is nested too deeply: at most ${MAX_DEPTH} levels are allowed`, 'QUERY_TOO_DEEP', undefined, { maxDepth: MAX_DEPTH });
  }
  if (!(error instanceof GraphQLError)) {
    // The parser gave up some other way (a document nested past the stack): the document is not one to run.
    return formatted('The query could not be parsed', 'GRAPHQL_PARSE_FAILED');
  }
  if (error.extensions.code === 'QUERY_TOO_COMPLEX') return formatted(error.message, 'QUERY_TOO_COMPLEX', error, { ...error.extensions });
  if (/^Syntax Error: Document contains more th(?:an|at) \d+ tokens/.test(error.message)) {
    return formatted(`The query is too large: at most ${MAX_TOKENS} tokens are allowed`, 'QUERY_TOO_COMPLEX', undefined, { maxTokens: MAX_TOKENS, maxCost: MAX_COST });
  }
  if (error.message.startsWith('Syntax Error')) return formatted(error.message, 'GRAPHQL_PARSE_FAILED', error);
  return formatted(error.message, 'GRAPHQL_VALIDATION_FAILED', error);
}

/**
 * The error handler of POST /graphql, for what is refused before any field runs: a body that is not a GraphQL
 * request (413, 415, INVALID_JSON, VALIDATION_ERROR with details, as the REST routes answer them), or a document
 * that is not valid or over a limit (400). The same GraphQL shape, with no data.
 */
export function answerRequestError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (isRefusedDocument(error)) return reply.code(400).send({ errors: error.errors.map(documentError) });
  const known = knownError(error, request.log) ?? fromFastifyError(error);
  if (known) {
    return reply
      .code(known.statusCode)
      .headers(known.headers)
      .send({ errors: [{ message: known.message, extensions: extensionsOf(known) }] });
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply.code(500).send({ errors: [formatted(INTERNAL_MESSAGE, 'INTERNAL_ERROR')] });
}
