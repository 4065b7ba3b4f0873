import { test, expect, expectError, env } from '../../fixtures';

test.describe('user rows', { tag: ['@users', '@data'] }, () => {
  test("a password is stored only as a bcrypt hash, at the shop's PASSWORD_HASH_ROUNDS cost", async ({ db, factory }) => {
    const { user, password } = await factory.registeredUser();

    const row = await db.userById(user.id);

    expect(row?.passwordHash).toMatch(/^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/);
    expect(row?.passwordHash).not.toContain(password);
    // The cost factor is the hash's second field: the setting reached the shop (the suite's test setting, or 10).
    expect(row?.passwordHash.split('$')[2]).toBe(String(env.passwordHashRounds).padStart(2, '0'));
  });

  test('the row stores the email lower-cased and the role customer', async ({ api, db, factory }) => {
    const data = factory.userData();

    await expect(await api.register({ ...data, email: data.email.toUpperCase() })).toHaveStatus(201);

    expect(await db.userByEmail(data.email)).toMatchObject({ email: data.email.toLowerCase(), name: data.name, role: 'customer', deletedAt: null });
  });

  test('a soft delete keeps the row with deleted_at, and re-registering adds a new active row', async ({ api, db, factory, customer }) => {
    await expect(await customer.api.deleteUser(customer.user.id)).toHaveStatus(204);

    await test.step('the row is still there, with deleted_at set', async () => {
      const row = await db.userById(customer.user.id);
      expect(row).toMatchObject({ email: customer.email, name: customer.name });
      expect(row?.deletedAt).toBeInstanceOf(Date);
    });

    await test.step('registering the email again makes a second, active row', async () => {
      await expect(await api.register(factory.userData({ email: customer.email }))).toHaveStatus(201);
      const rows = await db.usersByEmail(customer.email);
      expect(rows).toHaveLength(2);
      expect(rows.filter((row) => row.deletedAt === null)).toHaveLength(1);
      expect(rows.find((row) => row.deletedAt !== null)?.id).toBe(customer.user.id);
    });
  });

  test('a registration that fails validation leaves no user row', async ({ api, db, factory }) => {
    const data = factory.userData({ name: '' });

    await expectError(await api.register(data), 400, 'VALIDATION_ERROR');

    expect(await db.usersByEmail(data.email)).toEqual([]);
  });

  test('failed logins are counted per email in login_attempts', async ({ api, db, factory }) => {
    const { email } = await factory.registeredUser();

    await api.login({ email, password: 'wrong-pass-1' });
    await api.login({ email, password: 'wrong-pass-2' });

    expect(await db.loginAttempts(email)).toMatchObject({ email: email.toLowerCase(), failures: 2 });
  });
});
