import type { Locator, Page } from '@playwright/test';
import { ShopPage } from './shop-page';
import type { ShippingAddress } from '../fixtures/api/types';

/** The amounts the cart shows, each named by its label. */
export type CartAmount = 'Subtotal' | 'Discount' | 'Shipping' | 'Total';

/** `/cart`: `Your cart`, its items, amounts, discount and shipping-address forms, and the link to checkout. */
export class CartPage extends ShopPage {
  readonly heading: Locator;
  readonly itemsTable: Locator;
  readonly itemRows: Locator;
  readonly emptyMessage: Locator;
  readonly discountForm: Locator;
  readonly discountInput: Locator;
  readonly applyDiscountButton: Locator;
  readonly addressForm: Locator;
  readonly checkoutLink: Locator;

  constructor(page: Page) {
    super(page);
    this.heading = page.getByRole('heading', { name: 'Your cart' });
    this.itemsTable = page.getByRole('table', { name: 'Cart items' });
    // Data rows: the ones with a Remove button (the header row has none).
    this.itemRows = this.itemsTable.getByRole('row').filter({ has: page.getByRole('button', { name: 'Remove' }) });
    this.emptyMessage = page.getByText('Your cart is empty.');
    this.discountForm = page.getByRole('form', { name: 'Discount code' });
    this.discountInput = this.discountForm.getByLabel('Discount code');
    this.applyDiscountButton = this.discountForm.getByRole('button', { name: 'Apply discount' });
    this.addressForm = page.getByRole('form', { name: 'Shipping address' });
    this.checkoutLink = page.getByRole('link', { name: 'Checkout' });
  }

  async goto(): Promise<void> {
    await this.page.goto('/cart');
  }

  /** The row of one product, by its name. */
  row(productName: string): Locator {
    return this.itemRows.filter({ hasText: productName });
  }

  /**
   * The element holding an amount, found by its accessible name (`Total`, ...). The page puts each
   * amount in an element named by its label (a `<dl>` definition), so the name is the label.
   */
  amount(label: CartAmount): Locator {
    return this.page.getByRole('definition', { name: label, exact: true }).or(this.page.getByLabel(label, { exact: true })).first();
  }

  async setQuantity(productName: string, quantity: number): Promise<void> {
    const row = this.row(productName);
    await row.getByLabel('Quantity').fill(String(quantity));
    await row.getByRole('button', { name: 'Update' }).click();
  }

  async remove(productName: string): Promise<void> {
    await this.row(productName).getByRole('button', { name: 'Remove' }).click();
  }

  async applyDiscount(code: string): Promise<void> {
    await this.discountInput.fill(code);
    await this.applyDiscountButton.click();
  }

  async setShippingAddress(address: ShippingAddress): Promise<void> {
    await this.addressForm.getByLabel('Full name').fill(address.name);
    await this.addressForm.getByLabel('Address line 1').fill(address.line1);
    await this.addressForm.getByLabel('Address line 2').fill(address.line2 ?? '');
    await this.addressForm.getByLabel('City').fill(address.city);
    await this.addressForm.getByLabel('Postal code').fill(address.postalCode);
    // The Country select's options carry the ISO codes as values.
    await this.addressForm.getByLabel('Country').selectOption(address.country);
    await this.addressForm.getByRole('button', { name: 'Save address' }).click();
  }

  async checkout(): Promise<void> {
    await this.checkoutLink.click();
  }
}
