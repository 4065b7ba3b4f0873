import { createHmac, randomUUID } from 'node:crypto';
import type { APIRequestContext } from '@playwright/test';
import { test, expect, expectError, expectJson, env, type Customer, type ShopDb } from '../../fixtures';

/**
 * Forged and revoked tokens (docs/API.md, "Auth"). Every forgery is built by hand here, byte by byte, so
 * that no JWT library's defaults decide what is sent. Each one is tried on a call that would change the
 * customer's name: it must answer 401 and the name in the database must not change.
 */

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function sign(header: object, claims: object, secret: string, hash: 'sha256' | 'sha512' = 'sha256'): string {
  const body = `${b64(header)}.${b64(claims)}`;
  return `${body}.${createHmac(hash, secret).update(body).digest('base64url')}`;
}

/** Claims the shop itself would issue to this customer now. */
function genuineClaims(customer: Customer): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { sub: customer.user.id, role: 'customer', type: 'access', ver: 0, iat: now, exp: now + 600, jti: randomUUID() };
}

/** The customer's genuine access token with its payload replaced and its signature kept. */
function tampered(customer: Customer, change: Record<string, unknown>): string {
  const [header, payload, signature] = customer.accessToken.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  return `${header}.${b64({ ...claims, ...change })}.${signature}`;
}

const HS256 = { alg: 'HS256', typ: 'JWT' };

interface Forgery {
  name: string;
  token: (customer: Customer, other: Customer) => string;
  code: 'INVALID_TOKEN' | 'TOKEN_EXPIRED';
}

const forgeries: Forgery[] = [
  { name: 'alg none, no signature', token: (c) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(genuineClaims(c))}.`, code: 'INVALID_TOKEN' },
  { name: 'alg None, no signature', token: (c) => `${b64({ alg: 'None' })}.${b64(genuineClaims(c))}.`, code: 'INVALID_TOKEN' },
  { name: 'alg none, with a genuine signature kept', token: (c) => `${b64({ alg: 'none' })}.${c.accessToken.split('.').slice(1).join('.')}`, code: 'INVALID_TOKEN' },
  { name: 'HS512 with the right secret (not an accepted algorithm)', token: (c) => sign({ alg: 'HS512', typ: 'JWT' }, genuineClaims(c), env.jwtSecret, 'sha512'), code: 'INVALID_TOKEN' },
  { name: 'RS256 in the header, signed as HS256 (algorithm confusion)', token: (c) => sign({ alg: 'RS256', typ: 'JWT' }, genuineClaims(c), env.jwtSecret), code: 'INVALID_TOKEN' },
  { name: 'HS256 with another secret', token: (c) => sign(HS256, genuineClaims(c), `${env.jwtSecret}-guessed`), code: 'INVALID_TOKEN' },
  { name: 'HS256 with an empty secret', token: (c) => sign(HS256, genuineClaims(c), ''), code: 'INVALID_TOKEN' },
  { name: 'a kid naming another key, signed with that key', token: (c) => sign({ ...HS256, kid: '../../dev/null' }, genuineClaims(c), ''), code: 'INVALID_TOKEN' },
  { name: 'the role raised to admin, signature kept', token: (c) => tampered(c, { role: 'admin' }), code: 'INVALID_TOKEN' },
  { name: "another customer's id as sub, signature kept", token: (c, other) => tampered(c, { sub: other.user.id }), code: 'INVALID_TOKEN' },
  { name: 'the expiry pushed a year on, signature kept', token: (c) => tampered(c, { exp: Math.floor(Date.now() / 1000) + 365 * 86_400 }), code: 'INVALID_TOKEN' },
  { name: 'the signature cut off', token: (c) => c.accessToken.split('.').slice(0, 2).join('.') + '.', code: 'INVALID_TOKEN' },
  { name: 'a genuine token with a changed last signature character', token: (c) => c.accessToken.slice(0, -1) + (c.accessToken.endsWith('A') ? 'B' : 'A'), code: 'INVALID_TOKEN' },
  { name: 'the right secret without a token version (issued before revocation existed)', token: (c) => sign(HS256, { ...genuineClaims(c), ver: undefined }, env.jwtSecret), code: 'INVALID_TOKEN' },
  { name: 'the right secret with a token version the user does not have', token: (c) => sign(HS256, { ...genuineClaims(c), ver: 1 }, env.jwtSecret), code: 'INVALID_TOKEN' },
  { name: 'the right secret with a token version that is text', token: (c) => sign(HS256, { ...genuineClaims(c), ver: '0' }, env.jwtSecret), code: 'INVALID_TOKEN' },
  { name: 'the right secret without a type', token: (c) => sign(HS256, { ...genuineClaims(c), type: undefined }, env.jwtSecret), code: 'INVALID_TOKEN' },
  { name: 'the right secret with a sub that is not a user id', token: (c) => sign(HS256, { ...genuineClaims(c), sub: "' OR 1=1 --" }, env.jwtSecret), code: 'INVALID_TOKEN' },
  { name: 'the right secret, valid only from tomorrow (nbf)', token: (c) => sign(HS256, { ...genuineClaims(c), nbf: Math.floor(Date.now() / 1000) + 86_400 }, env.jwtSecret), code: 'INVALID_TOKEN' },
  { name: 'the right secret, expired a minute ago', token: (c) => sign(HS256, { ...genuineClaims(c), iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) - 60 }, env.jwtSecret), code: 'TOKEN_EXPIRED' },
  { name: 'a refresh token', token: (c) => c.refreshToken, code: 'INVALID_TOKEN' },
];

async function nameOf(db: ShopDb, userId: string): Promise<string | undefined> {
  return (await db.userById(userId))?.name;
}

test.describe('forged tokens', { tag: ['@security', '@auth', '@api'] }, () => {
  for (const forgery of forgeries) {
    test(`${forgery.name}: 401 ${forgery.code}, and nothing is changed with it`, async ({ api, factory, db }) => {
      const [customer, other] = await Promise.all([factory.customer(), factory.customer()]);
      const token = forgery.token(customer, other);

      await expectError(await api.me({ token }), 401, forgery.code);
      for (const victim of [customer, other]) {
        await expectError(await api.updateUser(victim.user.id, { name: 'Changed By Forgery' }, { token }), 401, forgery.code);
        expect(await nameOf(db, victim.user.id), 'the name in the database').toBe(victim.user.name);
      }
    });
  }

  test('a genuine token whose role claim says admin still gets a customer: roles come from the database', async ({ api, factory, db }) => {
    const customer = await factory.customer();
    const product = await factory.product(await factory.category());
    const token = sign(HS256, { ...genuineClaims(customer), role: 'admin' }, env.jwtSecret);

    await expectError(await api.updateProduct(product.id, { price: 0.01 }, { token, ifMatch: product }), 403, 'FORBIDDEN');
    expect((await db.productById(product.id))?.price, 'the price in the database').toBe(product.price);
  });
});

/** Signs the customer in through the login form: the context then holds the session cookie, as a browser would. */
async function webSession(request: APIRequestContext, customer: { email: string; password: string }): Promise<void> {
  await expect(await request.post('/login', { form: customer, maxRedirects: 0 })).toHaveStatus(303);
}

/** Whether the context's session cookie still opens the account page (a revoked one is sent to /login). */
async function sessionOpensAccount(request: APIRequestContext): Promise<boolean> {
  const account = await request.get('/account', { maxRedirects: 0 });
  return account.status() === 200;
}

test.describe('revoked tokens', { tag: ['@security', '@auth', '@api'] }, () => {
  test('a password change revokes every access and refresh token and the web session; the new password logs in afresh', async ({ api, factory, db, apiClients }) => {
    const customer = await factory.customer();
    const browser = await apiClients.create();
    await webSession(browser.request, customer);
    const password = factory.password();

    await expect(await customer.api.updateUser(customer.user.id, { password })).toHaveStatus(200);

    await expectError(await api.me({ token: customer.accessToken }), 401, 'INVALID_TOKEN');
    await expectError(await api.refresh(customer.refreshToken), 401, 'INVALID_TOKEN');
    expect(await sessionOpensAccount(browser.request), 'the web session').toBe(false);
    expect((await db.userById(customer.user.id))?.tokenVersion).toBe(1);
    const tokens = await expectJson(await api.login({ email: customer.email, password }));
    expect((await expectJson(await api.me({ token: tokens.accessToken }))).id).toBe(customer.user.id);
    await expect(await api.refresh(tokens.refreshToken)).toHaveStatus(200);
  });

  test('a name or email change revokes nothing', async ({ api, factory, db }) => {
    const customer = await factory.customer();

    await expect(await customer.api.updateUser(customer.user.id, { name: 'Still Signed In', email: factory.email() })).toHaveStatus(200);

    await expect(await api.me({ token: customer.accessToken })).toHaveStatus(200);
    await expect(await api.refresh(customer.refreshToken)).toHaveStatus(200);
    expect((await db.userById(customer.user.id))?.tokenVersion).toBe(0);
  });

  test('POST /api/auth/logout revokes every token of the user, the web session too, and no other user’s', async ({ api, factory, db, apiClients }) => {
    const [customer, other] = await Promise.all([factory.customer(), factory.customer()]);
    const secondDevice = await expectJson(await api.login({ email: customer.email, password: customer.password }));
    const browser = await apiClients.create();
    await webSession(browser.request, customer);

    await expect(await customer.api.logout()).toHaveStatus(204);

    await expectError(await api.me({ token: customer.accessToken }), 401, 'INVALID_TOKEN');
    await expectError(await api.me({ token: secondDevice.accessToken }), 401, 'INVALID_TOKEN');
    await expectError(await api.refresh(customer.refreshToken), 401, 'INVALID_TOKEN');
    await expectError(await api.refresh(secondDevice.refreshToken), 401, 'INVALID_TOKEN');
    expect(await sessionOpensAccount(browser.request), 'the web session').toBe(false);
    await expectError(await customer.api.logout(), 401, 'INVALID_TOKEN');
    await expect(await api.me({ token: other.accessToken }), "another customer's token").toHaveStatus(200);
    expect((await db.userById(other.user.id))?.tokenVersion).toBe(0);
    const again = await expectJson(await api.login({ email: customer.email, password: customer.password }));
    await expect(await api.me({ token: again.accessToken })).toHaveStatus(200);
  });

  test('the web logout revokes the session cookie, so a copy of it opens nothing, and the API tokens with it', async ({ api, factory, apiClients }) => {
    const customer = await factory.customer();
    const browser = await apiClients.create();
    await webSession(browser.request, customer);
    const copied = (await browser.request.storageState()).cookies.find((cookie) => cookie.name === 'session');
    expect(copied, 'the session cookie').toBeDefined();
    const shopOrigin = new URL(env.shopUrl).origin;

    await expect(await browser.request.post('/logout', { headers: { origin: shopOrigin }, maxRedirects: 0 })).toHaveStatus(303);

    const replay = await apiClients.create();
    const account = await replay.request.get('/account', { headers: { cookie: `session=${copied!.value}` }, maxRedirects: 0 });
    await expect(account).toHaveStatus(303);
    expect(account.headers().location).toBe('/login');
    await expectError(await api.me({ token: customer.accessToken }), 401, 'INVALID_TOKEN');
  });

  test('logout without a token is 401 UNAUTHENTICATED and revokes nothing', async ({ api, customer, db }) => {
    await expectError(await api.logout(), 401, 'UNAUTHENTICATED');

    await expect(await api.me({ token: customer.accessToken })).toHaveStatus(200);
    expect((await db.userById(customer.user.id))?.tokenVersion).toBe(0);
  });
});
