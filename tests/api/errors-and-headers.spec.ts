import { randomUUID } from 'node:crypto';
import { test, expect, expectError } from '../../fixtures';

test.describe('protocol', { tag: ['@protocol', '@api'] }, () => {
  test('GET /health answers 200 {"status":"ok"}', async ({ api }) => {
    const response = await api.health();

    await expect(response).toHaveStatus(200);
    // The body also names each dependency (docs/API.md, "Health"); the contract check holds it to exactly that shape.
    expect(await response.json()).toMatchObject({ status: 'ok', dependencies: { postgres: 'up', kafka: 'up', smtp: 'up' }, cache: { state: 'up' } });
  });

  test('an unknown route answers 404 NOT_FOUND in the error envelope', async ({ api }) => {
    await expectError(await api.request.get('/api/no-such-route'), 404, 'NOT_FOUND');
    await expectError(await api.request.post('/api/no-such-route', { data: {} }), 404, 'NOT_FOUND');
  });

  test('a body that is not JSON answers 400 INVALID_JSON', async ({ api, adminApi }) => {
    // A Buffer goes out byte for byte; a string would be JSON-encoded by Playwright into valid JSON.
    const notJson = { data: Buffer.from('{"email": "broken'), headers: { 'content-type': 'application/json' } };

    await expectError(await api.request.post('/api/users', notJson), 400, 'INVALID_JSON');
    await expectError(await api.request.post('/api/auth/login', notJson), 400, 'INVALID_JSON');
    await expectError(await adminApi.request.post('/api/products', notJson), 400, 'INVALID_JSON');
  });

  test('the response echoes the X-Correlation-Id it was given', async ({ api }) => {
    const correlationId = randomUUID();

    const response = await api.health({ correlationId });

    expect(response.headers()['x-correlation-id']).toBe(correlationId);
  });
});
