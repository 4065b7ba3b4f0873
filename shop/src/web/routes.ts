import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ShopContext } from '../context';
import { AppError } from '../errors';
import { listCategories } from '../services/categories';
import { listProducts, parseProductQuery } from '../services/productListing';
import { getProduct } from '../services/products';
import { parseCredentials } from '../services/sessions';
import { parseRegistration, registerUser } from '../services/users';
import { accountPage, catalogPage, loginPage, notFoundPage, productPage, registerPage, type CatalogFilters } from './pages';
import { endSession, sessionUser, startSession } from './session';

const CATALOG_PAGE_SIZE = 12;

const FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  email: 'Email',
  password: 'Password',
  q: 'Search',
  category: 'Category',
  minPrice: 'Min price',
  maxPrice: 'Max price',
  sort: 'Sort by',
  page: 'Page',
};

/** The messages an alert lists: one per bad field ("Password must contain a digit"), else the error's own. */
function alertMessages(error: AppError): string[] {
  if (!error.details) return [error.message];
  return error.details.map((issue) => `${FIELD_LABELS[issue.field] ?? issue.field} ${issue.message}`);
}

function sendPage(reply: FastifyReply, statusCode: number, page: string): FastifyReply {
  return reply.code(statusCode).type('text/html; charset=utf-8').send(page);
}

/** Runs `work`; a client error (AppError) is rendered by `renderError` instead of the JSON envelope. */
async function orRenderError(
  reply: FastifyReply,
  work: () => Promise<FastifyReply>,
  renderError: (error: AppError) => string,
): Promise<FastifyReply> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return sendPage(reply.headers(error.headers), error.statusCode, renderError(error));
  }
}

function formValues(body: unknown): Record<string, string | undefined> {
  return typeof body === 'object' && body !== null ? (body as Record<string, string | undefined>) : {};
}

function catalogFilters(query: Record<string, unknown>): CatalogFilters {
  const text = (field: string) => (typeof query[field] === 'string' ? (query[field] as string) : undefined);
  return { q: text('q'), category: text('category'), minPrice: text('minPrice'), maxPrice: text('maxPrice'), sort: text('sort') };
}

export function renderNotFoundPage(_request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendPage(reply, 404, notFoundPage(undefined, 'Page not found'));
}

/** The server-rendered pages (docs/API.md, "Web pages"). */
export function registerWebRoutes(app: FastifyInstance, { pool, auth, sessions, config }: ShopContext): void {
  app.get('/', (_request, reply) => reply.redirect('/products'));

  app.get('/products', async (request, reply) => {
    const user = await sessionUser(request, auth);
    // The catalog always shows 12 a page; pageSize is the API's.
    const { pageSize: _pageSize, ...query } = request.query as Record<string, unknown>;
    const view = { user, filters: catalogFilters(query), categories: await listCategories(pool), errors: [] };
    return orRenderError(
      reply,
      async () => {
        const result = await listProducts(pool, parseProductQuery(query), {
          basePath: '/products',
          defaultPageSize: CATALOG_PAGE_SIZE,
        });
        return sendPage(reply, 200, catalogPage({ ...view, result }));
      },
      (error) => catalogPage({ ...view, errors: alertMessages(error) }),
    );
  });

  app.get<{ Params: { id: string } }>('/products/:id', async (request, reply) => {
    const user = await sessionUser(request, auth);
    return orRenderError(
      reply,
      async () => sendPage(reply, 200, productPage(user, await getProduct(pool, request.params.id))),
      () => notFoundPage(user, 'Product not found'),
    );
  });

  app.get('/register', async (request, reply) =>
    sendPage(reply, 200, registerPage({ user: await sessionUser(request, auth), errors: [] })),
  );

  app.post('/register', async (request, reply) => {
    const form = formValues(request.body);
    return orRenderError(
      reply,
      async () => {
        const user = await registerUser(pool, parseRegistration(form), request.id);
        startSession(reply, auth.tokens.issue(user, 'access'), config.accessTokenTtlSeconds);
        return reply.redirect('/account', 303);
      },
      (error) => registerPage({ name: form.name, email: form.email, errors: alertMessages(error) }),
    );
  });

  app.get('/login', async (request, reply) =>
    sendPage(reply, 200, loginPage({ user: await sessionUser(request, auth), errors: [] })),
  );

  app.post('/login', async (request, reply) => {
    const form = formValues(request.body);
    return orRenderError(
      reply,
      async () => {
        const { tokens } = await sessions.login(parseCredentials(form));
        startSession(reply, tokens.accessToken, config.accessTokenTtlSeconds);
        return reply.redirect('/account', 303);
      },
      (error) => loginPage({ email: form.email, errors: alertMessages(error) }),
    );
  });

  app.get('/account', async (request, reply) => {
    const user = await sessionUser(request, auth);
    if (!user) return reply.redirect('/login', 303);
    return sendPage(reply, 200, accountPage(user));
  });

  app.post('/logout', async (_request, reply) => {
    endSession(reply);
    return reply.redirect('/login', 303);
  });
}
