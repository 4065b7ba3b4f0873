import type { Category } from '../services/categories';
import type { ProductPage } from '../services/productListing';
import type { Product } from '../services/products';
import type { User } from '../services/users';
import { html, type SafeHtml } from './html';
import { errorAlert, layout } from './layout';

/** `$` and two decimals, without thousands separators: 1234.5 → `$1234.50`. */
const formatPrice = (price: number): string => `$${price.toFixed(2)}`;

/** The filter form's values as the visitor typed them, echoed back into the form. */
export interface CatalogFilters {
  q?: string;
  category?: string;
  minPrice?: string;
  maxPrice?: string;
  sort?: string;
}

const SORT_LABELS: [value: string, label: string][] = [
  ['newest', 'Newest'],
  ['price_asc', 'Price: low to high'],
  ['price_desc', 'Price: high to low'],
];

interface FieldOptions {
  id: string;
  label: string;
  type: string;
  value?: string;
  autocomplete?: string;
  /** Further attributes, like a number input's step. */
  attributes?: SafeHtml;
}

function inputField({ id, label, type, value, autocomplete, attributes }: FieldOptions): SafeHtml {
  return html`<div>
      <label for="${id}">${label}</label>
      <input id="${id}" name="${id}" type="${type}" value="${value ?? ''}"${autocomplete && html` autocomplete="${autocomplete}"`}${attributes}>
    </div>`;
}

function selectField(id: string, label: string, selected: string | undefined, options: [string, string][]): SafeHtml {
  return html`<div>
      <label for="${id}">${label}</label>
      <select id="${id}" name="${id}">
        ${options.map(([value, text]) => html`<option value="${value}"${value === (selected ?? '') && html` selected`}>${text}</option>`)}
      </select>
    </div>`;
}

const PRICE_ATTRIBUTES = html` min="0" step="0.01" inputmode="decimal"`;

// novalidate: the shop validates the filters itself and answers with an alert, like the API's 400.
function filterForm(filters: CatalogFilters, categories: Category[]): SafeHtml {
  const categoryOptions: [string, string][] = [
    ['', 'All categories'],
    ...categories.map((category): [string, string] => [category.slug, category.name]),
  ];
  return html`<form class="filters" method="get" action="/products" aria-label="Filter products" novalidate>
    ${inputField({ id: 'q', label: 'Search', type: 'search', value: filters.q })}
    ${selectField('category', 'Category', filters.category, categoryOptions)}
    ${inputField({ id: 'minPrice', label: 'Min price', type: 'number', value: filters.minPrice, attributes: PRICE_ATTRIBUTES })}
    ${inputField({ id: 'maxPrice', label: 'Max price', type: 'number', value: filters.maxPrice, attributes: PRICE_ATTRIBUTES })}
    ${selectField('sort', 'Sort by', filters.sort ?? 'newest', SORT_LABELS)}
    <button type="submit">Apply filters</button>
  </form>`;
}

function productList(result: ProductPage): SafeHtml {
  if (result.data.length === 0) return html`<p>No products match these filters.</p>`;
  return html`<ul class="products" aria-label="Products">
      ${result.data.map(
        (product) => html`<li>
        <a href="/products/${product.id}">${product.name}</a>
        <div class="price">${formatPrice(product.price)}</div>
      </li>`,
      )}
    </ul>
    <nav aria-label="Pagination">
      ${result.links.prev && html`<a href="${result.links.prev}">Previous</a>`}
      <span>Page ${result.meta.page} of ${result.meta.totalPages}</span>
      ${result.links.next && html`<a href="${result.links.next}">Next</a>`}
    </nav>`;
}

export function catalogPage(view: {
  user?: User;
  filters: CatalogFilters;
  categories: Category[];
  result?: ProductPage;
  errors: string[];
}): string {
  return layout({
    title: 'Catalog',
    user: view.user,
    body: html`<h1>Catalog</h1>
    ${errorAlert(view.errors)}
    ${filterForm(view.filters, view.categories)}
    ${view.result && productList(view.result)}`,
  });
}

export function productPage(user: User | undefined, product: Product): string {
  return layout({
    title: product.name,
    user,
    body: html`<h1>${product.name}</h1>
    <p class="price">${formatPrice(product.price)}</p>
    <p>${product.description}</p>
    <dl>
      <dt>Category</dt>
      <dd><a href="/products?category=${product.category.slug}">${product.category.name}</a></dd>
      <dt>SKU</dt>
      <dd>${product.sku}</dd>
    </dl>
    <p>${product.stock > 0 ? `In stock: ${product.stock}` : 'Out of stock'}</p>`,
  });
}

export function notFoundPage(user: User | undefined, heading: string): string {
  return layout({
    title: heading,
    user,
    body: html`<h1>${heading}</h1>
    <p><a href="/products">Back to the catalog</a></p>`,
  });
}

export function registerPage(view: { user?: User; name?: string; email?: string; errors: string[] }): string {
  return layout({
    title: 'Create your account',
    user: view.user,
    body: html`<h1>Create your account</h1>
    ${errorAlert(view.errors)}
    <form method="post" action="/register" novalidate>
      ${inputField({ id: 'name', label: 'Name', type: 'text', value: view.name, autocomplete: 'name' })}
      ${inputField({ id: 'email', label: 'Email', type: 'email', value: view.email, autocomplete: 'email' })}
      ${inputField({ id: 'password', label: 'Password', type: 'password', autocomplete: 'new-password' })}
      <button type="submit">Create account</button>
    </form>
    <p>Already have an account? <a href="/login">Log in</a></p>`,
  });
}

export function loginPage(view: { user?: User; email?: string; errors: string[] }): string {
  return layout({
    title: 'Log in',
    user: view.user,
    body: html`<h1>Log in</h1>
    ${errorAlert(view.errors)}
    <form method="post" action="/login" novalidate>
      ${inputField({ id: 'email', label: 'Email', type: 'email', value: view.email, autocomplete: 'email' })}
      ${inputField({ id: 'password', label: 'Password', type: 'password', autocomplete: 'current-password' })}
      <button type="submit">Log in</button>
    </form>
    <p>New here? <a href="/register">Create an account</a></p>`,
  });
}

export function accountPage(user: User): string {
  return layout({
    title: 'Your account',
    user,
    body: html`<h1>Your account</h1>
    <dl>
      <dt>Name</dt>
      <dd>${user.name}</dd>
      <dt>Email</dt>
      <dd>${user.email}</dd>
    </dl>
    <form method="post" action="/logout">
      <button type="submit">Log out</button>
    </form>`,
  });
}
