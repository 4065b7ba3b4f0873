import swagger, { type FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { Headers, NAMED_SCHEMAS } from '../../contracts/http';

/**
 * The shop's HTTP contract as an OpenAPI 3.1 document, built by @fastify/swagger from the routes' schemas
 * (contracts/http) and served at GET /openapi.json; `npm run contracts:openapi` keeps a copy in contracts/openapi.json.
 */

const TAGS = [
  { name: 'service', description: 'Health and this document' },
  { name: 'users', description: 'Registration and the users themselves' },
  { name: 'auth', description: 'Tokens: login, refresh, the current user' },
  { name: 'categories', description: 'Product categories' },
  { name: 'products', description: 'The catalog' },
  { name: 'reviews', description: 'Verified-purchase reviews of a product' },
  { name: 'discount codes', description: 'Codes a cart can apply (admins create them)' },
  { name: 'cart', description: "The caller's own cart" },
  { name: 'orders', description: 'Placing, paying, cancelling, shipping and delivering orders' },
  { name: 'webhooks', description: "The payment provider's events" },
  { name: 'audit', description: 'Who changed what (admins)' },
];

type Operation = { responses?: Record<string, { headers?: Record<string, unknown> }> };

/**
 * Every answer carries X-Correlation-Id (docs/API.md, "Correlation"): the document describes the header once, in
 * its components, and every response of every operation points at it. A header contracts/http marks `x-optional`
 * (sent only sometimes, like a stale answer's Age) becomes `required: false`.
 */
function withCorrelationHeader(document: Record<string, unknown>): Record<string, unknown> {
  const reference = { $ref: '#/components/headers/X-Correlation-Id' };
  const header = Headers.correlationId['X-Correlation-Id'] as { description?: string };
  const paths = document.paths as Record<string, Record<string, Operation>>;
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      for (const answer of Object.values(operation.responses ?? {})) {
        answer.headers = { ...answer.headers, 'X-Correlation-Id': reference };
        for (const header of Object.values(answer.headers) as Array<{ schema?: Record<string, unknown>; required?: boolean }>) {
          if (header.schema?.['x-optional'] !== true) continue;
          delete header.schema['x-optional'];
          header.required = false;
        }
      }
    }
  }
  const components = document.components as Record<string, unknown>;
  components.headers = { 'X-Correlation-Id': { description: header.description, schema: { type: 'string', format: 'uuid' } } };
  return document;
}

export const OPENAPI_OPTIONS: FastifyDynamicSwaggerOptions = {
  openapi: {
    openapi: '3.1.0',
    info: {
      title: 'Event Shop',
      version: '1.0.0',
      description:
        "The reference shop's HTTP interface (docs/API.md). Every error is the ErrorEnvelope; every answer carries " +
        'X-Correlation-Id. Request fields carry `x-error-message`, the `VALIDATION_ERROR` detail they get when they ' +
        'break their schema (a missing field is `is required`).',
    },
    tags: TAGS,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from POST /api/auth/login' },
      },
    },
  },
  // Components are named by their $id (User, Order, ...), not def-0, def-1.
  refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  // The schemas are written as contracts/http has them (`const` is valid in OpenAPI 3.1).
  convertConstToEnum: false,
  // The pages (shop/src/web) are HTML, not part of this contract: they declare no schema, so no tags.
  hideUntagged: true,
  transformObject: (document) =>
    'openapiObject' in document ? withCorrelationHeader(document.openapiObject as Record<string, unknown>) : document.swaggerObject,
};

/** Registers the document's builder (before any route, so it sees them all) and GET /openapi.json. */
export function registerOpenApi(app: FastifyInstance): void {
  for (const schema of NAMED_SCHEMAS) app.addSchema(schema);
  app.register(swagger, OPENAPI_OPTIONS);
  app.register(async (scope) => {
    scope.get(
      '/openapi.json',
      {
        schema: {
          tags: ['service'],
          operationId: 'getOpenApiDocument',
          summary: 'This document',
          response: { 200: Type.Object({}, { description: 'The OpenAPI 3.1 document of this API' }) },
        },
      },
      async () => app.swagger(),
    );
  });
}
