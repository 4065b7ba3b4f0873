import { test, expect } from '../../fixtures';

/**
 * The security headers of every answer (docs/API.md, "Security headers"): a Content-Security-Policy that
 * allows the one style sheet by its hash and nothing else, no MIME sniffing, no framing, a same-origin
 * referrer; and `Cache-Control: no-store` on every answer to a request with credentials.
 */

/** Pages anyone may open, and a product's page (its path made per test). */
const PUBLIC_PAGES = ['/products', '/login', '/register'];

function expectSecurityHeaders(headers: Record<string, string>, what: string): void {
  const policy = headers['content-security-policy'] ?? '';
  expect(policy, `${what}: a Content-Security-Policy`).toContain("default-src 'none'");
  expect(policy, `${what}: the style sheet allowed by its hash`).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
  expect(policy, `${what}: no inline code allowed`).not.toContain('unsafe-inline');
  expect(policy, `${what}: never framed`).toContain("frame-ancestors 'none'");
  expect(policy, `${what}: forms post to the shop only`).toContain("form-action 'self'");
  expect(headers['x-content-type-options'], `${what}: no MIME sniffing`).toBe('nosniff');
  expect(headers['x-frame-options'], `${what}: no framing, for old browsers`).toBe('DENY');
  expect(headers['referrer-policy'], `${what}: the referrer stays on the shop`).toBe('same-origin');
}

test.describe('security headers', { tag: ['@security', '@protocol', '@api'] }, () => {
  test('every public page carries the security headers and may be cached', async ({ api, factory }) => {
    const { products } = await factory.productsInOwnCategory(1);
    for (const path of [...PUBLIC_PAGES, `/products/${products[0].id}`]) {
      const response = await api.request.get(path, { headers: { accept: 'text/html' } });
      await expect(response).toHaveStatus(200);
      expectSecurityHeaders(response.headers(), path);
      expect(response.headers()['cache-control'] ?? '', `${path} is public`).not.toContain('no-store');
    }
  });

  test('JSON answers carry them too: a catalog read, an error and the health check', async ({ api }) => {
    for (const path of ['/api/products', '/api/no-such-route', '/health']) {
      const response = await api.request.get(path);
      expect(response.headers()['content-type'], path).toContain('application/json');
      expectSecurityHeaders(response.headers(), path);
    }
  });

  test('an API answer to a bearer token is never stored: the cart, the profile, an error', async ({ factory }) => {
    const customer = await factory.customer();
    for (const path of ['/api/cart', '/api/auth/me', '/api/orders/00000000-0000-4000-8000-000000000000']) {
      const response = await customer.api.request.get(path);
      expect(response.headers()['cache-control'], `${path} is private`).toBe('no-store');
    }
  });

  test('a signed-in page is never stored, and the session cookie is HttpOnly and SameSite=Lax', async ({ api, factory }) => {
    const customer = await factory.registeredUser();
    const login = await api.request.post('/login', { form: { email: customer.email, password: customer.password }, maxRedirects: 0 });
    await expect(login).toHaveStatus(303);
    const cookie = login.headersArray().find((header) => header.name.toLowerCase() === 'set-cookie' && header.value.startsWith('session='))?.value ?? '';
    expect(cookie, 'the session cookie').toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie, 'not Secure on a shop served over plain HTTP').not.toMatch(/; Secure/i);

    for (const path of ['/account', '/orders', '/cart', '/products']) {
      const response = await api.request.get(path, { headers: { accept: 'text/html' } });
      await expect(response).toHaveStatus(200);
      expect(response.headers()['cache-control'], `${path}, signed in`).toBe('no-store');
      expectSecurityHeaders(response.headers(), path);
    }
  });
});
