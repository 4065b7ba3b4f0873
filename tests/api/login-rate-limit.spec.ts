import { test, expect, expectError, env } from '../../fixtures';

test.describe('login rate limit', { tag: ['@auth', '@api', '@security'] }, () => {
  test('after the allowed failures the account answers 429 with Retry-After, even with the right password', async ({ api, factory, db }) => {
    const { email, password } = await factory.registeredUser();

    await test.step(`${env.loginMaxFailures} wrong passwords answer 401`, async () => {
      for (let attempt = 1; attempt <= env.loginMaxFailures; attempt += 1) {
        await expectError(await api.login({ email, password: `wrong-${attempt}-A1` }), 401, 'INVALID_CREDENTIALS');
      }
    });

    await test.step('the right password now answers 429 TOO_MANY_ATTEMPTS', async () => {
      const locked = await api.login({ email, password });
      await expectError(locked, 429, 'TOO_MANY_ATTEMPTS');
      const retryAfter = Number(locked.headers()['retry-after']);
      expect(retryAfter, 'Retry-After in seconds').toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(env.loginLockSeconds);
    });

    await test.step('the lock is recorded for the email', async () => {
      const attempts = await db.loginAttempts(email);
      expect(attempts?.lockedUntil?.getTime()).toBeGreaterThan(Date.now());
    });
  });

  test('an unknown email is locked the same way', async ({ api, factory }) => {
    const email = factory.email();

    for (let attempt = 1; attempt <= env.loginMaxFailures; attempt += 1) {
      await expectError(await api.login({ email, password: factory.password() }), 401, 'INVALID_CREDENTIALS');
    }
    const locked = await api.login({ email, password: factory.password() });

    await expectError(locked, 429, 'TOO_MANY_ATTEMPTS');
    expect(Number(locked.headers()['retry-after'])).toBeGreaterThan(0);
  });

  test('a successful login before the limit resets the count', async ({ api, factory, db }) => {
    const { email, password } = await factory.registeredUser();
    const failNearlyEnough = async () => {
      for (let attempt = 1; attempt < env.loginMaxFailures; attempt += 1) {
        await expectError(await api.login({ email, password: `wrong-${attempt}-A1` }), 401, 'INVALID_CREDENTIALS');
      }
    };

    await test.step('one failure short of the limit, then a success', async () => {
      await failNearlyEnough();
      expect((await db.loginAttempts(email))?.failures).toBe(env.loginMaxFailures - 1);
      await expect(await api.login({ email, password })).toHaveStatus(200);
      expect((await db.loginAttempts(email))?.failures ?? 0, 'the count is back to zero').toBe(0);
    });

    await test.step('as many failures again still leave the account open', async () => {
      await failNearlyEnough();
      await expect(await api.login({ email, password })).toHaveStatus(200);
    });
  });

  test("one account's lock does not affect another account", async ({ api, factory }) => {
    const locked = await factory.registeredUser();
    const other = await factory.registeredUser();

    for (let attempt = 1; attempt <= env.loginMaxFailures; attempt += 1) {
      await api.login({ email: locked.email, password: `wrong-${attempt}-A1` });
    }

    await expectError(await api.login({ email: locked.email, password: locked.password }), 429, 'TOO_MANY_ATTEMPTS');
    await expect(await api.login({ email: other.email, password: other.password })).toHaveStatus(200);
  });
});
