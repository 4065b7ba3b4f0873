import jwt from 'jsonwebtoken';
import { test, expect, expectJson, expectError, env } from '../../fixtures';

interface Claims {
  sub: string;
  role: string;
  type: 'access' | 'refresh';
  ver: number;
  iat: number;
  exp: number;
}

function claimsOf(token: string): Claims {
  return jwt.verify(token, env.jwtSecret, { algorithms: ['HS256'] }) as Claims;
}

/** A token the shop would have signed, with the given claims overriding sensible ones. */
function forge(userId: string, claims: Partial<Claims>, secret = env.jwtSecret): string {
  const now = Math.floor(Date.now() / 1000);
  return jwt.sign({ sub: userId, role: 'customer', type: 'access', ver: 0, iat: now, exp: now + 600, ...claims }, secret, { algorithm: 'HS256' });
}

test.describe('login', { tag: ['@auth', '@api', '@security'] }, () => {
  test('login answers a Bearer token pair whose expiresIn is the access token lifetime', async ({ api, factory }) => {
    const { email, password } = await factory.registeredUser();

    const response = await api.login({ email, password });

    await expect(response).toHaveStatus(200);
    const tokens = await expectJson(response);
    expect(tokens).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), tokenType: 'Bearer', expiresIn: expect.any(Number) });
    const access = claimsOf(tokens.accessToken);
    expect(tokens.expiresIn).toBe(access.exp - access.iat);
  });

  test('tokens are HS256 JWTs with sub, role, type, ver, iat and exp claims', async ({ api, factory }) => {
    const { email, password, user } = await factory.registeredUser();
    const tokens = await expectJson(await api.login({ email, password }));

    for (const [token, type] of [
      [tokens.accessToken, 'access'],
      [tokens.refreshToken, 'refresh'],
    ] as const) {
      await test.step(`${type} token`, async () => {
        const decoded = jwt.decode(token, { complete: true });
        expect(decoded?.header.alg).toBe('HS256');
        const claims = claimsOf(token);
        expect(claims).toMatchObject({ sub: user.id, role: 'customer', type, ver: 0 });
        expect(claims.exp).toBeGreaterThan(claims.iat);
      });
    }
  });

  test("the seeded admin's token carries the admin role", async ({ api }) => {
    const response = await api.login({ email: env.adminEmail, password: env.adminPassword });

    await expect(response).toHaveStatus(200);
    expect(claimsOf((await expectJson(response)).accessToken).role).toBe('admin');
  });

  test('a wrong password and an unknown email get the same 401 INVALID_CREDENTIALS answer', async ({ api, factory }) => {
    const { email } = await factory.registeredUser();

    const wrongPassword = await api.login({ email, password: factory.password() });
    const unknownEmail = await api.login({ email: factory.email(), password: factory.password() });

    const wrong = await expectError(wrongPassword, 401, 'INVALID_CREDENTIALS');
    const unknown = await expectError(unknownEmail, 401, 'INVALID_CREDENTIALS');
    expect(wrong.message).toBe('Invalid email or password');
    expect(unknown).toEqual(wrong);
  });

  test('a login body without a password is a VALIDATION_ERROR', async ({ api, factory }) => {
    await expectError(await api.login({ email: factory.email() }), 400, 'VALIDATION_ERROR');
  });

  test('GET /api/auth/me answers the current user', async ({ customer }) => {
    const response = await customer.api.me();

    await expect(response).toHaveStatus(200);
    expect(await response.json()).toEqual(customer.user);
  });
});

test.describe('refresh', { tag: ['@auth', '@api', '@security'] }, () => {
  test('a refresh token buys a new pair whose access token works', async ({ api, customer }) => {
    const response = await api.refresh(customer.refreshToken);

    await expect(response).toHaveStatus(200);
    const tokens = await expectJson(response);
    expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: expect.any(Number) });
    expect(claimsOf(tokens.accessToken)).toMatchObject({ sub: customer.user.id, type: 'access' });
    expect(claimsOf(tokens.refreshToken)).toMatchObject({ sub: customer.user.id, type: 'refresh' });
    const me = await api.me({ token: tokens.accessToken });
    await expect(me).toHaveStatus(200);
    expect((await expectJson(me)).id).toBe(customer.user.id);
  });

  test('an access token given as refresh token is refused with 401 INVALID_TOKEN', async ({ api, customer }) => {
    await expectError(await api.refresh(customer.accessToken), 401, 'INVALID_TOKEN');
  });

  test('a malformed refresh token is refused with 401 INVALID_TOKEN', async ({ api }) => {
    await expectError(await api.refresh('not-a-token'), 401, 'INVALID_TOKEN');
  });

  test('an expired refresh token is refused with 401 TOKEN_EXPIRED', async ({ api, customer }) => {
    const now = Math.floor(Date.now() / 1000);
    const expired = forge(customer.user.id, { type: 'refresh', iat: now - 7200, exp: now - 60 });

    await expectError(await api.refresh(expired), 401, 'TOKEN_EXPIRED');
  });
});

test.describe('bearer tokens', { tag: ['@auth', '@api', '@security'] }, () => {
  test('no token answers 401 UNAUTHENTICATED', async ({ api }) => {
    await expectError(await api.me(), 401, 'UNAUTHENTICATED');
  });

  test('an expired access token answers 401 TOKEN_EXPIRED', async ({ api, customer }) => {
    const now = Math.floor(Date.now() / 1000);
    const expired = forge(customer.user.id, { iat: now - 3600, exp: now - 60 });

    await expectError(await api.me({ token: expired }), 401, 'TOKEN_EXPIRED');
  });

  test('a malformed token answers 401 INVALID_TOKEN', async ({ api }) => {
    for (const token of ['garbage', 'a.b.c', 'eyJhbGciOiJIUzI1NiJ9.not-base64-json.sig']) {
      await test.step(`token "${token}"`, async () => {
        await expectError(await api.me({ token }), 401, 'INVALID_TOKEN');
      });
    }
  });

  test('a token signed with another secret answers 401 INVALID_TOKEN', async ({ api, customer }) => {
    const forged = forge(customer.user.id, {}, `${env.jwtSecret}-but-not-quite`);

    await expectError(await api.me({ token: forged }), 401, 'INVALID_TOKEN');
  });

  test('a refresh token used as a bearer token answers 401 INVALID_TOKEN', async ({ api, customer }) => {
    await expectError(await api.me({ token: customer.refreshToken }), 401, 'INVALID_TOKEN');
  });

  test("a deleted user's token answers 401 INVALID_TOKEN", async ({ api, customer }) => {
    await expect(await customer.api.deleteUser(customer.user.id)).toHaveStatus(204);

    await expectError(await api.me({ token: customer.accessToken }), 401, 'INVALID_TOKEN');
  });
});

test.describe('roles', { tag: ['@auth', '@api', '@security'] }, () => {
  test('a customer on an admin route answers 403 FORBIDDEN and changes nothing', async ({ customer, factory }) => {
    const category = await factory.category();
    const product = await factory.product(category);

    await expectError(await customer.api.createCategory(factory.categoryData()), 403, 'FORBIDDEN');
    await expectError(await customer.api.createProduct(factory.productData(category)), 403, 'FORBIDDEN');
    await expectError(await customer.api.updateProduct(product.id, { price: 1 }, { ifMatch: product }), 403, 'FORBIDDEN');
    await expectError(await customer.api.deleteProduct(product.id, { ifMatch: product }), 403, 'FORBIDDEN');
    expect(await (await customer.api.getProduct(product.id)).json()).toEqual(product);
  });

  test('an anonymous caller on an admin route answers 401 UNAUTHENTICATED', async ({ api, factory }) => {
    const category = await factory.category();

    await expectError(await api.createCategory(factory.categoryData()), 401, 'UNAUTHENTICATED');
    await expectError(await api.createProduct(factory.productData(category)), 401, 'UNAUTHENTICATED');
  });
});
