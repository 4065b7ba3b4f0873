import { randomUUID } from 'node:crypto';
import { test, expect, expectData, expectError, expectGraphqlError, gqlDocuments as gq, type ErrorCode, type RawBody } from '../../fixtures';

/**
 * POST /graphql as a protocol (docs/API.md, "GraphQL"): requests that are not a valid GraphQL request get a 4xx in
 * GraphQL's shape with the shop's code, never a 5xx and never data; only POST with a JSON body is served.
 */

const query = (source: string, extra: Record<string, unknown> = {}): RawBody => ({ json: { query: source, ...extra } });

const malformed: Array<{ name: string; body: RawBody; status: number; code: ErrorCode; detail?: { field: string; message: string } }> = [
  { name: 'a document that is not GraphQL', body: query('{ products { items { id }'), status: 400, code: 'GRAPHQL_PARSE_FAILED' },
  { name: 'an empty document', body: query(''), status: 400, code: 'GRAPHQL_PARSE_FAILED' },
  { name: 'a field the schema does not have', body: query('{ products { items { password } } }'), status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'an introspection query (introspection is off)', body: query('{ __type(name: "Order") { name } }'), status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'a variable of the wrong type', body: query('query ($id: ID!) { product(id: $id) { id } }', { variables: { id: { nested: true } } }), status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'a required variable not given', body: query('query ($id: ID!) { product(id: $id) { id } }'), status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'an Int past 32 bits', body: query('{ products(page: 99999999999) { meta { page } } }'), status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'an operation name the document does not have', body: query('query Mine { categories { slug } }', { operationName: 'Theirs' }), status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'a subscription (the schema has none)', body: query('subscription { me { id } }'), status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'fragments that spread each other', body: query('fragment A on Query { ...B } fragment B on Query { ...A } { ...A }'), status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'a body that is not JSON', body: { raw: '{"query": "{ categories { slug } }"', type: 'application/json' }, status: 400, code: 'INVALID_JSON' },
  { name: 'an empty JSON body', body: { raw: '', type: 'application/json' }, status: 400, code: 'INVALID_JSON' },
  { name: 'a JSON array (batching is off)', body: { json: [{ query: '{ categories { slug } }' }] }, status: 400, code: 'VALIDATION_ERROR', detail: { field: 'body', message: 'must be a JSON object' } },
  { name: 'no query', body: { json: { variables: {} } }, status: 400, code: 'VALIDATION_ERROR', detail: { field: 'query', message: 'is required' } },
  { name: 'variables that are a list', body: query('{ categories { slug } }', { variables: [1] }), status: 400, code: 'VALIDATION_ERROR', detail: { field: 'variables', message: 'must be an object' } },
  { name: 'a NUL in a variable', body: query('query ($q: String) { products(q: $q) { meta { page } } }', { variables: { q: 'a\u0000b' } }), status: 400, code: 'VALIDATION_ERROR', detail: { field: 'variables.q', message: 'must not contain the NUL character' } },
  { name: 'a form-encoded body', body: { raw: 'query=%7B%20categories%20%7B%20slug%20%7D%20%7D', type: 'application/x-www-form-urlencoded' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'a text/plain body holding JSON', body: { raw: JSON.stringify({ query: '{ categories { slug } }' }), type: 'text/plain' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'an application/graphql body', body: { raw: '{ categories { slug } }', type: 'application/graphql' }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'a body over 1 MiB', body: query(`{ categories { slug } } # ${'x'.repeat(1_100_000)}`), status: 413, code: 'PAYLOAD_TOO_LARGE' },
];

test.describe('GraphQL protocol: what is not a GraphQL request', { tag: ['@protocol', '@validation', '@api'] }, () => {
  for (const { name, body, status, code, detail } of malformed) {
    test(`${name}: ${status} ${code}, no data, nothing ran`, async ({ graphql }) => {
      const answer = await graphql.send(body);

      const error = expectGraphqlError(answer, code, { status });
      expect(error.extensions.details).toEqual(detail && [detail]);
    });
  }

  test('a syntax error says where: its line and column', async ({ graphql }) => {
    const error = expectGraphqlError(await graphql.send(query('{\n  products {\n    items { id ')), 'GRAPHQL_PARSE_FAILED', { status: 400 });

    expect(error.message).toMatch(/^Syntax Error: /);
    expect(error.locations).toEqual([{ line: 3, column: 16 }]);
  });
});

test.describe('GraphQL protocol: the HTTP side', { tag: ['@protocol', '@security', '@api'] }, () => {
  test('GET /graphql is no route, not even for a query; a mutation sent that way changes nothing', async ({ customer, factory, db }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const mutation = `mutation { addCartItem(productId: "${products[0].id}", quantity: 1) { total } }`;

    await expectError(await customer.api.request.get(`/graphql?query=${encodeURIComponent('{ categories { slug } }')}`), 404, 'NOT_FOUND');
    await expectError(await customer.api.request.get(`/graphql?query=${encodeURIComponent(mutation)}`), 404, 'NOT_FOUND');

    expect(await db.cartItems(customer.user.id)).toEqual([]);
  });

  test('a POST whose Origin names another site is 403 FORBIDDEN, as a form’s is, and its mutation does not run', async ({ graphql, customer, factory, db }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));

    const answer = await graphql.as(customer).request(gq.ADD_CART_ITEM, { productId: products[0].id, quantity: 1 }, { headers: { origin: 'https://shop.attacker.example' } });

    expectGraphqlError(answer, 'FORBIDDEN', { status: 403 });
    expect(await db.cartItems(customer.user.id)).toEqual([]);
  });

  test('an answer carries the security headers, no-store with a token, and the caller’s correlation id', async ({ graphql, customer }) => {
    const correlationId = randomUUID();

    const answer = await graphql.as(customer).request(gq.ME, {}, { correlationId });

    expect(expectData(answer).me?.id).toBe(customer.user.id);
    const headers = answer.response.headers();
    expect(headers['content-type']).toBe('application/json; charset=utf-8');
    expect(headers['cache-control']).toBe('no-store');
    expect(headers['x-correlation-id']).toBe(correlationId);
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['content-security-policy']).toContain("default-src 'none'");
  });
});
