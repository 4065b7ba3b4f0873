import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ShopContext } from '../context';
import { deleteUser, getUser, parseRegistration, parseUserChanges, registerUser, updateUser, type User } from '../services/users';

type ById = { Params: { id: string } };

const etagOf = (user: User): string => `"${createHash('sha1').update(JSON.stringify(user)).digest('base64url')}"`;

/** If-None-Match matches when it lists this ETag (weak or strong) or is `*`. */
function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

export function registerUserRoutes(app: FastifyInstance, { pool, auth }: ShopContext): void {
  app.post('/api/users', async (request, reply) => {
    const user = await registerUser(pool, parseRegistration(request.body), request.id);
    return reply.code(201).header('location', `/api/users/${user.id}`).send(user);
  });

  app.get<ById>('/api/users/:id', async (request, reply) => {
    await auth.requireSelfOrAdmin(request, request.params.id);
    const user = await getUser(pool, request.params.id);
    const etag = etagOf(user);
    reply.header('cache-control', 'private, max-age=60').header('etag', etag);
    if (matchesEtag(request.headers['if-none-match'], etag)) return reply.code(304).send();
    return user;
  });

  app.patch<ById>('/api/users/:id', async (request) => {
    await auth.requireSelfOrAdmin(request, request.params.id);
    return updateUser(pool, request.params.id, parseUserChanges(request.body));
  });

  app.delete<ById>('/api/users/:id', async (request, reply) => {
    await auth.requireSelfOrAdmin(request, request.params.id);
    await deleteUser(pool, request.params.id);
    return reply.code(204).send();
  });
}
