import type { Locator, Page } from '@playwright/test';
import { ShopPage } from './shop-page';

/** `/admin/orders`: every order, with Ship and Mark delivered by status; admins only. */
export class AdminOrdersPage extends ShopPage {
  readonly heading: Locator;
  readonly table: Locator;
  /** The `role="status"` message after an action (`Order <id> shipped`). */
  readonly statusMessage: Locator;

  constructor(page: Page) {
    super(page);
    this.heading = page.getByRole('heading', { name: 'Orders', exact: true });
    this.table = page.getByRole('table', { name: 'Orders' });
    this.statusMessage = page.getByRole('status');
  }

  async goto(query: { status?: string } = {}) {
    return this.page.goto(query.status ? `/admin/orders?status=${encodeURIComponent(query.status)}` : '/admin/orders');
  }

  /** The row of one order, by its id. */
  row(orderId: string): Locator {
    return this.table.getByRole('row').filter({ hasText: orderId });
  }

  shipForm(orderId: string): Locator {
    return this.page.getByRole('form', { name: `Ship order ${orderId}` });
  }

  markDeliveredButton(orderId: string): Locator {
    return this.row(orderId).getByRole('button', { name: 'Mark delivered' });
  }

  async ship(orderId: string, shipment: { carrier: string; trackingNumber: string }): Promise<void> {
    const form = this.shipForm(orderId);
    await form.getByLabel('Carrier').fill(shipment.carrier);
    await form.getByLabel('Tracking number').fill(shipment.trackingNumber);
    await form.getByRole('button', { name: 'Ship' }).click();
  }

  async markDelivered(orderId: string): Promise<void> {
    await this.markDeliveredButton(orderId).click();
  }
}
