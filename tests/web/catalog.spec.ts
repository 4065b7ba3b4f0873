import { test, expect } from '../../fixtures';
import { formatPrice } from '../../pages';

test.describe('catalog in the browser', { tag: ['@catalog', '@web'] }, () => {
  test('/ redirects to the catalog', async ({ page, catalogPage }) => {
    await page.goto('/');

    await expect(page).toHaveURL(/\/products$/);
    await expect(catalogPage.heading).toBeVisible();
    await expect(catalogPage.catalogLink).toBeVisible();
  });

  test('filtering by category and a price range lists only those products, with their prices', async ({ catalogPage, factory }) => {
    const category = await factory.category();
    const [tooCheap, atMin, atMax, tooDear] = await factory.products(category, 4, (index) => ({ price: [4.99, 5, 12.5, 12.51][index] }));

    await catalogPage.goto();
    await catalogPage.filter({ category: category.name, minPrice: 5, maxPrice: 12.5 });

    await expect(catalogPage.products).toHaveCount(2);
    await expect(catalogPage.product(atMin.name)).toContainText(formatPrice(5));
    await expect(catalogPage.product(atMax.name)).toContainText(formatPrice(12.5));
    await expect(catalogPage.productLink(tooCheap.name)).toHaveCount(0);
    await expect(catalogPage.productLink(tooDear.name)).toHaveCount(0);
  });

  test('searching finds products by a word in their name, whatever its case', async ({ catalogPage, factory }) => {
    const category = await factory.category();
    const word = factory.uniqueWord();
    const match = await factory.product(category, { name: `Ceramic ${word.toLowerCase()} mug` });
    await factory.product(category);

    await catalogPage.goto();
    await catalogPage.filter({ search: word.toUpperCase() });

    await expect(catalogPage.products).toHaveCount(1);
    await expect(catalogPage.productLink(match.name)).toBeVisible();
  });

  test('sorting by price orders the list low to high and high to low', async ({ catalogPage, factory }) => {
    const category = await factory.category();
    const made = await factory.products(category, 3, (index) => ({ price: [20, 5, 12][index] }));
    const [dear, cheap, middle] = made.map((product) => product.name);
    await catalogPage.goto();

    await test.step('Price: low to high', async () => {
      await catalogPage.filter({ category: category.name, sort: 'Price: low to high' });
      await expect(catalogPage.products).toHaveCount(3);
      await expect(catalogPage.products.getByRole('link')).toHaveText([cheap, middle, dear]);
    });

    await test.step('Price: high to low', async () => {
      await catalogPage.filter({ category: category.name, sort: 'Price: high to low' });
      await expect(catalogPage.products.getByRole('link')).toHaveText([dear, middle, cheap]);
    });
  });

  test('the newest products come first by default', async ({ catalogPage, factory }) => {
    const category = await factory.category();
    const made = await factory.products(category, 3);

    await catalogPage.goto({ category: category.slug });

    await expect(catalogPage.products.getByRole('link')).toHaveText(made.map((product) => product.name).reverse());
  });

  test('a category with more than 12 products pages with Next and Previous', async ({ catalogPage, factory }) => {
    const category = await factory.category();
    const made = await factory.products(category, 13);
    const oldest = made[0];

    await catalogPage.goto({ category: category.slug });

    await test.step('page 1 of 2: twelve products, Next but no Previous', async () => {
      await expect(catalogPage.pageStatus).toHaveText('Page 1 of 2');
      await expect(catalogPage.products).toHaveCount(12);
      await expect(catalogPage.previousLink).toHaveCount(0);
      await expect(catalogPage.productLink(oldest.name)).toHaveCount(0);
    });

    await test.step('Next: page 2 of 2 holds the oldest product, Previous but no Next', async () => {
      await catalogPage.nextLink.click();
      await expect(catalogPage.pageStatus).toHaveText('Page 2 of 2');
      await expect(catalogPage.products).toHaveCount(1);
      await expect(catalogPage.productLink(oldest.name)).toBeVisible();
      await expect(catalogPage.nextLink).toHaveCount(0);
    });

    await test.step('Previous: back to page 1 of 2', async () => {
      await catalogPage.previousLink.click();
      await expect(catalogPage.pageStatus).toHaveText('Page 1 of 2');
      await expect(catalogPage.products).toHaveCount(12);
    });
  });

  test('filters that match nothing say so', async ({ catalogPage, factory }) => {
    const category = await factory.category();
    await factory.product(category, { price: 10 });

    await catalogPage.goto({ category: category.slug, minPrice: 11 });

    await expect(catalogPage.emptyMessage).toBeVisible();
    await expect(catalogPage.products).toHaveCount(0);
  });
});

test.describe('product page', { tag: ['@catalog', '@web'] }, () => {
  test('opening a product from the list shows its name, price, description, category and stock', async ({ page, catalogPage, productPage, factory }) => {
    const category = await factory.category();
    const product = await factory.product(category, { price: 23.4, stock: 17 });

    await catalogPage.goto({ category: category.slug });
    await catalogPage.openProduct(product.name);

    await expect(page).toHaveURL(new RegExp(`/products/${product.id}$`));
    await expect(productPage.heading(product.name)).toBeVisible();
    await expect(productPage.price(23.4)).toBeVisible();
    await expect(productPage.inStock(17)).toBeVisible();
    await expect(productPage.text(product.description ?? '')).toBeVisible();
    await expect(productPage.text(category.name).first()).toBeVisible();
  });

  test('a product with no stock says "Out of stock"', async ({ productPage, factory }) => {
    const product = await factory.product(await factory.category(), { stock: 0 });

    await productPage.goto(product.id);

    await expect(productPage.heading(product.name)).toBeVisible();
    await expect(productPage.outOfStock).toBeVisible();
  });

  test('an unknown product answers the 404 page "Product not found"', async ({ productPage }) => {
    const response = await productPage.goto('00000000-0000-4000-8000-000000000000');

    expect(response?.status()).toBe(404);
    await expect(productPage.notFoundHeading).toBeVisible();
  });
});
