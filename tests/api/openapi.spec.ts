import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '../../fixtures';

interface Operation {
  security?: Array<Record<string, string[]>>;
  responses: Record<string, { content?: { 'application/json'?: { schema?: { $ref?: string } } } }>;
}
type OpenApiDocument = { openapi: string; paths: Record<string, Record<string, Operation>> };

/** The copy contracts/ keeps: what the shop must serve, byte for byte once parsed. */
const committed = JSON.parse(readFileSync(path.resolve(__dirname, '../../contracts/openapi.json'), 'utf8')) as OpenApiDocument;

/**
 * Every /api route of docs/API.md (paths as OpenAPI writes them), the status it answers on success with the
 * component its body is (null: no body), and whether it takes a bearer token.
 */
const DOCUMENTED_ROUTES: Array<{ route: string; success: number; body: string | null; bearer: boolean }> = [
  { route: 'POST /api/users', success: 201, body: 'User', bearer: false },
  { route: 'GET /api/users/{id}', success: 200, body: 'User', bearer: true },
  { route: 'PATCH /api/users/{id}', success: 200, body: 'User', bearer: true },
  { route: 'DELETE /api/users/{id}', success: 204, body: null, bearer: true },
  { route: 'POST /api/auth/login', success: 200, body: 'TokenPair', bearer: false },
  { route: 'POST /api/auth/refresh', success: 200, body: 'TokenPair', bearer: false },
  { route: 'POST /api/auth/logout', success: 204, body: null, bearer: true },
  { route: 'GET /api/auth/me', success: 200, body: 'User', bearer: true },
  { route: 'GET /api/categories', success: 200, body: 'CategoryList', bearer: false },
  { route: 'GET /api/categories/{id}', success: 200, body: 'Category', bearer: false },
  { route: 'POST /api/categories', success: 201, body: 'Category', bearer: true },
  { route: 'GET /api/products', success: 200, body: 'ProductPage', bearer: false },
  { route: 'GET /api/products/{id}', success: 200, body: 'Product', bearer: false },
  { route: 'POST /api/products', success: 201, body: 'Product', bearer: true },
  { route: 'PATCH /api/products/{id}', success: 200, body: 'Product', bearer: true },
  { route: 'DELETE /api/products/{id}', success: 204, body: null, bearer: true },
  { route: 'GET /api/products/{id}/reviews', success: 200, body: 'ReviewList', bearer: false },
  { route: 'POST /api/products/{id}/reviews', success: 201, body: 'Review', bearer: true },
  { route: 'POST /api/discount-codes', success: 201, body: 'DiscountCode', bearer: true },
  { route: 'GET /api/cart', success: 200, body: 'Cart', bearer: true },
  { route: 'POST /api/cart/items', success: 200, body: 'Cart', bearer: true },
  { route: 'PATCH /api/cart/items/{productId}', success: 200, body: 'Cart', bearer: true },
  { route: 'DELETE /api/cart/items/{productId}', success: 200, body: 'Cart', bearer: true },
  { route: 'PUT /api/cart/discount', success: 200, body: 'Cart', bearer: true },
  { route: 'DELETE /api/cart/discount', success: 200, body: 'Cart', bearer: true },
  { route: 'PUT /api/cart/shipping-address', success: 200, body: 'Cart', bearer: true },
  { route: 'POST /api/orders', success: 201, body: 'Order', bearer: true },
  { route: 'GET /api/orders', success: 200, body: 'OrderList', bearer: true },
  { route: 'GET /api/orders/{id}', success: 200, body: 'Order', bearer: true },
  { route: 'GET /api/orders/{id}/history', success: 200, body: 'OrderHistory', bearer: true },
  { route: 'POST /api/orders/{id}/cancel', success: 200, body: 'Order', bearer: true },
  { route: 'POST /api/orders/{id}/ship', success: 200, body: 'Order', bearer: true },
  { route: 'POST /api/orders/{id}/deliver', success: 200, body: 'Order', bearer: true },
  { route: 'POST /api/webhooks/payments', success: 200, body: 'WebhookReceipt', bearer: false },
  { route: 'GET /api/audit-log', success: 200, body: 'AuditLogPage', bearer: true },
];

const schemaOf = (answer: Operation['responses'][string] | undefined) => answer?.content?.['application/json']?.schema?.$ref;

function operationsOf(document: OpenApiDocument): Map<string, Operation> {
  const operations = new Map<string, Operation>();
  for (const [url, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) operations.set(`${method.toUpperCase()} ${url}`, operation);
  }
  return operations;
}

test.describe('the OpenAPI document', { tag: ['@protocol', '@api', '@contract'] }, () => {
  test('GET /openapi.json serves the OpenAPI 3.1 copy kept in contracts/, and it describes every /api route of docs/API.md', async ({ api }) => {
    const response = await api.request.get('/openapi.json');

    await expect(response).toHaveStatus(200);
    expect(response.headers()['content-type']).toMatch(/^application\/json/);
    const served: OpenApiDocument = await response.json();
    expect(served.openapi).toBe('3.1.0');
    expect(served, 'contracts/openapi.json is what the shop serves (npm run contracts:openapi rewrites it)').toEqual(committed);

    const operations = operationsOf(served);

    await test.step('its /api operations are exactly the routes docs/API.md documents', async () => {
      const apiOperations = [...operations.keys()].filter((route) => route.split(' ')[1].startsWith('/api/'));
      expect(apiOperations.sort()).toEqual(DOCUMENTED_ROUTES.map(({ route }) => route).sort());
    });

    for (const { route, success, body, bearer } of DOCUMENTED_ROUTES) {
      await test.step(`${route}: ${success}${body ? ` ${body}` : ' without a body'}${bearer ? ', bearer token' : ''}, errors in the envelope`, async () => {
        const operation = operations.get(route)!;
        const statuses = Object.keys(operation.responses);
        expect(statuses, 'its success status').toContain(String(success));
        expect(schemaOf(operation.responses[success]) ?? null).toBe(body && `#/components/schemas/${body}`);
        expect(Boolean(operation.security?.some((requirement) => 'bearerAuth' in requirement)), 'bearerAuth').toBe(bearer);
        expect(!bearer || statuses.includes('401'), 'a route that takes a token answers 401 without one').toBe(true);
        for (const status of statuses.filter((code) => Number(code) >= 400)) {
          expect(schemaOf(operation.responses[status]), `${status} is the error envelope`).toBe('#/components/schemas/ErrorEnvelope');
        }
        expect(statuses, 'a bug (500) is never part of the contract').not.toContain('500');
        expect(statuses, 'a malformed URL (400 BAD_REQUEST) can reach any route').toContain('400');
      });
    }
  });
});
