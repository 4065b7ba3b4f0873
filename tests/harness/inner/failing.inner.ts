import { test, expect } from '../../../fixtures';

// Deliberately failing tests: only tests/harness/report-attachments.spec.ts runs them, in a child run, to read their report.

test('inner: a customer registers, its event and welcome mail are seen, then the test fails', async ({ factory, events, mailbox }) => {
  const { user, email } = await factory.registeredUser();
  const registered = await events.waitFor('users.registered', { userId: user.id });
  await mailbox.waitForEmail({ to: email, subject: /welcome/i });
  await events.consumedByShop('users.registered', registered);
  // Another request in the same window, not through the fixtures: its lines are not this test's.
  await fetch(`${process.env.SHOP_URL}/health`, { headers: { 'x-correlation-id': process.env.E2E_INNER_NOISE ?? '' } });
  expect(user.id, 'a deliberate failure').toBe('not this id');
});

test('inner: a page logs to the console and throws, undeclared', async ({ page, browserDiagnostics }) => {
  await page.goto('/products');
  await page.evaluate(() => {
    console.error('inner console error');
    setTimeout(() => {
      throw new Error('inner uncaught error');
    }, 0);
  });
  await expect.poll(() => browserDiagnostics.pageErrors.length).toBe(1);
});

test('inner: a page throws an error the test declared', async ({ page, browserDiagnostics }) => {
  browserDiagnostics.expectPageError(/inner declared error/);
  await page.goto('/products');
  await page.evaluate(() => {
    setTimeout(() => {
      throw new Error('inner declared error');
    }, 0);
  });
  await expect.poll(() => browserDiagnostics.pageErrors.length).toBe(1);
});
