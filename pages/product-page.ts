import type { Locator, Page } from '@playwright/test';
import { formatPrice, ShopPage } from './shop-page';

/** `/products/:id`: one product, or the `Product not found` page. */
export class ProductPage extends ShopPage {
  readonly outOfStock: Locator;
  readonly notFoundHeading: Locator;

  constructor(page: Page) {
    super(page);
    this.outOfStock = page.getByText('Out of stock', { exact: true });
    this.notFoundHeading = page.getByRole('heading', { name: 'Product not found' });
  }

  async goto(id: string) {
    return this.page.goto(`/products/${encodeURIComponent(id)}`);
  }

  heading(name: string): Locator {
    return this.page.getByRole('heading', { name, exact: true });
  }

  price(price: number): Locator {
    return this.page.getByText(formatPrice(price), { exact: true });
  }

  inStock(count: number): Locator {
    return this.page.getByText(`In stock: ${count}`, { exact: true });
  }

  text(content: string): Locator {
    return this.page.getByText(content, { exact: false });
  }
}
