import { expect, type Locator, type Page } from '@playwright/test';
import { DEFAULT_WAIT_MS } from '../fixtures/timeouts';
import { ShopPage } from './shop-page';

/** How `/orders/:id` shows each status (docs/API.md, "Web pages added"). */
export const STATUS_TEXT = {
  paying: 'Payment in progress',
  pending_payment: 'Pending payment',
  paid: 'Paid',
  refunding: 'Refund in progress',
  shipped: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
  archived: 'Archived',
} as const;

export type StatusText = (typeof STATUS_TEXT)[keyof typeof STATUS_TEXT];

/** `/orders/:id`: one order with its status, items, total and shipment; or `Order not found`. */
export class OrderPage extends ShopPage {
  readonly status: Locator;
  readonly total: Locator;
  readonly notFoundHeading: Locator;

  constructor(page: Page) {
    super(page);
    this.status = page.getByLabel('Order status', { exact: true });
    this.total = page.getByRole('definition', { name: 'Total', exact: true }).or(page.getByLabel('Total', { exact: true })).first();
    this.notFoundHeading = page.getByRole('heading', { name: 'Order not found' });
  }

  async goto(orderId: string) {
    return this.page.goto(`/orders/${encodeURIComponent(orderId)}`);
  }

  heading(orderId: string): Locator {
    return this.page.getByRole('heading', { name: `Order ${orderId}` });
  }

  /** The id in the URL of the order page the browser is on. */
  orderIdFromUrl(): string {
    const match = /\/orders\/([^/?#]+)/.exec(this.page.url());
    if (!match) throw new Error(`Not on an order page: ${this.page.url()}`);
    return decodeURIComponent(match[1]);
  }

  text(content: string): Locator {
    return this.page.getByText(content, { exact: false });
  }

  /**
   * Reloads until the status shows `text`: a webhook changes the order behind the page's back, and
   * the page does not refresh itself.
   */
  async reloadUntilStatus(text: StatusText, timeout = DEFAULT_WAIT_MS): Promise<void> {
    await expect(async () => {
      await this.page.reload();
      await expect(this.status).toHaveText(text, { timeout: 1_000 });
    }).toPass({ timeout, intervals: [250, 500, 1_000] });
  }
}

/** `/orders`: `Your orders`, a list named `Orders`. */
export class OrdersPage extends ShopPage {
  readonly heading: Locator;
  readonly list: Locator;

  constructor(page: Page) {
    super(page);
    this.heading = page.getByRole('heading', { name: 'Your orders' });
    this.list = page.getByRole('list', { name: 'Orders' });
  }

  async goto(): Promise<void> {
    await this.page.goto('/orders');
  }

  link(orderId: string): Locator {
    return this.list.getByRole('link').filter({ hasText: orderId }).or(this.list.locator(`a[href$="/orders/${orderId}"]`)).first();
  }
}
