import type { Locator, Page } from '@playwright/test';
import { ShopPage } from './shop-page';

export type SortLabel = 'Newest' | 'Price: low to high' | 'Price: high to low';

export interface CatalogFilters {
  search?: string;
  /** The category's name, as the `Category` select shows it. */
  category?: string;
  minPrice?: number;
  maxPrice?: number;
  sort?: SortLabel;
}

/** `/products`: the catalog with its filter form, product list and pagination. */
export class CatalogPage extends ShopPage {
  readonly heading: Locator;
  readonly filterForm: Locator;
  readonly searchInput: Locator;
  readonly categorySelect: Locator;
  readonly minPriceInput: Locator;
  readonly maxPriceInput: Locator;
  readonly sortSelect: Locator;
  readonly applyButton: Locator;
  readonly productList: Locator;
  readonly products: Locator;
  readonly pagination: Locator;
  readonly nextLink: Locator;
  readonly previousLink: Locator;
  readonly pageStatus: Locator;
  readonly emptyMessage: Locator;

  constructor(page: Page) {
    super(page);
    this.heading = page.getByRole('heading', { name: 'Catalog' });
    this.filterForm = page.getByRole('form', { name: 'Filter products' });
    this.searchInput = this.filterForm.getByLabel('Search');
    this.categorySelect = this.filterForm.getByLabel('Category');
    this.minPriceInput = this.filterForm.getByLabel('Min price');
    this.maxPriceInput = this.filterForm.getByLabel('Max price');
    this.sortSelect = this.filterForm.getByLabel('Sort by');
    this.applyButton = this.filterForm.getByRole('button', { name: 'Apply filters' });
    this.productList = page.getByRole('list', { name: 'Products' });
    this.products = this.productList.getByRole('listitem');
    this.pagination = page.getByRole('navigation', { name: 'Pagination' });
    this.nextLink = this.pagination.getByRole('link', { name: 'Next' });
    this.previousLink = this.pagination.getByRole('link', { name: 'Previous' });
    this.pageStatus = this.pagination.getByText(/Page \d+ of \d+/);
    this.emptyMessage = page.getByText('No products match these filters.');
  }

  /** Opens the catalog, with query parameters as the API takes them (`category`, `q`, `sort`, `page`, ...). */
  async goto(query: Record<string, string | number> = {}): Promise<void> {
    const params = new URLSearchParams(Object.entries(query).map(([key, value]) => [key, String(value)]));
    const search = params.toString();
    await this.page.goto(search ? `/products?${search}` : '/products');
  }

  /** Fills the `Filter products` form the way a shopper does, and applies it. */
  async filter(filters: CatalogFilters): Promise<void> {
    if (filters.search !== undefined) await this.searchInput.fill(filters.search);
    if (filters.category !== undefined) await this.categorySelect.selectOption({ label: filters.category });
    if (filters.minPrice !== undefined) await this.minPriceInput.fill(String(filters.minPrice));
    if (filters.maxPrice !== undefined) await this.maxPriceInput.fill(String(filters.maxPrice));
    if (filters.sort !== undefined) await this.sortSelect.selectOption({ label: filters.sort });
    await this.applyButton.click();
  }

  /** The list item of one product, found by the link with its name. */
  product(name: string): Locator {
    return this.products.filter({ has: this.page.getByRole('link', { name, exact: true }) });
  }

  productLink(name: string): Locator {
    return this.productList.getByRole('link', { name, exact: true });
  }

  async openProduct(name: string): Promise<void> {
    await this.productLink(name).click();
  }
}
