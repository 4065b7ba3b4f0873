import { test, expect, expectError, env } from '../../fixtures';

test.describe('account in the browser', { tag: ['@users', '@web'] }, () => {
  test('registering lands on the account page, logged in, and the welcome mail arrives', async ({ page, registerPage, accountPage, factory, mailbox }) => {
    const user = factory.userData();

    await test.step('fill in Create your account', async () => {
      await registerPage.goto();
      await expect(registerPage.heading).toBeVisible();
      await registerPage.register(user);
    });

    await test.step('the account page shows the new user', async () => {
      await expect(page).toHaveURL(/\/account$/);
      await expect(accountPage.heading).toBeVisible();
      await expect(accountPage.shows(user.name)).toBeVisible();
      await expect(accountPage.shows(user.email)).toBeVisible();
      await expect(accountPage.accountLink).toBeVisible();
    });

    await test.step('the welcome mail arrives', async () => {
      await expect(mailbox).toHaveReceived({ to: user.email, subject: `Welcome to Event Shop, ${user.name}` });
    });
  });

  test('a registration the shop refuses shows an alert with the message and stays on the form', async ({ page, registerPage, factory }) => {
    await registerPage.goto();

    await registerPage.register(factory.userData({ password: 'lettersonly' }));

    await expect(registerPage.alert).toContainText(/digit|number/i);
    await expect(page).toHaveURL(/\/register/);
    await expect(registerPage.heading).toBeVisible();
  });

  test('logging in opens the account page with an HttpOnly session cookie', async ({ page, context, loginPage, accountPage, factory }) => {
    const user = await factory.registeredUser();

    await loginPage.goto();
    await loginPage.login(user);

    await expect(page).toHaveURL(/\/account$/);
    await expect(accountPage.heading).toBeVisible();
    await expect(accountPage.shows(user.name)).toBeVisible();
    await expect(accountPage.shows(user.email)).toBeVisible();
    const session = (await context.cookies()).find((cookie) => cookie.name === 'session');
    expect(session?.httpOnly, 'the session cookie is HttpOnly').toBe(true);
  });

  test('a wrong password shows the alert "Invalid email or password"', async ({ page, loginPage, factory }) => {
    const user = await factory.registeredUser();

    await loginPage.goto();
    await loginPage.login({ email: user.email, password: factory.password() });

    await expect(loginPage.alert).toContainText('Invalid email or password');
    await expect(page).toHaveURL(/\/login/);
    await expect(loginPage.loginLink).toBeVisible();
  });

  test('a locked account shows the rate-limit message, even with the right password', async ({ page, api, loginPage, factory }) => {
    const user = await factory.registeredUser();

    const lockMessage = await test.step('lock the account through the API', async () => {
      for (let attempt = 1; attempt <= env.loginMaxFailures; attempt += 1) {
        await api.login({ email: user.email, password: `wrong-${attempt}-A1` });
      }
      return (await expectError(await api.login(user), 429, 'TOO_MANY_ATTEMPTS')).message;
    });

    await loginPage.goto();
    await loginPage.login(user);

    await expect(loginPage.alert).toContainText(lockMessage);
    await expect(page).toHaveURL(/\/login/);
  });

  test('logging out ends the session: the account page sends back to log in', async ({ page, loginPage, accountPage, factory }) => {
    const user = await factory.registeredUser();
    await loginPage.goto();
    await loginPage.login(user);
    await expect(accountPage.heading).toBeVisible();

    await accountPage.logout();

    await expect(accountPage.loginLink).toBeVisible();
    await expect(accountPage.registerLink).toBeVisible();
    await accountPage.goto();
    await expect(page).toHaveURL(/\/login$/);
    await expect(loginPage.heading).toBeVisible();
  });

  test('the account page redirects a visitor who is not logged in to /login', async ({ page, accountPage, loginPage }) => {
    await accountPage.goto();

    await expect(page).toHaveURL(/\/login$/);
    await expect(loginPage.heading).toBeVisible();
    await expect(loginPage.loginLink).toBeVisible();
    await expect(loginPage.registerLink).toBeVisible();
  });
});
