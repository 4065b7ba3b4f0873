import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ShopContext } from './context';
import { installErrorHandlers } from './errors';
import { registerAuthRoutes } from './routes/auth';
import { registerCartRoutes } from './routes/cart';
import { registerCategoryRoutes } from './routes/categories';
import { registerDiscountRoutes } from './routes/discounts';
import { registerOrderRoutes } from './routes/orders';
import { registerProductRoutes } from './routes/products';
import { registerReviewRoutes } from './routes/reviews';
import { registerUserRoutes } from './routes/users';
import { registerWebhookRoutes } from './routes/webhooks';
import { isUuid } from './validation';
import { registerWebRoutes, renderNotFoundPage } from './web/routes';

const CORRELATION_HEADER = 'x-correlation-id';

/**
 * The request id is the correlation id: the caller's X-Correlation-Id when it is a UUID (the event contract
 * requires one), else a new UUID. It tags the request's log lines, is echoed back and goes into its events.
 */
function correlationIdOf(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given && isUuid(given.trim()) ? given.trim() : randomUUID();
}

export function buildServer(context: ShopContext): FastifyInstance {
  const app = Fastify({
    logger: { level: context.config.logLevel },
    requestIdHeader: false,
    genReqId: (request) => correlationIdOf(request.headers[CORRELATION_HEADER]),
  });

  app.register(fastifyCookie);
  app.register(fastifyFormbody);
  app.addHook('onRequest', async (request, reply) => {
    reply.header(CORRELATION_HEADER, request.id);
  });
  installErrorHandlers(app, renderNotFoundPage);

  app.get('/health', async () => ({ status: 'ok' }));
  registerUserRoutes(app, context);
  registerAuthRoutes(app, context);
  registerCategoryRoutes(app, context);
  registerProductRoutes(app, context);
  registerReviewRoutes(app, context);
  registerDiscountRoutes(app, context);
  registerCartRoutes(app, context);
  registerOrderRoutes(app, context);
  registerWebhookRoutes(app, context);
  registerWebRoutes(app, context);
  return app;
}
