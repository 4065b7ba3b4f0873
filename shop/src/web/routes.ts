import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ShopContext } from '../context';
import type { AppError } from '../errors';
import { listCategories } from '../services/categories';
import { Credentials, NewReview, NewUser, ProductQuery } from '../../../contracts/http';
import { validated } from '../requestValidation';
import { productQueryOf } from '../services/productListing';
import { createReview, reviewOf } from '../services/reviews';
import { credentialsOf } from '../services/sessions';
import { registerUser, registrationOf } from '../services/users';
import { registerAdminRoutes } from './adminRoutes';
import {
  accountPage,
  catalogPage,
  errorPage,
  loginPage,
  notFoundPage,
  registerPage,
  type CatalogFilters,
} from './pages';
import { renderProductPage } from './productView';
import { alertMessages, formInteger, formValues, orRenderError, sendPage, type FieldLabels } from './respond';
import { endSession, sessionUser, startSession } from './session';
import { registerShopRoutes } from './shopRoutes';

const CATALOG_PAGE_SIZE = 12;

const FIELD_LABELS: FieldLabels = {
  name: 'Name',
  email: 'Email',
  password: 'Password',
  q: 'Search',
  category: 'Category',
  minPrice: 'Min price',
  maxPrice: 'Max price',
  sort: 'Sort by',
  page: 'Page',
  rating: 'Rating',
  comment: 'Review',
};

function catalogFilters(query: Record<string, unknown>): CatalogFilters {
  const text = (field: string) => (typeof query[field] === 'string' ? (query[field] as string) : undefined);
  return { q: text('q'), category: text('category'), minPrice: text('minPrice'), maxPrice: text('maxPrice'), sort: text('sort') };
}

export function renderNotFoundPage(_request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendPage(reply, 404, notFoundPage(undefined, 'Page not found'));
}

/** Any error a browser's request ends in outside a form's own handling: its status, a heading and its message. */
export function renderErrorPage(reply: FastifyReply, error: AppError): FastifyReply {
  return sendPage(reply, error.statusCode, errorPage(error.statusCode, error.message));
}

/** The server-rendered pages (docs/API.md, "Web pages" and "Web pages added"). */
export function registerWebRoutes(app: FastifyInstance, context: ShopContext): void {
  const { pool, auth, sessions, config } = context;

  app.get('/', (_request, reply) => reply.redirect('/products'));

  app.get('/products', async (request, reply) => {
    const user = await sessionUser(request, auth);
    // The catalog always shows 12 a page; pageSize is the API's.
    const { pageSize: _pageSize, ...query } = request.query as Record<string, unknown>;
    const view = { user, filters: catalogFilters(query), categories: await listCategories(pool), errors: [] };
    return orRenderError(
      reply,
      async () => {
        const { value: result } = await context.catalog.listing(productQueryOf(validated(ProductQuery, query, 'querystring')), {
          basePath: '/products',
          defaultPageSize: CATALOG_PAGE_SIZE,
        });
        return sendPage(reply, 200, catalogPage({ ...view, result }));
      },
      (error) => catalogPage({ ...view, errors: alertMessages(error, FIELD_LABELS) }),
    );
  });

  app.get<{ Params: { id: string } }>('/products/:id', async (request, reply) => {
    const user = await sessionUser(request, auth);
    return orRenderError(
      reply,
      async () => sendPage(reply, 200, await renderProductPage(pool, user, request.params.id)),
      () => notFoundPage(user, 'Product not found'),
    );
  });

  app.post<{ Params: { id: string } }>('/products/:id/reviews', async (request, reply) => {
    const user = await sessionUser(request, auth);
    if (!user) return reply.redirect('/login', 303);
    const form = formValues(request.body);
    const productId = request.params.id;
    return orRenderError(
      reply,
      async () => {
        await createReview(pool, user, productId, reviewOf(validated(NewReview, { rating: formInteger(form.rating), comment: form.comment })));
        return reply.redirect(`/products/${productId}`, 303);
      },
      (error) => renderProductPage(pool, user, productId, { errors: alertMessages(error, FIELD_LABELS), form }),
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
        const user = await registerUser(pool, registrationOf(validated(NewUser, form)), request.id);
        // A new user's token version is the column's default, 0.
        startSession(reply, auth.tokens.issue(user, 0, 'access'), config.accessTokenTtlSeconds, config.publicUrl);
        return reply.redirect('/account', 303);
      },
      (error) => registerPage({ name: form.name, email: form.email, errors: alertMessages(error, FIELD_LABELS) }),
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
        const { tokens } = await sessions.login(credentialsOf(validated(Credentials, form)), request.id);
        startSession(reply, tokens.accessToken, config.accessTokenTtlSeconds, config.publicUrl);
        return reply.redirect('/account', 303);
      },
      (error) => loginPage({ email: form.email, errors: alertMessages(error, FIELD_LABELS) }),
    );
  });

  app.get('/account', async (request, reply) => {
    const user = await sessionUser(request, auth);
    if (!user) return reply.redirect('/login', 303);
    return sendPage(reply, 200, accountPage(user));
  });

  app.post('/logout', async (request, reply) => {
    // Revoked, not only forgotten by this browser: a copy of the cookie no longer works either.
    const user = await sessionUser(request, auth);
    if (user) await auth.revokeTokens(user.id);
    endSession(reply);
    return reply.redirect('/login', 303);
  });

  registerShopRoutes(app, context);
  registerAdminRoutes(app, context);
}
