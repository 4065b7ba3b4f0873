import type { APIRequestContext } from '@playwright/test';
import { test, expect, expectError, type ShopDb } from '../../fixtures';

/**
 * CSRF (docs/API.md, "Security headers"): a form posted from another site does nothing, even with the
 * victim's session cookie. Browsers name the page a form was posted from in Origin (or Referer); the
 * request context sets those headers as a browser on that site would.
 */

const EVIL = 'https://evil.example';

/** Signs a fresh customer in through the login form: the context then holds the session cookie, as a browser would. */
async function signedIn(request: APIRequestContext, customer: { email: string; password: string }): Promise<void> {
  const login = await request.post('/login', { form: customer, maxRedirects: 0 });
  await expect(login).toHaveStatus(303);
}

async function cartRows(db: ShopDb, userId: string) {
  return (await db.cartItems(userId)).map((row) => [row.productId, row.quantity]);
}

test.describe('cross-site forms', { tag: ['@security', '@cart', '@web'] }, () => {
  const origins: Array<{ name: string; headers: Record<string, string> }> = [
    { name: 'Origin of another site', headers: { origin: EVIL } },
    { name: 'no Origin, Referer of another site', headers: { referer: `${EVIL}/page` } },
    { name: 'the opaque Origin null (a sandboxed frame, a data: page)', headers: { origin: 'null' } },
  ];

  for (const from of origins) {
    test(`a cart form posted with ${from.name} is refused with 403 and the signed-in cart stays as it was`, async ({ api, factory, db }) => {
      const customer = await factory.registeredUser();
      const { products } = await factory.productsInOwnCategory(1);
      await signedIn(api.request, customer);

      const response = await api.request.post('/cart/items', { form: { productId: products[0].id, quantity: '1' }, headers: from.headers, maxRedirects: 0 });

      await expectError(response, 403, 'FORBIDDEN');
      expect(await cartRows(db, customer.user.id), 'nothing added').toEqual([]);
    });
  }

  test('a login form posted from another site signs no one in and counts nothing', async ({ api, factory, db }) => {
    const customer = await factory.registeredUser();

    const response = await api.request.post('/login', { form: { email: customer.email, password: customer.password }, headers: { origin: EVIL }, maxRedirects: 0 });

    await expectError(response, 403, 'FORBIDDEN');
    expect(response.headers()['set-cookie'] ?? '', 'no session cookie').not.toMatch(/session=/);
    expect(await db.loginAttempts(customer.email)).toBeUndefined();
  });

  test('the same form posted from the shop itself acts: Origin of the shop', async ({ api, factory, db }) => {
    const customer = await factory.registeredUser();
    const { products } = await factory.productsInOwnCategory(1);
    await signedIn(api.request, customer);
    const shopOrigin = new URL((await api.request.get('/products')).url()).origin;

    const response = await api.request.post('/cart/items', { form: { productId: products[0].id, quantity: '2' }, headers: { origin: shopOrigin }, maxRedirects: 0 });

    await expect(response).toHaveStatus(303);
    expect(await cartRows(db, customer.user.id)).toEqual([[products[0].id, 2]]);
  });
});
