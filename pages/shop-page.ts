import type { Locator, Page } from '@playwright/test';

/** What every page of the shop has: the `Main` navigation and its alerts. */
export abstract class ShopPage {
  readonly mainNav: Locator;
  readonly catalogLink: Locator;
  readonly loginLink: Locator;
  readonly registerLink: Locator;
  readonly accountLink: Locator;
  readonly alert: Locator;

  constructor(readonly page: Page) {
    this.mainNav = page.getByRole('navigation', { name: 'Main' });
    this.catalogLink = this.mainNav.getByRole('link', { name: 'Catalog' });
    this.loginLink = this.mainNav.getByRole('link', { name: 'Log in' });
    this.registerLink = this.mainNav.getByRole('link', { name: 'Register' });
    this.accountLink = this.mainNav.getByRole('link', { name: 'Account' });
    this.alert = page.getByRole('alert');
  }
}

/** How the web pages show a price: `$12.34`. */
export function formatPrice(price: number): string {
  return `$${price.toFixed(2)}`;
}
