import { Credentials, emptyResponse, errorResponse, Headers, RefreshRequest, ref, response, TokenPair, User, withHeaders } from '../../../contracts/http';
import type { ShopContext } from '../context';
import type { ApiApp } from '../server';
import { credentialsOf } from '../services/sessions';
import { accessHooks, BEARER, callerOf } from './access';
import { BODY_ERRORS, BODY_PARSER_ERRORS, TOKEN_ERRORS } from './responses';

const tags = ['auth'];

/** docs/API.md, "Auth". */
export function registerAuthRoutes(app: ApiApp, context: ShopContext): void {
  const access = accessHooks(context);

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags,
        operationId: 'login',
        summary: 'A token pair for an email and password',
        description:
          'After LOGIN_MAX_FAILURES failures for one email (existing or not) its logins answer 429 for LOGIN_LOCK_SECONDS, ' +
          'even with the right password; a success before the limit resets the count.',
        body: ref(Credentials),
        response: {
          200: response('Logged in', ref(TokenPair)),
          400: errorResponse(...BODY_ERRORS),
          401: errorResponse('INVALID_CREDENTIALS'),
          ...BODY_PARSER_ERRORS,
          429: withHeaders(errorResponse('TOO_MANY_ATTEMPTS'), Headers.retryAfter),
        },
      },
    },
    async (request) => (await context.sessions.login(credentialsOf(request.body), request.id)).tokens,
  );

  app.post(
    '/api/auth/refresh',
    {
      schema: {
        tags,
        operationId: 'refreshTokens',
        summary: 'A new token pair for a refresh token',
        body: ref(RefreshRequest),
        response: {
          200: response('A new pair', ref(TokenPair)),
          400: errorResponse(...BODY_ERRORS),
          401: errorResponse('INVALID_TOKEN', 'TOKEN_EXPIRED'),
          ...BODY_PARSER_ERRORS,
        },
      },
    },
    async (request) => context.sessions.refresh(request.body.refreshToken),
  );

  app.post(
    '/api/auth/logout',
    {
      preValidation: access.user,
      schema: {
        tags,
        operationId: 'logout',
        summary: "End every session of the token's user",
        description:
          'Every access and refresh token of the user issued so far (on any device, and the web session) answers ' +
          '401 INVALID_TOKEN from now on; a new login gives new ones. A password change does the same.',
        security: BEARER,
        response: { 204: emptyResponse('Logged out'), ...TOKEN_ERRORS },
      },
    },
    async (request, reply) => {
      await context.auth.revokeTokens(callerOf(request).id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/auth/me',
    {
      preValidation: access.user,
      schema: {
        tags,
        operationId: 'getCurrentUser',
        summary: 'The user the token belongs to',
        security: BEARER,
        response: { 200: response('The current user', ref(User)), ...TOKEN_ERRORS },
      },
    },
    async (request) => callerOf(request),
  );
}
