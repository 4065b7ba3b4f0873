import {
  emptyResponse,
  errorResponse,
  Headers,
  NewProduct,
  Product,
  ProductChanges,
  ProductEtag,
  ProductPage,
  ProductParams,
  ProductQuery,
  ProductWriteHeaders,
  ref,
  response,
  withHeaders,
} from '../../../contracts/http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Cached } from '../cache';
import type { ShopContext } from '../context';
import { etagOf, preconditionOf } from '../preconditions';
import type { ApiApp } from '../server';
import { productQueryOf } from '../services/productListing';
import { userActor } from '../services/auditLog';
import { createAuditedProduct, deleteAuditedProduct, updateAuditedProduct } from '../services/productAudit';
import { newProductOf, productChangesOf } from '../services/products';
import { accessHooks, BEARER, callerOf } from './access';
import { BODY_ERRORS, BODY_PARSER_ERRORS, TOKEN_ERRORS } from './responses';

const API_PAGE_SIZE = 20;
const LISTING_CACHE_CONTROL = 'public, max-age=30';
const tags = ['products'];

/** The admin's change, audited under the request's correlation id. */
const byAdmin = (request: FastifyRequest) => ({ actor: userActor(callerOf(request).id), correlationId: request.id });

/** docs/API.md, "Caching": X-Cache says where the answer came from; a stale one says how old it is. */
function withCacheHeaders(reply: FastifyReply, cached: Cached<unknown>): FastifyReply {
  reply.header('x-cache', cached.outcome);
  if (cached.ageSeconds !== undefined) reply.header('age', String(cached.ageSeconds));
  return reply;
}

/** docs/API.md, "Categories and products" and "Listing". */
export function registerProductRoutes(app: ApiApp, context: ShopContext): void {
  const access = accessHooks(context);
  const adminOnly = { ...TOKEN_ERRORS, 403: errorResponse('FORBIDDEN') };
  // docs/API.md, "Product versions": a change names the version it was made against.
  const conditional = {
    412: withHeaders(errorResponse('PRECONDITION_FAILED'), ProductEtag),
    428: errorResponse('PRECONDITION_REQUIRED'),
  };

  app.get(
    '/api/products',
    {
      schema: {
        tags,
        operationId: 'listProducts',
        summary: 'A page of the catalog, filtered and sorted',
        querystring: ProductQuery,
        response: {
          200: response('The page', ref(ProductPage), { ...Headers.cacheControl(LISTING_CACHE_CONTROL), ...Headers.cache }),
          400: errorResponse('VALIDATION_ERROR'),
        },
      },
    },
    async (request, reply) => {
      const page = await context.catalog.listing(productQueryOf(request.query), {
        basePath: '/api/products',
        defaultPageSize: API_PAGE_SIZE,
      });
      return withCacheHeaders(reply, page).header('cache-control', LISTING_CACHE_CONTROL).send(page.value);
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
        response: {
          200: response('The product; its ETag is its version', ref(Product), { ...ProductEtag, ...Headers.cache }),
          404: errorResponse('PRODUCT_NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      const product = await context.catalog.product(request.params.id);
      return withCacheHeaders(reply, product).header('etag', etagOf(product.value.version)).send(product.value);
    },
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
      const fields = await newProductOf(context.pool, request.body);
      const product = await createAuditedProduct(context.pool, fields, byAdmin(request));
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
        summary: 'Change any of the fields of a product (admin), against the version read',
        security: BEARER,
        params: ProductParams,
        headers: ProductWriteHeaders,
        body: ref(ProductChanges),
        response: {
          200: response('The product as changed, with its new ETag', ref(Product), ProductEtag),
          400: errorResponse(...BODY_ERRORS),
          ...adminOnly,
          404: errorResponse('PRODUCT_NOT_FOUND'),
          409: errorResponse('SKU_EXISTS'),
          ...conditional,
          ...BODY_PARSER_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const changes = await productChangesOf(context.pool, request.body);
      const precondition = preconditionOf(request.headers['if-match']);
      const product = await updateAuditedProduct(context.pool, request.params.id, changes, precondition, byAdmin(request));
      return reply.header('etag', etagOf(product.version)).send(product);
    },
  );

  app.delete(
    '/api/products/:id',
    {
      preValidation: access.admin,
      schema: {
        tags,
        operationId: 'deleteProduct',
        summary: 'Delete a product (admin), against the version read',
        description: 'A soft delete: the product keeps its SKU, which stays taken.',
        security: BEARER,
        params: ProductParams,
        headers: ProductWriteHeaders,
        response: {
          204: emptyResponse('Deleted'),
          400: errorResponse('VALIDATION_ERROR'),
          ...adminOnly,
          404: errorResponse('PRODUCT_NOT_FOUND'),
          ...conditional,
        },
      },
    },
    async (request, reply) => {
      await deleteAuditedProduct(context.pool, request.params.id, preconditionOf(request.headers['if-match']), byAdmin(request));
      return reply.code(204).send();
    },
  );
}
