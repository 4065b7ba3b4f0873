import { test, expect, signInWithToken } from '../../fixtures';

test.describe('reviews in the browser', { tag: ['@reviews', '@web'] }, () => {
  test('after delivery the customer writes a review, shown as a verified purchase with its rating', async ({ context, productPage, customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    await checkout.delivered(customer, [{ product: products[0] }]);
    const comment = `Exactly as described ${factory.uniqueWord()}`;
    await signInWithToken(context, customer.accessToken);

    await productPage.goto(products[0].id);
    await productPage.writeReview({ rating: 4, comment });

    const review = productPage.review(comment);
    await expect(review).toContainText('Rated 4 out of 5');
    await expect(review).toContainText('Verified purchase');
    await expect(review).toContainText(customer.name);
    await expect(productPage.reviewForm, 'one review per customer').toHaveCount(0);
  });

  test('a customer without a delivered order sees the reviews but no form', async ({ context, productPage, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    const reviewer = await factory.customer();
    await checkout.delivered(reviewer, [{ product: products[0] }]);
    await expect(await reviewer.api.postReview(products[0].id, { rating: 5, comment: 'Lovely.' })).toHaveStatus(201);
    const browsing = await factory.customer();
    await checkout.buy(browsing, [{ product: products[0] }]);
    await signInWithToken(context, browsing.accessToken);

    await productPage.goto(products[0].id);

    await expect(productPage.reviewsSection).toBeVisible();
    await expect(productPage.review('Lovely.')).toContainText('Rated 5 out of 5');
    await expect(productPage.reviewForm).toHaveCount(0);
  });
});
