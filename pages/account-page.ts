import type { Locator, Page } from '@playwright/test';
import { ShopPage } from './shop-page';

/** `/account`: `Your account`, for a logged-in user. */
export class AccountPage extends ShopPage {
  readonly heading: Locator;
  readonly logoutButton: Locator;

  constructor(page: Page) {
    super(page);
    this.heading = page.getByRole('heading', { name: 'Your account' });
    this.logoutButton = page.getByRole('button', { name: 'Log out' });
  }

  async goto(): Promise<void> {
    await this.page.goto('/account');
  }

  /** Text on the page (the user's name, the user's email). */
  shows(text: string): Locator {
    return this.page.getByText(text, { exact: false });
  }

  async logout(): Promise<void> {
    await this.logoutButton.click();
  }
}
