import type { FastifyRequest } from 'fastify';

/**
 * The request an action comes from: its id is the correlation id of the events it causes, its log tags lines with it.
 * A module of its own so the services can take it without importing context.ts, which imports them.
 */
export type Origin = Pick<FastifyRequest, 'id' | 'log'>;
