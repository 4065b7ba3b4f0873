import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import { Health, ref, response } from '../../contracts/http';
import type { ShopContext } from './context';
import { crossSiteRequest, frameworkErrorAnswer, installErrorHandlers, shuttingDown, unsupportedMediaType } from './errors';
import { registerGraphql } from './graphql';
import { registerOpenApi } from './openapi';
import { requestValidatorCompiler } from './requestValidation';
import { registerAuditRoutes } from './routes/audit';
import { registerAuthRoutes } from './routes/auth';
import { registerCartRoutes } from './routes/cart';
import { registerCategoryRoutes } from './routes/categories';
import { registerDiscountRoutes } from './routes/discounts';
import { registerOrderRoutes } from './routes/orders';
import { registerProductRoutes } from './routes/products';
import { declareMalformedRequest, declareServiceUnavailable } from './routes/responses';
import { registerReviewRoutes } from './routes/reviews';
import { registerUserRoutes } from './routes/users';
import { registerWebhookRoutes } from './routes/webhooks';
import { isUuid } from './validation';
import { STYLE_HASH_SOURCE } from './web/layout';
import { registerWebRoutes, renderErrorPage, renderNotFoundPage } from './web/routes';
import { hasSessionCookie } from './web/session';

const CORRELATION_HEADER = 'x-correlation-id';

/** The app as the API routes see it: request parts typed from their TypeBox schemas (contracts/http). */
export type ApiApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/**
 * The request id is the correlation id: the caller's X-Correlation-Id when it is a UUID (the event contract
 * requires one), else a new UUID. It tags the request's log lines, is echoed back and goes into its events.
 */
function correlationIdOf(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given && isUuid(given.trim()) ? given.trim() : randomUUID();
}

/** The JSON routes; everything else is a server-rendered page (shop/src/web), outside the HTTP contract. */
const isJsonRoute = (url: string): boolean => url.startsWith('/api/') || url === '/health' || url === '/openapi.json';

/** application/json, or a type with a +json suffix (application/merge-patch+json), with or without parameters. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * The JSON API reads JSON bodies only. The pages' forms need the form parser, which would otherwise hand an API
 * route a form as an object to judge like JSON (a form-encoded registration was accepted): any other body type is
 * a 415 on an /api/ route. The webhook route takes the provider's raw bytes (routes/webhooks.ts).
 */
async function refuseNonJsonBodies(request: { url: string; body: unknown; headers: Record<string, unknown> }): Promise<void> {
  if (request.body === undefined || !request.url.startsWith('/api/') || request.url.startsWith('/api/webhooks/')) return;
  const type = request.headers['content-type'];
  if (typeof type !== 'string' || !JSON_MEDIA_TYPE.test(type)) throw unsupportedMediaType();
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF: the pages' forms act with the session cookie, so a form another site posts to the shop must not act.
 * Browsers send Origin on every cross-site POST (Referer where an old one does not): a form submission whose
 * Origin, or else Referer, names another origin than the shop's (PUBLIC_URL, or the Host it was reached at) is a
 * 403 and does nothing. A request with neither comes from no browser page, so it cannot carry a victim's cookie
 * on another site's behalf. SameSite=Lax on the cookie stays as a second line. The /api routes take bearer
 * tokens, which a browser never adds by itself.
 */
function refuseCrossSiteForms(publicUrl: string | undefined) {
  const publicOrigin = publicUrl ? new URL(publicUrl).origin : undefined;
  return async (request: { method: string; url: string; protocol: string; headers: Record<string, string | string[] | undefined> }) => {
    if (!UNSAFE_METHODS.has(request.method) || request.url.startsWith('/api/')) return;
    const claimed = request.headers.origin ?? request.headers.referer;
    if (typeof claimed !== 'string') return;
    let origin: string;
    try {
      origin = new URL(claimed).origin;
    } catch {
      throw crossSiteRequest();
    }
    const own = new Set([publicOrigin, `${request.protocol}://${String(request.headers.host)}`]);
    if (!own.has(origin)) throw crossSiteRequest();
  };
}

/** A JSON route declares its contract: the document's tag and every status it answers, with their bodies. */
function requireContract(route: { url: string; method: string | string[]; schema?: { tags?: unknown; response?: unknown } }): void {
  if (!isJsonRoute(route.url) || route.method === 'HEAD') return;
  if (!route.schema?.tags || !route.schema.response) {
    throw new Error(`${String(route.method)} ${route.url} is a JSON route: declare its tags and response schemas`);
  }
}

/**
 * Builds the shop's HTTP server. Routes read the context only when a request comes, so the server can be built
 * without a database or a broker (shop/scripts/openapi.ts does, to write the OpenAPI document).
 */
export function buildServer(context: ShopContext): FastifyInstance {
  const app = Fastify({
    logger: { level: context.config.logLevel },
    requestIdHeader: false,
    genReqId: (request) => correlationIdOf(request.headers[CORRELATION_HEADER]),
    // A path parameter of any length reaches its route, which answers it like any other unknown id (a 404 with
    // the route's code); Fastify's default of 100 answered a longer one 414 in its own shape (found by
    // Schemathesis). Node's limit on the request line (16 KiB, with the headers) still comes first.
    routerOptions: { maxParamLength: 16_384 },
    frameworkErrors: frameworkErrorAnswer(renderErrorPage, CORRELATION_HEADER),
    // Fastify's own 503 while closing is not the error envelope; the onRequest hook below answers it instead.
    return503OnClosing: false,
  });

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async () => {
    if (closing) throw shuttingDown();
  });

  // Requests are validated against the route schemas (requestValidation.ts). Responses are not: the serializer is
  // plain JSON.stringify, so a response schema never filters, coerces or rejects what a route sends. The response
  // schemas document the contract, and the suite checks the shop's answers against it.
  app.setValidatorCompiler(requestValidatorCompiler);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.addHook('onRoute', requireContract);
  app.addHook('onRoute', declareServiceUnavailable);
  app.addHook('onRoute', declareMalformedRequest);

  // Security headers on every answer. The pages run no script and have one style sheet (allowed by its hash),
  // so the policy forbids everything else: an injected script, style, frame or form target does nothing.
  app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: [STYLE_HASH_SOURCE],
        imgSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    // HSTS only where the shop is reached over HTTPS (PUBLIC_URL); on plain HTTP it would mean nothing.
    strictTransportSecurity: context.config.publicUrl?.startsWith('https:') ? { maxAge: 15_552_000 } : false,
    referrerPolicy: { policy: 'same-origin' },
    frameguard: { action: 'deny' },
  });
  app.register(fastifyCookie);
  app.register(fastifyFormbody);
  // An answer to a request that carries credentials (a bearer token or the session cookie) is private: never
  // stored, unless its route chose its own caching (a user's ETag revalidation, the catalog listing's).
  app.addHook('onSend', async (request, reply) => {
    if (reply.hasHeader('cache-control')) return;
    if (request.headers.authorization !== undefined || hasSessionCookie(request)) reply.header('cache-control', 'no-store');
  });
  app.addHook('preValidation', refuseNonJsonBodies);
  app.addHook('onRequest', refuseCrossSiteForms(context.config.publicUrl));
  app.addHook('onRequest', async (request, reply) => {
    reply.header(CORRELATION_HEADER, request.id);
  });
  installErrorHandlers(app, renderNotFoundPage, renderErrorPage);
  registerOpenApi(app);

  app.register(async (scope) => {
    const api: ApiApp = scope.withTypeProvider<TypeBoxTypeProvider>();
    api.get(
      '/health',
      {
        schema: {
          tags: ['service'],
          operationId: 'getHealth',
          summary: 'Whether the shop and its dependencies are up',
          description:
            'Answers once migrations, seeds, topics, the relay and the consumers are ready, then probes Postgres, ' +
            "Kafka and SMTP (each within a second) and says which is down, how the payment provider's circuit stands, " +
            'and whether the catalog cache answers (which never makes it degraded).',
          response: {
            200: response('Every dependency is up', ref(Health)),
            503: response('A dependency is down: `status` is `degraded` and `dependencies` names it', ref(Health)),
          },
        },
      },
      async (_request, reply) => {
        const [health, cacheState] = await Promise.all([context.health.check(), context.catalog.cacheState()]);
        const paymentProvider = { breaker: context.payments.policy.state };
        const cache = { state: cacheState };
        return reply.code(health.status === 'ok' ? 200 : 503).send({ ...health, paymentProvider, cache });
      },
    );
    registerUserRoutes(api, context);
    registerAuthRoutes(api, context);
    registerCategoryRoutes(api, context);
    registerProductRoutes(api, context);
    registerReviewRoutes(api, context);
    registerDiscountRoutes(api, context);
    registerCartRoutes(api, context);
    registerOrderRoutes(api, context);
    registerWebhookRoutes(api, context);
    registerAuditRoutes(api, context);
    registerWebRoutes(scope, context);
  });
  registerGraphql(app, context);
  return app;
}
