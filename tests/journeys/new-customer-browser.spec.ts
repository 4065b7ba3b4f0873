import { test, expect } from '../../fixtures';

test.describe('journey: a new customer', { tag: ['@users', '@journey', '@web'] }, () => {
  test('a visitor finds a product, signs up, and the registration flows through the outbox, Kafka and mail', async ({
    page,
    catalogPage,
    productPage,
    registerPage,
    accountPage,
    loginPage,
    factory,
    db,
    events,
    mailbox,
  }) => {
    const category = await factory.category();
    const product = await factory.product(category, { price: 49.95, stock: 3 });
    const visitor = factory.userData();

    await test.step('browse the catalog to the product', async () => {
      await catalogPage.goto();
      await catalogPage.filter({ category: category.name });
      await catalogPage.openProduct(product.name);
      await expect(productPage.heading(product.name)).toBeVisible();
      await expect(productPage.price(49.95)).toBeVisible();
    });

    await test.step('register from the navigation', async () => {
      await productPage.registerLink.click();
      await registerPage.register(visitor);
      await expect(accountPage.heading).toBeVisible();
      await expect(accountPage.shows(visitor.email)).toBeVisible();
    });

    const user = await test.step('the user row exists, active', async () => {
      const row = await db.userByEmail(visitor.email);
      expect(row).toMatchObject({ name: visitor.name, role: 'customer', deletedAt: null });
      return row!;
    });

    await test.step('users.registered is published and its outbox row marked published', async () => {
      const event = await events.waitFor('users.registered', { userId: user.id });
      expect(event.envelope).toMatchEventContract('users.registered');
      expect(event.envelope.payload).toEqual({ userId: user.id, email: visitor.email, name: visitor.name });
      await expect.poll(async () => (await db.outboxRowByEventId(event.envelope.eventId))?.publishedAt ?? null).not.toBeNull();
    });

    await test.step('the welcome mail arrives, addressed by name', async () => {
      const mail = await mailbox.waitForEmail({ to: visitor.email, subject: `Welcome to Event Shop, ${visitor.name}` });
      expect(mail.text).toContain(visitor.name);
    });

    await test.step('log out, then log back in', async () => {
      await accountPage.logout();
      await expect(accountPage.loginLink).toBeVisible();
      await accountPage.loginLink.click();
      await loginPage.login(visitor);
      await expect(page).toHaveURL(/\/account$/);
      await expect(accountPage.shows(visitor.name)).toBeVisible();
    });
  });
});
