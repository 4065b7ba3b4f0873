import { Category, CategoryList, CategoryParams, errorResponse, Headers, NewCategory, ref, response } from '../../../contracts/http';
import type { ShopContext } from '../context';
import type { ApiApp } from '../server';
import { createCategory, getCategory, listCategories, newCategoryOf } from '../services/categories';
import { accessHooks, BEARER } from './access';
import { BODY_ERRORS, BODY_PARSER_ERRORS, TOKEN_ERRORS } from './responses';

const tags = ['categories'];

/** docs/API.md, "Categories and products". */
export function registerCategoryRoutes(app: ApiApp, context: ShopContext): void {
  const access = accessHooks(context);

  app.get(
    '/api/categories',
    {
      schema: {
        tags,
        operationId: 'listCategories',
        summary: 'Every category, by name',
        response: { 200: response('The categories', ref(CategoryList)) },
      },
    },
    async () => ({ data: await listCategories(context.pool) }),
  );

  app.get(
    '/api/categories/:id',
    {
      schema: {
        tags,
        operationId: 'getCategory',
        summary: 'A category',
        params: CategoryParams,
        response: { 200: response('The category', ref(Category)), 404: errorResponse('CATEGORY_NOT_FOUND') },
      },
    },
    async (request) => getCategory(context.pool, request.params.id),
  );

  app.post(
    '/api/categories',
    {
      preValidation: access.admin,
      schema: {
        tags,
        operationId: 'createCategory',
        summary: 'Create a category (admin)',
        security: BEARER,
        body: ref(NewCategory),
        response: {
          201: response('The new category', ref(Category), Headers.location('/api/categories/<id>')),
          400: errorResponse(...BODY_ERRORS),
          ...TOKEN_ERRORS,
          403: errorResponse('FORBIDDEN'),
          409: errorResponse('CATEGORY_EXISTS'),
          ...BODY_PARSER_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const category = await createCategory(context.pool, newCategoryOf(request.body));
      return reply.code(201).header('location', `/api/categories/${category.id}`).send(category);
    },
  );
}
