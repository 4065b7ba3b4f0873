import { test, expect, expectJson, expectError, detailsByField } from '../../fixtures';

const USER_FIELDS = ['createdAt', 'email', 'id', 'name', 'role', 'updatedAt'];

test.describe('registration', { tag: ['@users', '@api'] }, () => {
  test('registering answers 201 with the user, its Location and no secrets', async ({ api, factory }) => {
    const data = factory.userData();

    const response = await api.register(data);

    await expect(response).toHaveStatus(201);
    const user = await expectJson(response, 201);
    expect(Object.keys(user).sort(), 'a user is { id, email, name, role, createdAt, updatedAt }, never a hash or deletedAt').toEqual(USER_FIELDS);
    expect(user).toMatchObject({ email: data.email, name: data.name, role: 'customer' });
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(user.createdAt)).not.toBeNaN();
    expect(Date.parse(user.updatedAt)).not.toBeNaN();
    expect(response.headers()['location']).toMatch(new RegExp(`(^|[^/])/api/users/${user.id}$`));
  });

  test('registration always makes a customer, even when the body asks for admin', async ({ api, factory }) => {
    const response = await api.register({ ...factory.userData(), role: 'admin' });

    await expect(response).toHaveStatus(201);
    expect((await expectJson(response, 201)).role).toBe('customer');
  });

  test('the email is stored lower-cased', async ({ api, factory }) => {
    const data = factory.userData();
    const mixedCase = data.email.replace(/^(.)(.*)@(.*)$/, (_m, first: string, rest: string, domain: string) => `${first.toUpperCase()}${rest}@${domain.toUpperCase()}`);

    const response = await api.register({ ...data, email: mixedCase });

    await expect(response).toHaveStatus(201);
    expect((await expectJson(response, 201)).email).toBe(data.email.toLowerCase());
  });

  test('an email an active user has is refused with 409 EMAIL_EXISTS, whatever its case', async ({ api, factory }) => {
    const first = await factory.registeredUser();

    await test.step('same email again', async () => {
      await expectError(await api.register(factory.userData({ email: first.email })), 409, 'EMAIL_EXISTS');
    });

    await test.step('same email in upper case', async () => {
      await expectError(await api.register(factory.userData({ email: first.email.toUpperCase() })), 409, 'EMAIL_EXISTS');
    });
  });

  test('a name of 100 characters is accepted', async ({ api, factory }) => {
    const name = factory.faker.string.alpha({ length: 100 });

    const response = await api.register(factory.userData({ name }));

    await expect(response).toHaveStatus(201);
    expect((await expectJson(response, 201)).name).toBe(name);
  });
});

test.describe('registration validation', { tag: ['@users', '@api', '@validation'] }, () => {
  test('an invalid email is a VALIDATION_ERROR on the email field', async ({ api, factory }) => {
    for (const email of ['not-an-email', 'missing-domain@', '@missing-local.test']) {
      await test.step(`email "${email}"`, async () => {
        const error = await expectError(await api.register(factory.userData({ email })), 400, 'VALIDATION_ERROR');
        expect(Object.keys(detailsByField(error))).toEqual(['email']);
      });
    }
  });

  test('a name must have 1 to 100 characters', async ({ api, factory }) => {
    for (const name of ['', factory.faker.string.alpha({ length: 101 })]) {
      await test.step(`name of ${name.length} characters`, async () => {
        const error = await expectError(await api.register(factory.userData({ name })), 400, 'VALIDATION_ERROR');
        expect(Object.keys(detailsByField(error))).toEqual(['name']);
      });
    }
  });

  test('a password needs 8 characters, a letter and a digit, and the message names what is missing', async ({ api, factory }) => {
    const cases: Array<{ password: string; missing: RegExp }> = [
      { password: 'abc12', missing: /8/ },
      { password: 'onlyletters', missing: /digit|number/i },
      { password: '1234567890', missing: /letter/i },
    ];
    for (const { password, missing } of cases) {
      await test.step(`password "${password}"`, async () => {
        const error = await expectError(await api.register(factory.userData({ password })), 400, 'VALIDATION_ERROR');
        const byField = detailsByField(error);
        expect(Object.keys(byField)).toEqual(['password']);
        expect(byField.password.join(' ')).toMatch(missing);
      });
    }
  });

  test('every invalid field gets its own details entry', async ({ api }) => {
    const error = await expectError(await api.register({ email: 'nope', name: '', password: 'x' }), 400, 'VALIDATION_ERROR');

    expect(Object.keys(detailsByField(error)).sort()).toEqual(['email', 'name', 'password']);
  });

  test('missing fields are reported as validation errors', async ({ api }) => {
    const error = await expectError(await api.register({}), 400, 'VALIDATION_ERROR');

    expect(Object.keys(detailsByField(error)).sort()).toEqual(['email', 'name', 'password']);
  });
});

test.describe('reading a user', { tag: ['@users', '@api'] }, () => {
  test('a user reads itself with private caching and an ETag that answers 304 when unchanged', async ({ customer }) => {
    const response = await customer.api.getUser(customer.user.id);

    await expect(response).toHaveStatus(200);
    expect(await response.json()).toEqual(customer.user);
    expect(response.headers()['cache-control']).toBe('private, max-age=60');
    const etag = response.headers()['etag'];
    expect(etag, 'an ETag header').toBeTruthy();

    await test.step('If-None-Match with that ETag answers 304 without a body', async () => {
      const revalidated = await customer.api.getUser(customer.user.id, { headers: { 'if-none-match': etag } });
      await expect(revalidated).toHaveStatus(304);
      expect((await revalidated.body())).toHaveLength(0);
    });
  });

  test('after an update the old ETag no longer matches', async ({ customer, factory }) => {
    const before = await customer.api.getUser(customer.user.id);
    const etag = before.headers()['etag'];

    await expect(await customer.api.updateUser(customer.user.id, { name: factory.faker.person.fullName() })).toHaveStatus(200);
    const after = await customer.api.getUser(customer.user.id, { headers: { 'if-none-match': etag } });

    await expect(after).toHaveStatus(200);
    expect(after.headers()['etag']).not.toBe(etag);
  });

  test('an unknown or non-UUID user id answers 404 USER_NOT_FOUND', async ({ adminApi }) => {
    await expectError(await adminApi.getUser('00000000-0000-4000-8000-000000000000'), 404, 'USER_NOT_FOUND');
    await expectError(await adminApi.getUser('not-a-uuid'), 404, 'USER_NOT_FOUND');
  });

  test('reading a user needs a token', async ({ api, customer }) => {
    await expectError(await api.getUser(customer.user.id), 401, 'UNAUTHENTICATED');
  });
});

test.describe('updating a user', { tag: ['@users', '@api'] }, () => {
  test('a user renames itself and the change is kept', async ({ customer, factory }) => {
    const name = factory.faker.person.fullName();

    const response = await customer.api.updateUser(customer.user.id, { name });

    await expect(response).toHaveStatus(200);
    const updated = await expectJson(response);
    expect(updated).toMatchObject({ id: customer.user.id, email: customer.email, name, createdAt: customer.user.createdAt });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(customer.user.updatedAt));
    expect(await (await customer.api.getUser(customer.user.id)).json()).toMatchObject({ name });
  });

  test('a user changes email and password, and only the new ones log in', async ({ api, customer, factory }) => {
    const email = factory.email();
    const password = factory.password();

    await expect(await customer.api.updateUser(customer.user.id, { email, password })).toHaveStatus(200);

    await expect(await api.login({ email, password })).toHaveStatus(200);
    await expectError(await api.login({ email: customer.email, password: customer.password }), 401, 'INVALID_CREDENTIALS');
    await expectError(await api.login({ email, password: customer.password }), 401, 'INVALID_CREDENTIALS');
  });

  test('an update with an invalid field is a VALIDATION_ERROR and changes nothing', async ({ customer }) => {
    const error = await expectError(await customer.api.updateUser(customer.user.id, { name: '' }), 400, 'VALIDATION_ERROR');

    expect(Object.keys(detailsByField(error))).toEqual(['name']);
    expect(await (await customer.api.getUser(customer.user.id)).json()).toMatchObject({ name: customer.name });
  });

  test('a customer cannot make itself an admin', async ({ customer }) => {
    const response = await customer.api.updateUser(customer.user.id, { role: 'admin' });

    expect([200, 400], 'the role is not an updatable field').toContain(response.status());
    expect(await (await customer.api.getUser(customer.user.id)).json()).toMatchObject({ role: 'customer' });
  });
});

test.describe('deleting a user', { tag: ['@users', '@api'] }, () => {
  test('a deleted user is gone from the API, cannot log in, and its email can be registered again', async ({ api, adminApi, customer, factory }) => {
    await test.step('the user deletes itself: 204', async () => {
      const response = await customer.api.deleteUser(customer.user.id);
      await expect(response).toHaveStatus(204);
      expect((await response.body())).toHaveLength(0);
    });

    await test.step('GET answers 404 USER_NOT_FOUND', async () => {
      await expectError(await adminApi.getUser(customer.user.id), 404, 'USER_NOT_FOUND');
    });

    await test.step('the right password no longer logs in', async () => {
      const error = await expectError(await api.login({ email: customer.email, password: customer.password }), 401, 'INVALID_CREDENTIALS');
      expect(error.message).toBe('Invalid email or password');
    });

    await test.step('the email registers again, as a new user', async () => {
      const again = await api.register(factory.userData({ email: customer.email }));
      await expect(again).toHaveStatus(201);
      expect((await expectJson(again, 201)).id).not.toBe(customer.user.id);
    });
  });

  test('an admin reads, updates and deletes any customer', async ({ adminApi, factory }) => {
    const { user } = await factory.registeredUser();
    const name = factory.faker.person.fullName();

    await expect(await adminApi.getUser(user.id)).toHaveStatus(200);
    const updated = await adminApi.updateUser(user.id, { name });
    await expect(updated).toHaveStatus(200);
    expect(await updated.json()).toMatchObject({ id: user.id, name });
    await expect(await adminApi.deleteUser(user.id)).toHaveStatus(204);
    await expectError(await adminApi.getUser(user.id), 404, 'USER_NOT_FOUND');
  });
});

test.describe('ownership', { tag: ['@users', '@api', '@security'] }, () => {
  test('a customer cannot read, update or delete another user: 403 FORBIDDEN', async ({ customer, factory, adminApi }) => {
    const other = await factory.registeredUser();

    await expectError(await customer.api.getUser(other.user.id), 403, 'FORBIDDEN');
    await expectError(await customer.api.updateUser(other.user.id, { name: 'Taken Over' }), 403, 'FORBIDDEN');
    await expectError(await customer.api.deleteUser(other.user.id), 403, 'FORBIDDEN');
    expect(await (await adminApi.getUser(other.user.id)).json(), 'the other user is untouched').toEqual(other.user);
  });
});
