import { test, expect, expectJson, expectError, detailsByField, type Review } from '../../fixtures';

test.describe('reviews', { tag: ['@reviews', '@api'] }, () => {
  test('a customer with a delivered order of the product reviews it: 201, verified, with their name', async ({ customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    await checkout.delivered(customer, [{ product: products[0] }]);

    const response = await customer.api.postReview(products[0].id, { rating: 4, comment: 'Sturdy and well made.' });

    await expect(response).toHaveStatus(201);
    expect(await response.json()).toEqual({
      id: expect.any(String),
      productId: products[0].id,
      userId: customer.user.id,
      authorName: customer.name,
      rating: 4,
      comment: 'Sturdy and well made.',
      verified: true,
      createdAt: expect.any(String),
    });
  });

  test('no review before delivery: without an order, paid or shipped, 403 REVIEW_NOT_ALLOWED', async ({ customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const review = { rating: 5, comment: 'Cannot wait.' };

    await test.step('never ordered', async () => {
      await expectError(await customer.api.postReview(products[0].id, review), 403, 'REVIEW_NOT_ALLOWED');
    });

    const order = await checkout.buy(customer, [{ product: products[0] }]);

    await test.step('paid', async () => {
      await expectError(await customer.api.postReview(products[0].id, review), 403, 'REVIEW_NOT_ALLOWED');
    });

    await checkout.ship(order.id);

    await test.step('shipped', async () => {
      await expectError(await customer.api.postReview(products[0].id, review), 403, 'REVIEW_NOT_ALLOWED');
    });

    await checkout.deliver(order.id);

    await test.step('delivered: allowed', async () => {
      await expect(await customer.api.postReview(products[0].id, review)).toHaveStatus(201);
    });
  });

  test('a delivered order of another product does not allow a review', async ({ customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(2, () => ({ stock: 5 }));
    await checkout.delivered(customer, [{ product: products[0] }]);

    await expectError(await customer.api.postReview(products[1].id, { rating: 3, comment: 'Never bought it.' }), 403, 'REVIEW_NOT_ALLOWED');
  });

  test('a second review of the same product is 409 ALREADY_REVIEWED', async ({ customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    await checkout.delivered(customer, [{ product: products[0] }]);
    await expect(await customer.api.postReview(products[0].id, { rating: 5, comment: 'First.' })).toHaveStatus(201);

    await expectError(await customer.api.postReview(products[0].id, { rating: 1, comment: 'Second.' }), 409, 'ALREADY_REVIEWED');
  });

  test('the rating is an integer from 1 to 5 and the comment 1 to 2000 characters', async ({ customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    await checkout.delivered(customer, [{ product: products[0] }]);

    for (const [why, body, field] of [
      ['rating 0', { rating: 0, comment: 'ok' }, 'rating'],
      ['rating 6', { rating: 6, comment: 'ok' }, 'rating'],
      ['rating 4.5', { rating: 4.5, comment: 'ok' }, 'rating'],
      ['no rating', { comment: 'ok' }, 'rating'],
      ['an empty comment', { rating: 3, comment: '' }, 'comment'],
      ['a comment of 2001 characters', { rating: 3, comment: 'x'.repeat(2001) }, 'comment'],
    ] as const) {
      await test.step(why, async () => {
        const error = await expectError(await customer.api.postReview(products[0].id, body), 400, 'VALIDATION_ERROR');
        expect(Object.keys(detailsByField(error))).toEqual([field]);
      });
    }

    await test.step('2000 characters and rating 1 are accepted', async () => {
      await expect(await customer.api.postReview(products[0].id, { rating: 1, comment: 'y'.repeat(2000) })).toHaveStatus(201);
    });
  });

  test('anyone lists a product’s reviews, newest first, with their count and average rating', async ({ api, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 10 }));
    const written: Review[] = [];
    for (const rating of [5, 2]) {
      const customer = await factory.customer();
      await checkout.delivered(customer, [{ product: products[0] }]);
      const response = await customer.api.postReview(products[0].id, { rating, comment: `Rated ${rating} by ${customer.name}` });
      await expect(response).toHaveStatus(201);
      written.push(await expectJson(response, 201));
    }

    const response = await api.listReviews(products[0].id);

    await expect(response).toHaveStatus(200);
    const list = await expectJson(response);
    expect(list.data.map((review) => review.id)).toEqual(written.map((review) => review.id).reverse());
    expect(list.meta).toEqual({ count: 2, averageRating: 3.5 });
    expect(list.data.every((review) => review.verified)).toBe(true);
  });
});
