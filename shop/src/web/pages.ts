import type { Category } from '../services/categories';
import type { ProductPage } from '../services/productListing';
import type { Product } from '../services/products';
import type { User } from '../services/users';
import type { Review } from '../services/reviews';
import { formatPrice, inputField, selectField } from './components';
import { html, type SafeHtml } from './html';
import { errorAlert, layout } from './layout';

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

/** What the product page shows besides the product: its reviews, whether the visitor may add one, any errors. */
export interface ProductPageExtras {
  reviews: Review[];
  canReview: boolean;
  errors: string[];
  /** Values of a rejected form, shown again. */
  form?: { quantity?: string; rating?: string; comment?: string };
}

function addToCartForm(user: User | undefined, product: Product, quantity: string | undefined): SafeHtml | undefined {
  if (!user) return html`<p><a href="/login">Log in to buy</a></p>`;
  if (product.stock === 0) return undefined;
  return html`<form method="post" action="/cart/items" aria-label="Add to cart" novalidate>
      <input type="hidden" name="productId" value="${product.id}">
      ${inputField({ id: 'quantity', label: 'Quantity', type: 'number', value: quantity ?? '1', attributes: html` min="1" max="99" step="1"` })}
      <button type="submit">Add to cart</button>
    </form>`;
}

function reviewsSection(product: Product, extras: ProductPageExtras): SafeHtml {
  const list =
    extras.reviews.length === 0
      ? html`<p>No reviews yet.</p>`
      : html`<ul class="reviews" aria-label="Reviews">
        ${extras.reviews.map(
          (review) => html`<li>
          <p>Rated ${review.rating} out of 5</p>
          <p>${review.comment}</p>
          <p class="author">${review.authorName}</p>
          ${review.verified && html`<p>Verified purchase</p>`}
        </li>`,
        )}
      </ul>`;
  const rating = extras.form?.rating ?? '5';
  const form =
    extras.canReview &&
    html`<form method="post" action="/products/${product.id}/reviews" aria-label="Write a review" novalidate>
      ${selectField('rating', 'Rating', rating, ['1', '2', '3', '4', '5'].map((value): [string, string] => [value, value]))}
      <div>
        <label for="comment">Review</label>
        <textarea id="comment" name="comment" rows="4" maxlength="2000">${extras.form?.comment ?? ''}</textarea>
      </div>
      <button type="submit">Submit review</button>
    </form>`;
  return html`<section aria-labelledby="reviews-heading">
    <h2 id="reviews-heading">Reviews</h2>
    ${list}
    ${form}
  </section>`;
}

export function productPage(user: User | undefined, product: Product, extras: ProductPageExtras): string {
  return layout({
    title: product.name,
    user,
    body: html`<h1>${product.name}</h1>
    ${errorAlert(extras.errors)}
    <p class="price">${formatPrice(product.price)}</p>
    <p>${product.description}</p>
    <dl>
      <dt>Category</dt>
      <dd><a href="/products?category=${product.category.slug}">${product.category.name}</a></dd>
      <dt>SKU</dt>
      <dd>${product.sku}</dd>
    </dl>
    <p>${product.stock > 0 ? `In stock: ${product.stock}` : 'Out of stock'}</p>
    ${addToCartForm(user, product, extras.form?.quantity)}
    ${reviewsSection(product, extras)}`,
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

const ERROR_HEADINGS: Record<number, string> = {
  400: 'Bad request',
  403: 'Forbidden',
  404: 'Not found',
  413: 'Request too large',
  415: 'Unsupported request',
  429: 'Too many requests',
  503: 'Service unavailable',
};

/** The page for an error a browser's request ended in: a heading for its status and the error's message. */
export function errorPage(statusCode: number, message: string): string {
  const heading = ERROR_HEADINGS[statusCode] ?? (statusCode >= 500 ? 'Something went wrong' : 'Request refused');
  return layout({
    title: heading,
    user: undefined,
    body: html`<h1>${heading}</h1>
    <p role="alert">${message}</p>
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
