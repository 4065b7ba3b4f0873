import { test, expect } from '../../fixtures';

test.describe('content security policy in the browser', { tag: ['@security', '@catalog', '@web'] }, () => {
  test('the pages satisfy their own policy: no violation reported, and the style sheet applies', async ({ page, factory }) => {
    const { products } = await factory.productsInOwnCategory(1);
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) violations.push(message.text());
    });

    for (const path of ['/products', `/products/${products[0].id}`, '/login', '/register']) {
      const response = await page.goto(path);
      expect(response?.headers()['content-security-policy'], path).toContain("default-src 'none'");
      // The header's background comes from the inline style sheet: it applies only if the policy allows it.
      await expect(page.locator('header')).toHaveCSS('background-color', 'rgb(31, 58, 95)');
    }
    expect(violations, 'CSP violations the browser reported').toEqual([]);
  });

  test('a style the page did not ship is refused by the browser', async ({ page }) => {
    await page.goto('/login');
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });

    // As an injected <style> would: the policy allows the shop's own sheet by its hash, nothing else.
    await page.evaluate(() => {
      const style = document.createElement('style');
      style.textContent = 'body { background: rgb(255, 0, 0) !important; }';
      document.head.append(style);
    });

    await expect.poll(() => violations.length, { message: 'the browser reported the refused style' }).toBeGreaterThan(0);
    await expect(page.locator('body')).not.toHaveCSS('background-color', 'rgb(255, 0, 0)');
  });
});
