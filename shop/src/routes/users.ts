import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { emptyResponse, errorResponse, Headers, NewUser, ref, response, User, UserChanges, UserParams } from '../../../contracts/http';
import type { ShopContext } from '../context';
import type { ApiApp } from '../server';
import { deleteUser, getUser, registerUser, registrationOf, updateUser, userChangesOf, type User as ShopUser } from '../services/users';
import { userActor, type Attribution } from '../services/auditLog';
import { accessHooks, BEARER, callerOf } from './access';
import { BODY_ERRORS, BODY_PARSER_ERRORS, TOKEN_ERRORS } from './responses';

const etagOf = (user: ShopUser): string => `"${createHash('sha1').update(JSON.stringify(user)).digest('base64url')}"`;

/** If-None-Match matches when it lists this ETag (weak or strong) or is `*`. */
function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

const CACHE_CONTROL = 'private, max-age=60';

/** The caller (the user themself, or an admin) acts, under the request's correlation id. */
const attribution = (request: FastifyRequest): Attribution => ({ actor: userActor(callerOf(request).id), correlationId: request.id });
const tags = ['users'];

/** docs/API.md, "Users". */
export function registerUserRoutes(app: ApiApp, context: ShopContext): void {
  const access = accessHooks(context);
  const selfOrAdmin = {
    401: TOKEN_ERRORS[401],
    403: errorResponse('FORBIDDEN'),
    404: errorResponse('USER_NOT_FOUND'),
  };

  app.post(
    '/api/users',
    {
      schema: {
        tags,
        operationId: 'registerUser',
        summary: 'Register a customer',
        description: 'Publishes users.registered (the welcome mail follows from it).',
        body: ref(NewUser),
        response: {
          201: response('The new customer', ref(User), Headers.location('/api/users/<id>')),
          400: errorResponse(...BODY_ERRORS),
          409: errorResponse('EMAIL_EXISTS'),
          ...BODY_PARSER_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const user = await registerUser(context.pool, registrationOf(request.body), request.id);
      return reply.code(201).header('location', `/api/users/${user.id}`).send(user);
    },
  );

  app.get(
    '/api/users/:id',
    {
      preValidation: access.selfOrAdmin,
      schema: {
        tags,
        operationId: 'getUser',
        summary: 'A user: themself, or any for an admin',
        description: 'A customer asking for another id gets 403 whether or not it exists, so ids cannot be probed.',
        security: BEARER,
        params: UserParams,
        response: {
          200: response('The user', ref(User), { ...Headers.cacheControl(CACHE_CONTROL), ...Headers.etag }),
          304: emptyResponse('If-None-Match named the current ETag', { ...Headers.cacheControl(CACHE_CONTROL), ...Headers.etag }),
          ...selfOrAdmin,
        },
      },
    },
    async (request, reply) => {
      const user = await getUser(context.pool, request.params.id);
      const etag = etagOf(user);
      reply.header('cache-control', CACHE_CONTROL).header('etag', etag);
      if (matchesEtag(request.headers['if-none-match'], etag)) return reply.code(304).send();
      return user;
    },
  );

  app.patch(
    '/api/users/:id',
    {
      preValidation: access.selfOrAdmin,
      schema: {
        tags,
        operationId: 'updateUser',
        summary: 'Change a name, email or password',
        description:
          'Publishes users.updated (the changed field names; a password only by name) when a value changed, and records ' +
          'the change in the audit log; a field sent with its current value changes nothing.',
        security: BEARER,
        params: UserParams,
        body: ref(UserChanges),
        response: {
          200: response('The user as changed', ref(User)),
          400: errorResponse(...BODY_ERRORS),
          ...selfOrAdmin,
          409: errorResponse('EMAIL_EXISTS'),
          ...BODY_PARSER_ERRORS,
        },
      },
    },
    async (request) => updateUser(context.pool, request.params.id, userChangesOf(request.body), attribution(request)),
  );

  app.delete(
    '/api/users/:id',
    {
      preValidation: access.selfOrAdmin,
      schema: {
        tags,
        operationId: 'deleteUser',
        summary: 'Delete a user',
        description:
          'A soft delete: the user can no longer log in, the email may be registered again, their orders are archived. ' +
          'Publishes users.deleted.',
        security: BEARER,
        params: UserParams,
        response: { 204: emptyResponse('Deleted'), ...selfOrAdmin },
      },
    },
    async (request, reply) => {
      await deleteUser(context.pool, request.params.id, attribution(request));
      return reply.code(204).send();
    },
  );
}
