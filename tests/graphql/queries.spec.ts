import { test, expect, expectJson, expectData, gqlDocuments as gq } from '../../fixtures';

/**
 * Every query of POST /graphql answers the data its REST route answers: the same service code behind both, so each
 * test reads the same data both ways and compares field by field (REST may carry a field GraphQL does not).
 */
test.describe('GraphQL queries answer what REST answers', { tag: ['@api'] }, () => {
  test('products: a filtered, sorted page is the page GET /api/products answers, items and meta', { tag: ['@catalog'] }, async ({ graphql, api, factory }) => {
    const word = factory.uniqueWord();
    const prices = [12.5, 40, 7.25, 99.99, 23];
    const { category, products } = await factory.productsInOwnCategory(prices.length, (index) => ({
      price: prices[index],
      stock: index + 1,
      description: index === 4 ? `Comes with a ${word}` : 'Plain',
    }));
    const filters = { category: category.slug, minPrice: 10, maxPrice: 50, sort: 'price_asc' as const, pageSize: 2 };

    for (const [page, expected] of [[1, [products[0], products[4]]], [2, [products[1]]]] as const) {
      const rest = await expectJson(await api.listProducts({ ...filters, page }));
      const answer = expectData(await graphql.request(gq.PRODUCTS, { ...filters, page })).products;

      expect(answer?.meta).toEqual({ page, pageSize: 2, totalItems: 3, totalPages: 2 });
      expect(answer?.meta).toEqual(rest.meta);
      expect(answer?.items.map((product) => product.id)).toEqual(expected.map((product) => product.id));
      expect(answer?.items).toHaveLength(rest.data.length);
      rest.data.forEach((product, index) => expect(product).toMatchObject(answer!.items[index]));
    }

    const searched = expectData(await graphql.request(gq.PRODUCTS, { q: word.toUpperCase() })).products;
    expect(searched?.items.map((product) => product.id)).toEqual([products[4].id]);
    expect(searched?.meta).toEqual((await expectJson(await api.listProducts({ q: word.toUpperCase() }))).meta);
  });

  test('product and categories: the product GET /api/products/:id answers, and its category as GET /api/categories lists it', { tag: ['@catalog'] }, async ({ graphql, api, factory }) => {
    const { category, products } = await factory.productsInOwnCategory(1, () => ({ price: 31.4, stock: 7 }));

    const product = expectData(await graphql.request(gq.PRODUCT, { id: products[0].id })).product;
    const rest = await expectJson(await api.getProduct(products[0].id));
    expect(product).toMatchObject({ id: products[0].id, price: 31.4, stock: 7, category: { slug: category.slug, name: category.name } });
    expect(rest).toMatchObject(product!);

    const categories = expectData(await graphql.request(gq.CATEGORIES)).categories;
    expect(categories).toContainEqual({ id: category.id, slug: category.slug, name: category.name });
    expect(categories).toEqual((await expectJson(await api.listCategories())).data);
  });

  test('me: the user GET /api/auth/me answers for the same token', { tag: ['@auth'] }, async ({ graphql, customer }) => {
    const me = expectData(await graphql.as(customer).request(gq.ME)).me;

    expect(me).toEqual({ ...customer.user, role: 'customer' });
    expect(me).toEqual(await expectJson(await customer.api.me()));
  });

  test('cart: items, discount and shipping are the cart GET /api/cart answers', { tag: ['@cart'] }, async ({ graphql, customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(2, (index) => ({ price: [20, 7.5][index], stock: 10 }));
    const discount = await factory.discountCode({ percentOff: 10 });
    const address = factory.address('DE');
    await checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 2 }, { product: products[1] }], { discountCode: discount.code, address });

    const cart = expectData(await graphql.as(customer).request(gq.CART)).cart;

    // 47.50 - 4.75 + the international rate: every term non-zero.
    expect(cart).toMatchObject({ subtotal: 47.5, discount: { code: discount.code, amount: 4.75 }, shipping: { address } });
    expect(cart?.items.map((item) => [item.productId, item.quantity])).toEqual([[products[0].id, 2], [products[1].id, 1]]);
    expect(cart).toEqual(await checkout.cart(customer));
  });

  test('orders, order and orderHistory: the orders, the order and the history REST answers, with each line’s current product', { tag: ['@orders'] }, async ({ graphql, customer, factory, checkout }) => {
    const { category, products } = await factory.productsInOwnCategory(2, (index) => ({ price: [15, 4.5][index], stock: 6 }));
    const first = await checkout.buy(customer, [{ product: products[0] }]);
    const second = await checkout.buy(customer, [{ product: products[1], quantity: 2 }]);
    const client = graphql.as(customer);

    const orders = expectData(await client.request(gq.ORDERS)).orders;
    expect(orders?.map((order) => order.id)).toEqual([second.id, first.id]);
    expect(orders).toEqual((await expectJson(await customer.api.listOrders())).data);
    expect(expectData(await client.request(gq.ORDERS, { status: 'paid' })).orders).toHaveLength(2);

    const order = expectData(await client.request(gq.ORDER, { id: second.id })).order;
    expect(order).toMatchObject({ id: second.id, status: 'paid', subtotal: 9, userId: customer.user.id });
    expect(order).toEqual(await expectJson(await customer.api.getOrder(second.id)));

    await expect
      .poll(async () => expectData(await client.request(gq.ORDER_HISTORY, { orderId: second.id })).orderHistory?.map((entry) => entry.status))
      .toEqual(['pending_payment', 'paid']);
    expect(expectData(await client.request(gq.ORDER_HISTORY, { orderId: second.id })).orderHistory).toEqual(
      (await expectJson(await customer.api.orderHistory(second.id))).data,
    );

    const withProducts = expectData(await client.request(gq.ORDER_WITH_PRODUCTS, { id: second.id })).order;
    expect(withProducts?.items).toEqual([{ productId: products[1].id, product: { id: products[1].id, stock: 4, category: { id: category.id, slug: category.slug } } }]);
  });
});
