import type { APIResponse } from '@playwright/test';
import { test, expect, expectError, type Customer, type ShopDb } from '../../fixtures';

/**
 * Hostile input, as tables: each case sends one request no honest client sends, expects the shop's
 * answer (a 4xx with its code, naming the field where there is one, never a 5xx), and then reads the
 * database to prove that nothing changed. Cases found by Schemathesis (scripts/fuzz-api.sh) are marked.
 */

const NUL = '\u0000';
const JSON_TYPE = { 'content-type': 'application/json' };
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' };

/** What a case may send: a JSON value (sent as JSON) or exact bytes with their own content type. */
type Body = { json: unknown } | { raw: string | Buffer; type?: string };

interface Answer {
  status: number;
  code: string;
  /** A `details` entry must name this field. */
  field?: string;
}

function send(client: { request: { fetch: (url: string, options: object) => Promise<APIResponse> } }, method: string, path: string, body?: Body, headers: Record<string, string> = {}) {
  if (body === undefined) return client.request.fetch(path, { method, headers });
  if ('json' in body) return client.request.fetch(path, { method, headers: { ...headers, ...JSON_TYPE }, data: Buffer.from(JSON.stringify(body.json)) });
  // Bytes, always: Playwright would JSON-encode a string that is not valid JSON.
  return client.request.fetch(path, { method, headers: { ...headers, ...(body.type ? { 'content-type': body.type } : {}) }, data: Buffer.from(body.raw) });
}

async function expectAnswer(response: APIResponse, answer: Answer): Promise<void> {
  const error = await expectError(response, answer.status, answer.code);
  if (answer.field) expect(error.details?.map((detail) => detail.field), 'the detail names the field').toContain(answer.field);
}

test.describe('hostile registrations', { tag: ['@security', '@users', '@api'] }, () => {
  /** Each body is a registration of `email`; none of them may create the user. */
  const cases: Array<{ name: string; body: (email: string) => Body } & Answer> = [
    { name: 'a form-encoded body', body: (email) => ({ raw: `email=${encodeURIComponent(email)}&password=Passw0rd-1&name=Form`, type: FORM_TYPE['content-type'] }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'a text/plain body', body: (email) => ({ raw: JSON.stringify({ email, password: 'Passw0rd-1', name: 'Text' }), type: 'text/plain' }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'bytes of no declared type', body: (email) => ({ raw: Buffer.from(JSON.stringify({ email, password: 'Passw0rd-1', name: 'Raw' })) }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'a JSON array', body: (email) => ({ json: [{ email, password: 'Passw0rd-1', name: 'Array' }] }), status: 400, code: 'VALIDATION_ERROR', field: 'body' },
    { name: 'a JSON string', body: (email) => ({ json: email }), status: 400, code: 'VALIDATION_ERROR', field: 'body' },
    { name: 'JSON null', body: () => ({ json: null }), status: 400, code: 'VALIDATION_ERROR', field: 'body' },
    { name: 'truncated JSON', body: (email) => ({ raw: `{"email":"${email}","password":"Passw0`, type: 'application/json' }), status: 400, code: 'INVALID_JSON' },
    { name: 'a NUL in the email', body: (email) => ({ json: { email: email.replace('@', `${NUL}@`), password: 'Passw0rd-1', name: 'Nul' } }), status: 400, code: 'VALIDATION_ERROR', field: 'email' },
    { name: 'a NUL in the name', body: (email) => ({ json: { email, password: 'Passw0rd-1', name: `Nul${NUL}Name` } }), status: 400, code: 'VALIDATION_ERROR', field: 'name' },
    { name: 'a NUL in the password', body: (email) => ({ json: { email, password: `Passw0rd-1${NUL}`, name: 'Nul' } }), status: 400, code: 'VALIDATION_ERROR', field: 'password' },
    { name: 'an email of 5000 characters', body: (email) => ({ json: { email: `${'a'.repeat(5000)}${email}`, password: 'Passw0rd-1', name: 'Long' } }), status: 400, code: 'VALIDATION_ERROR', field: 'email' },
    { name: 'a name of 101 characters', body: (email) => ({ json: { email, password: 'Passw0rd-1', name: 'n'.repeat(101) } }), status: 400, code: 'VALIDATION_ERROR', field: 'name' },
    { name: 'a name that is a number', body: (email) => ({ json: { email, password: 'Passw0rd-1', name: 42 } }), status: 400, code: 'VALIDATION_ERROR', field: 'name' },
    { name: 'a password that is a list', body: (email) => ({ json: { email, password: ['Passw0rd-1'], name: 'List' } }), status: 400, code: 'VALIDATION_ERROR', field: 'password' },
    { name: 'a body over 1 MiB', body: (email) => ({ json: { email, password: 'Passw0rd-1', name: 'Big', padding: 'x'.repeat(1_100_000) } }), status: 413, code: 'PAYLOAD_TOO_LARGE' },
  ];

  for (const hostile of cases) {
    test(`${hostile.name} is refused with ${hostile.status} ${hostile.code} and creates no user`, async ({ api, factory, db }) => {
      const email = factory.userData().email;

      await expectAnswer(await send(api, 'POST', '/api/users', hostile.body(email)), hostile);

      expect(await db.userByEmail(email), 'no user row').toBeUndefined();
      expect(await db.outboxRowsMentioning(email), 'no users.registered in the outbox').toEqual([]);
    });
  }

  test('a registration that asks for the admin role gets a customer', async ({ api, factory, db }) => {
    const data = factory.userData();

    const response = await send(api, 'POST', '/api/users', { json: { ...data, role: 'admin' } });

    await expect(response).toHaveStatus(201);
    expect((await db.userByEmail(data.email))?.role).toBe('customer');
  });
});

test.describe('hostile logins', { tag: ['@security', '@users', '@api'] }, () => {
  const cases: Array<{ name: string; body: (email: string) => Body } & Answer> = [
    { name: 'a NUL in the email', body: (email) => ({ json: { email: `${email}${NUL}`, password: 'Passw0rd-1' } }), status: 400, code: 'VALIDATION_ERROR', field: 'email' },
    { name: 'a NUL in the password', body: (email) => ({ json: { email, password: `x${NUL}` } }), status: 400, code: 'VALIDATION_ERROR', field: 'password' },
    { name: 'an email that is an object', body: () => ({ json: { email: { $ne: '' }, password: 'Passw0rd-1' } }), status: 400, code: 'VALIDATION_ERROR', field: 'email' },
    { name: 'a form-encoded body', body: (email) => ({ raw: `email=${encodeURIComponent(email)}&password=wrong`, type: FORM_TYPE['content-type'] }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  ];

  for (const hostile of cases) {
    test(`${hostile.name} is refused with ${hostile.status} ${hostile.code}, logs no one in and counts no failure`, async ({ api, factory, db }) => {
      const customer = await factory.registeredUser();

      const response = await send(api, 'POST', '/api/auth/login', hostile.body(customer.email));

      await expectAnswer(response, hostile);
      expect(response.headers()['set-cookie'], 'no session').toBeUndefined();
      expect(await db.loginAttempts(customer.email), 'no failed attempt recorded').toBeUndefined();
    });
  }
});

test.describe('the login counter', { tag: ['@security', '@auth', '@api'] }, () => {
  /** Logins that name no possible account: refused before they are counted, so no row is added for them. */
  const randomLetters = (count: number) => Array.from({ length: count }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
  const cases: Array<{ name: string; credentials: () => { email: string; password: string } } & Answer> = [
    { name: 'an email of 5000 random characters (was a 500: too long for the counter index)', credentials: () => ({ email: `${randomLetters(5000)}@example.test`, password: 'Passw0rd-1' }), status: 400, code: 'VALIDATION_ERROR', field: 'email' },
    { name: 'an email of 255 characters', credentials: () => ({ email: `${randomLetters(242)}@example.test`, password: 'Passw0rd-1' }), status: 400, code: 'VALIDATION_ERROR', field: 'email' },
    { name: 'a string that is not an email address', credentials: () => ({ email: `not-an-address-${randomLetters(12)}`, password: 'Passw0rd-1' }), status: 400, code: 'VALIDATION_ERROR', field: 'email' },
    { name: 'a password of 73 bytes (bcrypt would compare only its first 72)', credentials: () => ({ email: `${randomLetters(12)}@example.test`, password: `A1${'x'.repeat(71)}` }), status: 400, code: 'VALIDATION_ERROR', field: 'password' },
  ];

  for (const hostile of cases) {
    test(`${hostile.name} is refused with ${hostile.status} ${hostile.code} and adds no login_attempts row`, async ({ api, db }) => {
      const credentials = hostile.credentials();

      await expectAnswer(await api.login(credentials), hostile);

      expect(await db.loginAttempts(credentials.email.toLowerCase()), 'no row for it').toBeUndefined();
    });
  }

  test('a count whose last failure is a day old is forgotten when any failure is recorded', async ({ api, factory, db }) => {
    const forgotten = factory.email();
    await expectError(await api.login({ email: forgotten, password: 'Wrong-pass-1' }), 401, 'INVALID_CREDENTIALS');
    await db.pool.query("UPDATE login_attempts SET last_failed_at = now() - interval '25 hours' WHERE email = $1", [forgotten]);

    await expectError(await api.login({ email: factory.email(), password: 'Wrong-pass-1' }), 401, 'INVALID_CREDENTIALS');

    expect(await db.loginAttempts(forgotten), 'the old count is gone').toBeUndefined();
  });

  test('a locked count is kept however old its last failure, and a day-old count starts again at 1', async ({ api, factory, db }) => {
    const [locked, stale] = [factory.email(), factory.email()];
    for (const email of [locked, stale]) await expectError(await api.login({ email, password: 'Wrong-pass-1' }), 401, 'INVALID_CREDENTIALS');
    await db.pool.query("UPDATE login_attempts SET last_failed_at = now() - interval '25 hours', locked_until = now() + interval '1 hour' WHERE email = $1", [locked]);
    await db.pool.query("UPDATE login_attempts SET last_failed_at = now() - interval '23 hours', failures = 3 WHERE email = $1", [stale]);

    await expectError(await api.login({ email: factory.email(), password: 'Wrong-pass-1' }), 401, 'INVALID_CREDENTIALS');
    expect(await db.loginAttempts(locked), 'a lock is kept').toMatchObject({ failures: 1, lockedUntil: expect.any(Date) });
    expect(await db.loginAttempts(stale), 'not a day old yet: kept').toMatchObject({ failures: 3 });

    await db.pool.query("UPDATE login_attempts SET last_failed_at = now() - interval '25 hours' WHERE email = $1", [stale]);
    await expectError(await api.login({ email: stale, password: 'Wrong-pass-1' }), 401, 'INVALID_CREDENTIALS');
    expect(await db.loginAttempts(stale), 'a new count').toMatchObject({ failures: 1 });
  });
});

test.describe('hostile cart changes', { tag: ['@security', '@cart', '@api'] }, () => {
  /** Each request changes the customer's cart, which holds one product; the cart must stay as it was. */
  const cases: Array<{ name: string; method: string; path: (productId: string) => string; body: (productId: string) => Body } & Answer> = [
    { name: 'a discount code with a NUL (found by Schemathesis)', method: 'PUT', path: () => '/api/cart/discount', body: () => ({ json: { code: `SAVE${NUL}10` } }), status: 400, code: 'VALIDATION_ERROR', field: 'code' },
    { name: 'a discount code that is a number', method: 'PUT', path: () => '/api/cart/discount', body: () => ({ json: { code: 10 } }), status: 400, code: 'VALIDATION_ERROR', field: 'code' },
    { name: 'a form-encoded discount code', method: 'PUT', path: () => '/api/cart/discount', body: () => ({ raw: 'code=SAVE10', type: FORM_TYPE['content-type'] }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'a quantity sent as text', method: 'POST', path: () => '/api/cart/items', body: (productId) => ({ json: { productId, quantity: '2' } }), status: 400, code: 'VALIDATION_ERROR', field: 'quantity' },
    { name: 'a negative quantity', method: 'POST', path: () => '/api/cart/items', body: (productId) => ({ json: { productId, quantity: -1 } }), status: 400, code: 'VALIDATION_ERROR', field: 'quantity' },
    { name: 'a quantity of zero', method: 'POST', path: () => '/api/cart/items', body: (productId) => ({ json: { productId, quantity: 0 } }), status: 400, code: 'VALIDATION_ERROR', field: 'quantity' },
    { name: 'a fractional quantity', method: 'POST', path: () => '/api/cart/items', body: (productId) => ({ json: { productId, quantity: 1.5 } }), status: 400, code: 'VALIDATION_ERROR', field: 'quantity' },
    { name: 'a quantity past a 32-bit integer', method: 'POST', path: () => '/api/cart/items', body: (productId) => ({ json: { productId, quantity: 2_147_483_648 } }), status: 400, code: 'VALIDATION_ERROR', field: 'quantity' },
    { name: 'a product id with a NUL', method: 'POST', path: () => '/api/cart/items', body: (productId) => ({ json: { productId: `${productId}${NUL}`, quantity: 1 } }), status: 400, code: 'VALIDATION_ERROR', field: 'productId' },
    { name: 'a product id that is an object', method: 'POST', path: () => '/api/cart/items', body: () => ({ json: { productId: { id: 1 }, quantity: 1 } }), status: 400, code: 'VALIDATION_ERROR', field: 'productId' },
    { name: 'a quantity change of a list body', method: 'PATCH', path: (productId) => `/api/cart/items/${productId}`, body: () => ({ json: [{ quantity: 3 }] }), status: 400, code: 'VALIDATION_ERROR', field: 'body' },
    { name: 'a shipping address line with a NUL', method: 'PUT', path: () => '/api/cart/shipping-address', body: () => ({ json: { name: 'Ada', line1: `1 Main St${NUL}`, city: 'Springfield', postalCode: '12345', country: 'US' } }), status: 400, code: 'VALIDATION_ERROR', field: 'line1' },
    { name: 'a shipping address in an unknown country', method: 'PUT', path: () => '/api/cart/shipping-address', body: () => ({ json: { name: 'Ada', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'XX' } }), status: 400, code: 'VALIDATION_ERROR', field: 'country' },
  ];

  async function cartOf(customer: Customer, db: ShopDb) {
    const cart = await customer.api.request.get('/api/cart');
    await expect(cart).toHaveStatus(200);
    return { answer: await cart.json(), rows: await db.cartItems(customer.user.id) };
  }

  for (const hostile of cases) {
    test(`${hostile.name} is refused with ${hostile.status} ${hostile.code} and leaves the cart as it was`, async ({ factory, db }) => {
      const customer = await factory.customer();
      const { products } = await factory.productsInOwnCategory(1);
      await expect(await customer.api.request.post('/api/cart/items', { data: { productId: products[0].id, quantity: 1 } })).toHaveStatus(200);
      const before = await cartOf(customer, db);

      await expectAnswer(await send(customer.api, hostile.method, hostile.path(products[0].id), hostile.body(products[0].id)), hostile);

      expect(await cartOf(customer, db)).toEqual(before);
    });
  }
});

test.describe('hostile product queries', { tag: ['@security', '@catalog', '@api'] }, () => {
  // Reads: the answer is the evidence (nothing to change); each must be a 400 naming the parameter, never a 5xx.
  const cases: Array<{ name: string; query: string } & Answer> = [
    { name: 'a search with a NUL', query: 'q=a%00b', status: 400, code: 'VALIDATION_ERROR', field: 'q' },
    { name: 'a search given twice', query: 'q=a&q=b', status: 400, code: 'VALIDATION_ERROR', field: 'q' },
    { name: 'a search of 201 characters', query: `q=${'s'.repeat(201)}`, status: 400, code: 'VALIDATION_ERROR', field: 'q' },
    { name: 'page 0', query: 'page=0', status: 400, code: 'VALIDATION_ERROR', field: 'page' },
    { name: 'a negative page', query: 'page=-1', status: 400, code: 'VALIDATION_ERROR', field: 'page' },
    { name: 'a page size of 100000', query: 'pageSize=100000', status: 400, code: 'VALIDATION_ERROR', field: 'pageSize' },
    { name: 'a page in hexadecimal', query: 'page=0x10', status: 400, code: 'VALIDATION_ERROR', field: 'page' },
    { name: 'an unknown sort', query: 'sort=price;DROP TABLE products', status: 400, code: 'VALIDATION_ERROR', field: 'sort' },
    { name: 'a minimum price that is not a number', query: 'minPrice=abc', status: 400, code: 'VALIDATION_ERROR', field: 'minPrice' },
    { name: 'a category with a NUL', query: 'category=a%00', status: 400, code: 'VALIDATION_ERROR', field: 'category' },
  ];

  for (const hostile of cases) {
    test(`${hostile.name} is refused with ${hostile.status} ${hostile.code}`, async ({ api }) => {
      await expectAnswer(await api.request.get(`/api/products?${hostile.query}`), hostile);
    });
  }
});

test.describe('hostile paths', { tag: ['@security', '@catalog', '@api'] }, () => {
  test('a product id of 5000 characters is a 404 PRODUCT_NOT_FOUND in the envelope, not a 414 (found by Schemathesis)', async ({ api }) => {
    await expectAnswer(await api.request.get(`/api/products/${'z'.repeat(5000)}`), { status: 404, code: 'PRODUCT_NOT_FOUND' });
  });

  const apiPaths: Array<{ name: string; path: string } & Answer> = [
    { name: 'an API path that is not valid percent-encoding', path: '/api/products/%E0%A4%A', status: 400, code: 'BAD_REQUEST' },
    { name: 'an API path with a bare percent sign', path: '/api/orders/%ZZ', status: 400, code: 'BAD_REQUEST' },
    { name: 'a product id that is an encoded NUL', path: '/api/products/%00', status: 400, code: 'VALIDATION_ERROR', field: 'id' },
    { name: 'a product id that climbs out of its path', path: '/api/products/..%2f..%2fusers', status: 404, code: 'PRODUCT_NOT_FOUND' },
  ];
  for (const hostile of apiPaths) {
    test(`${hostile.name} is ${hostile.status} ${hostile.code} in the envelope, even for a browser`, async ({ api }) => {
      await expectAnswer(await api.request.get(hostile.path, { headers: { accept: 'text/html' } }), hostile);
    });
  }

  test('a page path that is not valid percent-encoding is the 400 error page for a browser, the envelope for anything else', async ({ api }) => {
    const page = await api.request.get('/products/%E0%A4%A', { headers: { accept: 'text/html,application/xhtml+xml' } });
    await expect(page).toHaveStatus(400);
    expect(page.headers()['content-type']).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<h1>Bad request</h1>');
    expect(html, 'no stack in the page').not.toMatch(/\bat \S+ \(|node_modules|Error:/);

    await expectAnswer(await api.request.get('/products/%E0%A4%A'), { status: 400, code: 'BAD_REQUEST' });
  });

  test('a login form over 1 MiB from a browser is the 413 error page, and no one is signed in', async ({ api, factory, db }) => {
    const customer = await factory.registeredUser();

    const response = await send(api, 'POST', '/login', { raw: `email=${encodeURIComponent(customer.email)}&password=${'x'.repeat(1_100_000)}`, type: FORM_TYPE['content-type'] }, { accept: 'text/html' });

    await expect(response).toHaveStatus(413);
    expect(await response.text()).toContain('<h1>Request too large</h1>');
    expect(response.headers()['set-cookie'] ?? '', 'no session cookie').not.toMatch(/session=/);
    expect(await db.loginAttempts(customer.email)).toBeUndefined();
  });
});

test.describe('mass assignment', { tag: ['@security', '@orders', '@cart', '@api'] }, () => {
  test('a product created with its own id, dates and deletion keeps none of them', async ({ adminApi, factory, db }) => {
    const category = await factory.category();
    const chosenId = crypto.randomUUID();

    const response = await send(adminApi, 'POST', '/api/products', { json: { ...factory.productData(category), id: chosenId, createdAt: '2000-01-01T00:00:00Z', deletedAt: '2000-01-02T00:00:00Z' } });

    await expect(response).toHaveStatus(201);
    const product = (await response.json()) as { id: string };
    expect(product.id).not.toBe(chosenId);
    expect(await db.productById(chosenId), 'no row with the chosen id').toBeUndefined();
    const row = await db.productById(product.id);
    expect(row?.deletedAt).toBeNull();
    expect(row?.createdAt.getUTCFullYear()).toBeGreaterThan(2000);
  });

  test('a cart line sent with its own price and an order sent with its own total, status and owner keep none of them', async ({ customer, factory, checkout, db }) => {
    const other = await factory.customer();
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 80, stock: 5 }));
    await expect(await send(customer.api, 'POST', '/api/cart/items', { json: { productId: products[0].id, quantity: 1, price: 0.01, unitPrice: 0.01 } })).toHaveStatus(200);
    await checkout.shipTo(customer);

    const response = await send(customer.api, 'POST', '/api/orders', { json: { paymentMethod: 'pm_card_visa', total: 0.01, subtotal: 0.01, status: 'paid', userId: other.user.id, discountTotal: 80 } });

    await expect(response).toHaveStatus(201);
    const order = (await response.json()) as { id: string; subtotal: number; total: number; status: string };
    expect(order.subtotal, 'the price of the product').toBe(80);
    expect(order.total).toBeGreaterThan(80);
    const row = await db.orderById(order.id);
    expect(row).toMatchObject({ userId: customer.user.id, subtotal: 80, total: order.total });
    expect(await db.ordersOfUser(other.user.id), 'nothing placed for the other customer').toEqual([]);
  });
});

test.describe('hostile webhooks', { tag: ['@security', '@webhooks', '@payments', '@api'] }, () => {
  /** Each body names the event `id` where it names one; none may be recorded as received. */
  const cases: Array<{ name: string; body: (id: string) => string; signing: 'signed' | 'unsigned' | 'another secret' | 'expired' } & Answer> = [
    { name: 'a signed null', body: () => 'null', signing: 'signed', status: 400, code: 'VALIDATION_ERROR', field: 'body' },
    { name: 'a signed list', body: () => '[]', signing: 'signed', status: 400, code: 'VALIDATION_ERROR', field: 'body' },
    { name: 'a signed empty object', body: () => '{}', signing: 'signed', status: 400, code: 'VALIDATION_ERROR', field: 'type' },
    { name: 'a signed event without data', body: (id) => JSON.stringify({ id, type: 'payment_intent.succeeded' }), signing: 'signed', status: 400, code: 'VALIDATION_ERROR', field: 'data' },
    { name: 'a signed event whose type is a number', body: (id) => JSON.stringify({ id, type: 7, data: { object: {} } }), signing: 'signed', status: 400, code: 'VALIDATION_ERROR', field: 'type' },
    { name: 'a signed body that is not JSON', body: (id) => `{"id":"${id}",`, signing: 'signed', status: 400, code: 'INVALID_JSON' },
    { name: 'an unsigned event', body: (id) => JSON.stringify({ id, type: 'payment_intent.succeeded', data: { object: {} } }), signing: 'unsigned', status: 401, code: 'INVALID_SIGNATURE' },
    { name: 'an event signed with another secret', body: (id) => JSON.stringify({ id, type: 'payment_intent.succeeded', data: { object: {} } }), signing: 'another secret', status: 401, code: 'INVALID_SIGNATURE' },
    { name: 'an event signed an hour ago', body: (id) => JSON.stringify({ id, type: 'payment_intent.succeeded', data: { object: {} } }), signing: 'expired', status: 401, code: 'WEBHOOK_EXPIRED' },
  ];

  for (const hostile of cases) {
    test(`${hostile.name} is refused with ${hostile.status} ${hostile.code} and recorded nowhere`, async ({ webhooks, db }) => {
      const id = `evt_hostile_${Date.now()}_${Math.random().toString(36).slice(2, 10)}`;
      const payload = hostile.body(id);
      const signed = {
        signed: () => webhooks.sign(payload),
        unsigned: () => ({ payload }),
        'another secret': () => webhooks.sign(payload, { secret: 'whsec_not_the_shops_secret_at_all' }),
        expired: () => webhooks.sign(payload, { timestamp: Math.floor(Date.now() / 1000) - 3600 }),
      }[hostile.signing]();

      await expectAnswer(await webhooks.deliver(signed), hostile);

      expect(await db.webhookEvents(id), 'no webhook_events row').toEqual([]);
    });
  }
});

test.describe('hostile login forms', { tag: ['@security', '@users', '@web'] }, () => {
  // The HTML login form: a field twice, or a JSON body of non-strings, is the login page again with an
  // error (never a 500), and no session cookie.
  const cases: Array<{ name: string; body: (email: string) => Body; status: number }> = [
    { name: 'the email sent twice', body: (email) => ({ raw: `email=${encodeURIComponent(email)}&email=other%40example.test&password=Passw0rd-1`, type: FORM_TYPE['content-type'] }), status: 400 },
    { name: 'the password sent twice', body: (email) => ({ raw: `email=${encodeURIComponent(email)}&password=a&password=b`, type: FORM_TYPE['content-type'] }), status: 400 },
    { name: 'a JSON body of an object and a list', body: () => ({ json: { email: { $gt: '' }, password: ['x'] } }), status: 400 },
  ];

  for (const hostile of cases) {
    test(`${hostile.name} answers the login page with ${hostile.status} and no session`, async ({ api, factory, db }) => {
      const customer = await factory.registeredUser();

      const response = await send(api, 'POST', '/login', hostile.body(customer.email));

      await expect(response).toHaveStatus(hostile.status);
      expect(response.headers()['content-type']).toContain('text/html');
      expect(await response.text()).toContain('<form');
      expect(response.headers()['set-cookie'] ?? '', 'no session cookie').not.toMatch(/session/i);
      expect(await db.loginAttempts(customer.email), 'no failed attempt recorded').toBeUndefined();
    });
  }
});
