import {
  emptyResponse,
  errorResponse,
  Headers,
  NewProduct,
  Product,
  ProductChanges,
  ProductPage,
  ProductParams,
  ProductQuery,
  ref,
  response,
} from '../../../contracts/http';
import type { ShopContext } from '../context';
import type { ApiApp } from '../server';
import { listProducts, productQueryOf } from '../services/productListing';
import { createProduct, deleteProduct, getProduct, newProductOf, productChangesOf, updateProduct } from '../services/products';
import { accessHooks, BEARER } from './access';
import { BODY_ERRORS, BODY_PARSER_ERRORS, TOKEN_ERRORS } from './responses';

const API_PAGE_SIZE = 20;
const LISTING_CACHE_CONTROL = 'public, max-age=30';
const tags = ['products'];

/** docs/API.md, "Categories and products" and "Listing". */
export function registerProductRoutes(app: ApiApp, context: ShopContext): void {
  const access = accessHooks(context);
  const adminOnly = { ...TOKEN_ERRORS, 403: errorResponse('FORBIDDEN') };

  app.get(
    '/api/products',
    {
      schema: {
        tags,
        operationId: 'listProducts',
        summary: 'A page of the catalog, filtered and sorted',
        querystring: ProductQuery,
        response: {
          200: response('The page', ref(ProductPage), Headers.cacheControl(LISTING_CACHE_CONTROL)),
          400: errorResponse('VALIDATION_ERROR'),
        },
      },
    },
    async (request, reply) => {
      const page = await listProducts(context.pool, productQueryOf(request.query), {
        basePath: '/api/products',
        defaultPageSize: API_PAGE_SIZE,
      });
      return reply.header('cache-control', LISTING_CACHE_CONTROL).send(page);
    },
  );

  app.get(
    '/api/products/:id',
    {
      schema: {
        tags,
        operationId: 'getProduct',
        summary: 'A product',
        params: ProductParams,
        response: { 200: response('The product', ref(Product)), 404: errorResponse('PRODUCT_NOT_FOUND') },
      },
    },
    async (request) => getProduct(context.pool, request.params.id),
  );

  app.post(
    '/api/products',
    {
      preValidation: access.admin,
      schema: {
        tags,
        operationId: 'createProduct',
        summary: 'Create a product (admin)',
        security: BEARER,
        body: ref(NewProduct),
        response: {
          201: response('The new product', ref(Product), Headers.location('/api/products/<id>')),
          400: errorResponse(...BODY_ERRORS),
          ...adminOnly,
          409: errorResponse('SKU_EXISTS'),
          ...BODY_PARSER_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const product = await createProduct(context.pool, await newProductOf(context.pool, request.body));
      return reply.code(201).header('location', `/api/products/${product.id}`).send(product);
    },
  );

  app.patch(
    '/api/products/:id',
    {
      preValidation: access.admin,
      schema: {
        tags,
        operationId: 'updateProduct',
        summary: 'Change any of the fields of a product (admin)',
        security: BEARER,
        params: ProductParams,
        body: ref(ProductChanges),
        response: {
          200: response('The product as changed', ref(Product)),
          400: errorResponse(...BODY_ERRORS),
          ...adminOnly,
          404: errorResponse('PRODUCT_NOT_FOUND'),
          409: errorResponse('SKU_EXISTS'),
          ...BODY_PARSER_ERRORS,
        },
      },
    },
    async (request) => updateProduct(context.pool, request.params.id, await productChangesOf(context.pool, request.body)),
  );

  app.delete(
    '/api/products/:id',
    {
      preValidation: access.admin,
      schema: {
        tags,
        operationId: 'deleteProduct',
        summary: 'Delete a product (admin)',
        description: 'A soft delete: the product keeps its SKU, which stays taken.',
        security: BEARER,
        params: ProductParams,
        response: { 204: emptyResponse('Deleted'), ...adminOnly, 404: errorResponse('PRODUCT_NOT_FOUND') },
      },
    },
    async (request, reply) => {
      await deleteProduct(context.pool, request.params.id);
      return reply.code(204).send();
    },
  );
}
