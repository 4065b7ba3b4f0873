import { randomUUID } from 'node:crypto';
import { test, expect, expectJson, expectError, detailsByField, env, type AuditLogRow, type ShopClient, type User } from '../../fixtures';

/**
 * The audit log (docs/API.md, "Audit log"): every audited action writes exactly one row in the transaction of its
 * change, naming its actor, its entity, the changed fields before and after, and the request's correlation id; an
 * action that fails writes none, and no row ever holds a password or a hash. Each test reads only the rows of the
 * entities it made (by their ids, or by its own correlation ids).
 */

/** The parts of a row a test compares (occurredAt and id vary). */
const shapeOf = (row: AuditLogRow) => ({
  action: row.action,
  actorKind: row.actorKind,
  actorId: row.actorId,
  entityType: row.entityType,
  entityId: row.entityId,
  changes: row.changes,
});

/** No password, no bcrypt hash (`$2…`), no hash or token-version field anywhere in the rows. */
function expectNoSecrets(rows: AuditLogRow[], ...passwords: string[]): void {
  const text = JSON.stringify(rows);
  for (const password of passwords) expect(text, 'no password in the audit log').not.toContain(password);
  expect(text).not.toContain('$2');
  for (const field of ['password_hash', 'passwordHash', 'token_version', 'tokenVersion']) expect(text).not.toContain(field);
}

async function adminUser(adminApi: ShopClient): Promise<User> {
  return expectJson(await adminApi.me());
}

test.describe('audit log: users', { tag: ['@users', '@data'] }, () => {
  test('a registration writes one user.registered row by the new user, with email, name and role and no secret', async ({ api, factory, db }) => {
    const data = factory.userData();
    const correlationId = randomUUID();

    const user = await expectJson(await api.register(data, { correlationId }), 201);

    const rows = await db.auditRowsFor(user.id);
    expect(rows.map(shapeOf)).toEqual([
      {
        action: 'user.registered',
        actorKind: 'user',
        actorId: user.id,
        entityType: 'user',
        entityId: user.id,
        changes: { email: { before: null, after: data.email }, name: { before: null, after: data.name }, role: { before: null, after: 'customer' } },
      },
    ]);
    expect(rows[0].correlationId).toBe(correlationId);
    expectNoSecrets(rows, data.password);
  });

  test('a profile change writes one user.updated row: name and email before and after, the password only as changed', async ({ customer, factory, db }) => {
    const newName = factory.faker.person.fullName();
    const newEmail = factory.email(newName);
    const newPassword = factory.password();
    const correlationId = randomUUID();

    await expect(await customer.api.updateUser(customer.user.id, { name: newName, email: newEmail, password: newPassword }, { correlationId })).toHaveStatus(200);

    const rows = await db.auditRowsFor(customer.user.id, 'user.updated');
    expect(rows.map(shapeOf)).toEqual([
      {
        action: 'user.updated',
        actorKind: 'user',
        actorId: customer.user.id,
        entityType: 'user',
        entityId: customer.user.id,
        changes: {
          name: { before: customer.name, after: newName },
          email: { before: customer.email, after: newEmail },
          password: { changed: true },
        },
      },
    ]);
    expect(rows[0].correlationId).toBe(correlationId);
    expectNoSecrets(await db.auditRowsFor(customer.user.id), customer.password, newPassword);
  });

  test('an admin’s change is the admin’s, and a field sent with its own value is no change', async ({ customer, adminApi, db }) => {
    const admin = await adminUser(adminApi);

    await expect(await adminApi.updateUser(customer.user.id, { name: `${customer.name} Jr`, email: customer.email })).toHaveStatus(200);

    const rows = await db.auditRowsFor(customer.user.id, 'user.updated');
    expect(rows.map(shapeOf)).toEqual([
      expect.objectContaining({ actorKind: 'user', actorId: admin.id, changes: { name: { before: customer.name, after: `${customer.name} Jr` } } }),
    ]);
  });

  test('a refused change writes no row: 409 EMAIL_EXISTS, 400 VALIDATION_ERROR, 403 for another user', async ({ customer, factory, db }) => {
    const other = await factory.registeredUser();

    await expectError(await customer.api.updateUser(customer.user.id, { email: other.email, name: 'Taken Email' }), 409, 'EMAIL_EXISTS');
    await expectError(await customer.api.updateUser(customer.user.id, { password: 'short' }), 400, 'VALIDATION_ERROR');
    await expectError(await customer.api.updateUser(other.user.id, { name: 'Not Mine' }), 403, 'FORBIDDEN');

    expect(await db.auditRowsFor(customer.user.id, 'user.updated')).toEqual([]);
    expect(await db.auditRowsFor(other.user.id, 'user.updated')).toEqual([]);
    expect((await db.userById(customer.user.id))?.name, 'and nothing changed').toBe(customer.name);
  });

  test('a deletion writes one user.deleted row with deletedAt, and one order.status_changed row per archived order', async ({ customer, factory, checkout, payments, db }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 4 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0] }]);
    const order = await checkout.placeOrder(customer, { paymentMethod: await payments.succeedingWithoutWebhooks() });
    const correlationId = randomUUID();

    await expect(await customer.api.deleteUser(customer.user.id, { correlationId })).toHaveStatus(204);

    const deletedAt = (await db.userById(customer.user.id))?.deletedAt?.toISOString();
    expect((await db.auditRowsFor(customer.user.id, 'user.deleted')).map(shapeOf)).toEqual([
      { action: 'user.deleted', actorKind: 'user', actorId: customer.user.id, entityType: 'user', entityId: customer.user.id, changes: { deletedAt: { before: null, after: deletedAt } } },
    ]);
    const archived = await db.auditRowsFor(order.id, 'order.status_changed');
    expect(archived.at(-1)).toMatchObject({ actorId: customer.user.id, correlationId, changes: { status: { before: 'pending_payment', after: 'archived' } } });
  });
});

test.describe('audit log: logins', { tag: ['@auth', '@security'] }, () => {
  test('failed logins of an account write login.failed rows by the account, and the lock one login.locked; no password, no email', async ({ api, factory, db }) => {
    const { email, user } = await factory.registeredUser();
    const wrongPasswords = Array.from({ length: env.loginMaxFailures }, (_unused, attempt) => `wrong-${attempt}-${factory.password()}`);

    for (const password of wrongPasswords) await expectError(await api.login({ email, password }), 401, 'INVALID_CREDENTIALS');
    await expectError(await api.login({ email, password: 'right-or-not-1' }), 429, 'TOO_MANY_ATTEMPTS');

    const failed = await db.auditRowsFor(user.id, 'login.failed');
    expect(failed.map((row) => row.changes)).toEqual(wrongPasswords.map((_password, attempt) => ({ failures: { before: attempt, after: attempt + 1 } })));
    expect(failed.every((row) => row.actorKind === 'user' && row.actorId === user.id && row.entityType === 'user')).toBe(true);
    const locked = await db.auditRowsFor(user.id, 'login.locked');
    expect(locked, 'one lock, by the failure that reached the limit; the 429 writes nothing').toHaveLength(1);
    expect(locked[0].correlationId).toBe(failed.at(-1)?.correlationId);
    const lockedUntil = (await db.loginAttempts(email))?.lockedUntil?.toISOString();
    expect(locked[0].changes).toEqual({ lockedUntil: { before: null, after: lockedUntil } });
    const rows = [...failed, ...locked];
    expectNoSecrets(rows, ...wrongPasswords);
    expect(JSON.stringify(rows)).not.toContain(email);
  });

  test('a failed login with an email that is no account is recorded with no actor and no entity, and without the email', async ({ api, factory, db }) => {
    const email = factory.email();
    const password = factory.password();
    const correlationId = randomUUID();

    await expectError(await api.login({ email, password }, { correlationId }), 401, 'INVALID_CREDENTIALS');

    const rows = await db.auditRowsCorrelated(correlationId);
    expect(rows.map(shapeOf)).toEqual([
      { action: 'login.failed', actorKind: 'user', actorId: null, entityType: 'user', entityId: null, changes: { failures: { before: 0, after: 1 } } },
    ]);
    expect(JSON.stringify(rows)).not.toContain(email);
    expectNoSecrets(rows, password);
  });
});

test.describe('audit log: products', { tag: ['@catalog', '@data'] }, () => {
  test('an admin’s create, change and delete of a product write one row each with only the changed fields', async ({ adminApi, factory, db }) => {
    const admin = await adminUser(adminApi);
    const category = await factory.category();
    const product = await factory.product(category, { price: 12.5, stock: 7 });
    const other = await factory.product(category);

    await test.step('a change refused (409 SKU_EXISTS) writes nothing; the real change writes its fields only', async () => {
      await expectError(await adminApi.updateProduct(product.id, { sku: other.sku }, { ifMatch: '*' }), 409, 'SKU_EXISTS');
      await expect(await adminApi.updateProduct(product.id, { price: 14.25, name: product.name }, { ifMatch: '*' })).toHaveStatus(200);
    });

    await expect(await adminApi.deleteProduct(product.id, { ifMatch: '*' })).toHaveStatus(204);

    const rows = await db.auditRowsFor(product.id);
    expect(rows.map((row) => row.action)).toEqual(['product.created', 'product.updated', 'product.deleted']);
    expect(rows.every((row) => row.actorKind === 'user' && row.actorId === admin.id && row.entityType === 'product')).toBe(true);
    expect(rows[0].changes).toEqual({
      sku: { before: null, after: product.sku },
      name: { before: null, after: product.name },
      description: { before: null, after: product.description },
      price: { before: null, after: 12.5 },
      stock: { before: null, after: 7 },
      categorySlug: { before: null, after: category.slug },
    });
    expect(rows[1].changes, 'the name sent unchanged is not recorded').toEqual({ price: { before: 12.5, after: 14.25 } });
    const deletedAt = (await db.productById(product.id))?.deletedAt?.toISOString();
    expect(rows[2].changes).toEqual({ deletedAt: { before: null, after: deletedAt } });
  });
});

test.describe('audit log: orders', { tag: ['@orders', '@data'] }, () => {
  test('an order’s moves give one row each: accepted by the customer, paid by the system, shipped and delivered by the admin', async ({ customer, factory, checkout, payments, webhooks, adminApi, db }) => {
    const admin = await adminUser(adminApi);
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5, price: 20 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 2 }]);
    const placedBy = randomUUID();
    const placed = await checkout.placeOrder(customer, { paymentMethod: await payments.succeedingWithoutWebhooks(), correlationId: placedBy });

    const { response: paidBy } = await test.step('the provider’s webhook pays it', async () => webhooks.send(webhooks.succeeded(placed)));

    await expect(paidBy).toHaveStatus(200);

    await test.step('a move the state machine refuses (deliver before ship) writes nothing', async () => {
      await expectError(await adminApi.deliverOrder(placed.id), 400, 'INVALID_STATUS_TRANSITION');
    });

    const shipped = await checkout.ship(placed.id, { carrier: 'UPS', trackingNumber: 'TRK-AUDIT-1' });
    const delivered = await checkout.deliver(placed.id);

    const rows = await db.auditRowsFor(placed.id);
    expect(rows.map((row) => [row.action, row.actorKind, row.actorId, row.changes.status])).toEqual([
      ['order.status_changed', 'user', customer.user.id, { before: 'paying', after: 'pending_payment' }],
      ['order.status_changed', 'system', null, { before: 'pending_payment', after: 'paid' }],
      ['order.status_changed', 'user', admin.id, { before: 'paid', after: 'shipped' }],
      ['order.status_changed', 'user', admin.id, { before: 'shipped', after: 'delivered' }],
    ]);
    expect(rows.map((row) => row.correlationId).slice(0, 2)).toEqual([placedBy, paidBy.headers()['x-correlation-id']]);
    expect(rows[2].changes).toEqual({
      status: { before: 'paid', after: 'shipped' },
      shippedAt: { before: null, after: shipped.shippedAt },
      carrier: { before: null, after: 'UPS' },
      trackingNumber: { before: null, after: 'TRK-AUDIT-1' },
    });
    expect(rows[3].changes).toEqual({ status: { before: 'shipped', after: 'delivered' }, deliveredAt: { before: null, after: delivered.deliveredAt } });
  });

  test('an admin’s cancel of a paid order: refunding and cancelled by the admin, and one order.refunded row', async ({ customer, factory, checkout, adminApi, db }) => {
    const admin = await adminUser(adminApi);
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 3 }));
    const order = await checkout.buy(customer, [{ product: products[0] }]);
    const correlationId = randomUUID();

    await test.step('the owner may not cancel it (403): nothing is written', async () => {
      await expectError(await customer.api.cancelOrder(order.id), 403, 'FORBIDDEN');
    });

    const cancelled = await expectJson(await adminApi.cancelOrder(order.id, { correlationId }));

    const rows = await db.auditRowsCorrelated(correlationId);
    expect(rows.map((row) => [row.action, row.actorId, row.entityId])).toEqual([
      ['order.status_changed', admin.id, order.id],
      ['order.status_changed', admin.id, order.id],
      ['order.refunded', admin.id, order.id],
    ]);
    expect(rows[0].changes.status).toEqual({ before: 'paid', after: 'refunding' });
    expect(rows[1].changes).toMatchObject({ status: { before: 'refunding', after: 'cancelled' }, cancelReason: { before: null, after: 'admin_request' } });
    expect(rows[2].changes).toEqual({ paymentStatus: { before: 'succeeded', after: 'refunded' }, refundedAt: { before: null, after: cancelled.refundedAt } });
    expect(await db.auditRowsFor(order.id, 'order.refunded')).toHaveLength(1);
  });
});

test.describe('GET /api/audit-log', { tag: ['@users', '@api'] }, () => {
  test('only an admin may list it: a customer gets 403 FORBIDDEN, no token 401 UNAUTHENTICATED', async ({ api, customer }) => {
    await expectError(await customer.api.auditLog(), 403, 'FORBIDDEN');
    await expectError(await api.auditLog(), 401, 'UNAUTHENTICATED');
  });

  test('filters by entity, actor, action and time, newest first, paged like the catalog', async ({ customer, factory, adminApi }) => {
    const before = new Date(Date.now() - 1_000).toISOString();
    for (const name of ['First Rename', 'Second Rename', 'Third Rename']) {
      await expect(await customer.api.updateUser(customer.user.id, { name })).toHaveStatus(200);
    }
    const ownChanges = { entityType: 'user', entityId: customer.user.id, action: 'user.updated' };

    await test.step('by entity and action: the three changes, newest first', async () => {
      const page = await expectJson(await adminApi.auditLog(ownChanges));
      expect(page.data.map((entry) => entry.changes.name)).toEqual([
        { before: 'Second Rename', after: 'Third Rename' },
        { before: 'First Rename', after: 'Second Rename' },
        { before: customer.name, after: 'First Rename' },
      ]);
      expect(page.data.every((entry) => entry.actor.kind === 'user' && entry.actor.id === customer.user.id)).toBe(true);
      expect(page.meta).toEqual({ page: 1, pageSize: 20, totalItems: 3, totalPages: 1 });
    });

    await test.step('by actor: the registration and the changes, nobody else’s', async () => {
      const page = await expectJson(await adminApi.auditLog({ actorId: customer.user.id }));
      expect(page.data.map((entry) => entry.action)).toEqual(['user.updated', 'user.updated', 'user.updated', 'user.registered']);
    });

    await test.step('pages of one, with links that keep the filters', async () => {
      const first = await expectJson(await adminApi.auditLog({ ...ownChanges, pageSize: 1 }));
      expect(first.meta).toEqual({ page: 1, pageSize: 1, totalItems: 3, totalPages: 3 });
      expect(first.links.prev).toBeNull();
      expect(first.links.next).toBe(`/api/audit-log?entityType=user&entityId=${customer.user.id}&action=user.updated&pageSize=1&page=2`);
      const second = await expectJson(await adminApi.followAuditLog(first.links.next ?? ''));
      expect(second.data[0].changes.name).toEqual({ before: 'First Rename', after: 'Second Rename' });
      const last = await expectJson(await adminApi.followAuditLog(second.links.last));
      expect(last.links.next).toBeNull();
      expect(last.data[0].changes.name).toEqual({ before: customer.name, after: 'First Rename' });
    });

    await test.step('by time: from includes, to excludes', async () => {
      const all = await expectJson(await adminApi.auditLog(ownChanges));
      const middle = all.data[1].occurredAt;
      const since = await expectJson(await adminApi.auditLog({ ...ownChanges, from: before }));
      expect(since.meta.totalItems).toBe(3);
      const until = await expectJson(await adminApi.auditLog({ ...ownChanges, from: before, to: middle }));
      expect(until.data.map((entry) => entry.changes.name)).toEqual([{ before: customer.name, after: 'First Rename' }]);
      const future = await expectJson(await adminApi.auditLog({ ...ownChanges, from: new Date(Date.now() + 3_600_000).toISOString() }));
      expect(future.data).toEqual([]);
    });

    await test.step('a product of the test’s own is not among the user’s entries', async () => {
      const product = await factory.product(await factory.category());
      const page = await expectJson(await adminApi.auditLog({ entityType: 'product', entityId: product.id }));
      expect(page.data.map((entry) => entry.action)).toEqual(['product.created']);
    });
  });

  test('invalid filters answer 400 VALIDATION_ERROR naming each field', async ({ adminApi }) => {
    const error = await expectError(
      await adminApi.auditLog({ entityId: 'not-a-uuid', action: 'user.hacked', entityType: 'cart', pageSize: 101 }),
      400,
      'VALIDATION_ERROR',
    );
    expect(detailsByField(error)).toEqual({
      entityId: ['must be a UUID'],
      action: ['must be an audit action, like user.updated'],
      entityType: ['must be one of user, product, order'],
      pageSize: ['must be an integer from 1 to 100'],
    });

    const range = await expectError(await adminApi.auditLog({ from: '2030-01-02T00:00:00Z', to: '2030-01-01T00:00:00Z' }), 400, 'VALIDATION_ERROR');
    expect(detailsByField(range)).toEqual({ to: ['must be later than from'] });
    const noZone = await expectError(await adminApi.auditLog({ from: '2030-01-01T00:00:00' }), 400, 'VALIDATION_ERROR');
    expect(detailsByField(noZone)).toEqual({ from: ['must be an ISO 8601 date-time with a time zone'] });
  });
});
