import type { Locator, Page } from '@playwright/test';
import { formatPrice, ShopPage } from './shop-page';

/** `/products/:id`: one product, its `Add to cart` form and its `Reviews`; or the `Product not found` page. */
export class ProductPage extends ShopPage {
  readonly outOfStock: Locator;
  readonly notFoundHeading: Locator;
  readonly addToCartForm: Locator;
  readonly quantityInput: Locator;
  readonly addToCartButton: Locator;
  readonly loginToBuyLink: Locator;
  readonly reviewsSection: Locator;
  readonly reviewForm: Locator;
  readonly ratingSelect: Locator;
  readonly reviewInput: Locator;
  readonly submitReviewButton: Locator;

  constructor(page: Page) {
    super(page);
    this.outOfStock = page.getByText('Out of stock', { exact: true });
    this.notFoundHeading = page.getByRole('heading', { name: 'Product not found' });
    this.addToCartForm = page.getByRole('form', { name: 'Add to cart' });
    this.quantityInput = this.addToCartForm.getByLabel('Quantity');
    this.addToCartButton = this.addToCartForm.getByRole('button', { name: 'Add to cart' });
    this.loginToBuyLink = page.getByRole('link', { name: 'Log in to buy' });
    this.reviewsSection = page.getByRole('region', { name: 'Reviews' });
    this.reviewForm = page.getByRole('form', { name: 'Write a review' });
    this.ratingSelect = this.reviewForm.getByLabel('Rating');
    this.reviewInput = this.reviewForm.getByLabel('Review');
    this.submitReviewButton = this.reviewForm.getByRole('button', { name: 'Submit review' });
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

  /** Adds to the cart; the shop then redirects to `/cart`. */
  async addToCart(quantity = 1): Promise<void> {
    await this.quantityInput.fill(String(quantity));
    await this.addToCartButton.click();
  }

  /** One review in the `Reviews` section, found by its comment. */
  review(comment: string): Locator {
    return this.reviewsSection.getByRole('listitem').filter({ hasText: comment }).or(this.reviewsSection.getByRole('article').filter({ hasText: comment })).first();
  }

  async writeReview(review: { rating: number; comment: string }): Promise<void> {
    await this.ratingSelect.selectOption(String(review.rating));
    await this.reviewInput.fill(review.comment);
    await this.submitReviewButton.click();
  }
}
