import type { Locator, Page } from '@playwright/test';
import { ShopPage } from './shop-page';

/** The options of the `Payment method` select (docs/API.md, "Web pages added"). */
export type PaymentOption = 'Visa (succeeds)' | 'Declined card' | 'Insufficient funds';

/** `/checkout`: the order summary, the payment method and `Pay now`. */
export class CheckoutPage extends ShopPage {
  readonly heading: Locator;
  readonly total: Locator;
  readonly paymentMethodSelect: Locator;
  readonly paymentMethodIdInput: Locator;
  readonly payButton: Locator;

  constructor(page: Page) {
    super(page);
    this.heading = page.getByRole('heading', { name: 'Checkout' });
    this.total = page.getByRole('definition', { name: 'Total', exact: true }).or(page.getByLabel('Total', { exact: true })).first();
    this.paymentMethodSelect = page.getByLabel('Payment method', { exact: true });
    this.paymentMethodIdInput = page.getByLabel('Payment method id', { exact: true });
    this.payButton = page.getByRole('button', { name: 'Pay now' });
  }

  async goto(): Promise<void> {
    await this.page.goto('/checkout');
  }

  /** An item of the summary, by product name. */
  item(productName: string): Locator {
    return this.page.getByText(productName, { exact: false });
  }

  /** Pays with one of the test cards, by its label. */
  async payWith(option: PaymentOption): Promise<void> {
    await this.paymentMethodSelect.selectOption({ label: option });
    await this.payButton.click();
  }

  /** Pays with a payment method the test programmed (its `pm_test_...` id). */
  async payWithMethodId(paymentMethodId: string): Promise<void> {
    await this.paymentMethodIdInput.fill(paymentMethodId);
    await this.payButton.click();
  }
}
