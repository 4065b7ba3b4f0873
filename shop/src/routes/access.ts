import type { FastifyRequest } from 'fastify';
import type { ShopContext } from '../context';
import type { User } from '../services/users';

const callers = new WeakMap<FastifyRequest, User>();

/**
 * Who may call a route, as a preValidation hook: the token is checked before the route's schema validates the
 * request, so a caller without the right gets its 401 or 403 whatever the body holds. The context is read when a
 * request comes, never when the route is declared (the OpenAPI script declares routes without a shop behind them).
 */
export function accessHooks(context: Pick<ShopContext, 'auth'>) {
  const remember = (request: FastifyRequest, user: User) => {
    callers.set(request, user);
  };
  return {
    /** Any signed-in user (a customer or an admin). */
    user: async (request: FastifyRequest) => remember(request, await context.auth.requireUser(request)),
    admin: async (request: FastifyRequest) => remember(request, await context.auth.requireAdmin(request)),
    /** The user the `:id` names, or an admin. */
    selfOrAdmin: async (request: FastifyRequest) =>
      remember(request, await context.auth.requireSelfOrAdmin(request, (request.params as { id: string }).id)),
  };
}

/** The user an access hook let through. */
export function callerOf(request: FastifyRequest): User {
  const user = callers.get(request);
  if (!user) throw new Error(`${request.method} ${request.routeOptions.url} reads its caller but declares no access hook`);
  return user;
}

/** The OpenAPI security requirement of a route that takes a bearer token. */
export const BEARER = [{ bearerAuth: [] }];
