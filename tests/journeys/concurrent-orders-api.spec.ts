import { test, expect, expectError, expectJson } from '../../fixtures';

const SHOPPERS = 6;
const STOCK = 2;

test.describe('journey: the last items, raced for, through the API', { tag: ['@orders', '@cart', '@journey'] }, () => {
  test(`${SHOPPERS} customers order the last ${STOCK} at once: exactly ${STOCK} succeed, the rest get 409 OUT_OF_STOCK, no oversell`, async ({ factory, checkout, events }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: STOCK }));
    const [product] = products;

    const shoppers = await test.step(`${SHOPPERS} customers each put one in the cart`, async () => {
      const customers = await Promise.all(Array.from({ length: SHOPPERS }, () => factory.customer()));
      for (const customer of customers) await checkout.cartReadyToOrder(customer, [{ product, quantity: 1 }]);
      return customers;
    });

    const answers = await test.step('they all place their orders at the same moment', async () =>
      Promise.all(shoppers.map((customer) => checkout.attemptOrder(customer))),
    );

    const statuses = answers.map((response) => response.status());

    await test.step(`${STOCK} × 201, ${SHOPPERS - STOCK} × 409 OUT_OF_STOCK`, async () => {
      expect(statuses.filter((status) => status === 201)).toHaveLength(STOCK);
      expect(statuses.filter((status) => status === 409)).toHaveLength(SHOPPERS - STOCK);
      for (const response of answers.filter((answer) => answer.status() === 409)) {
        await expectError(response, 409, 'OUT_OF_STOCK');
      }
    });

    await test.step('the stock is 0, never below', async () => {
      expect(await checkout.stock(product)).toBe(0);
    });

    await test.step('the winners’ orders are paid; the others have no order and keep their cart', async () => {
      const winners = await Promise.all(answers.filter((response) => response.status() === 201).map((response) => expectJson(response, 201)));
      const losers = shoppers.filter((_customer, index) => statuses[index] === 409);
      for (const customer of losers) {
        expect(await checkout.orderCount(customer)).toBe(0);
        expect((await checkout.cart(customer)).items).toHaveLength(1);
      }
      for (const order of winners) await expect(checkout.ref(order)).toHaveStatus('paid');
      const created = await events.publishedAfterFlush('orders.created', (event) =>
        (event.payload.items as Array<{ productId: string }>).some((item) => item.productId === product.id),
      );
      expect(created.found.map((event) => event.envelope.payload.orderId).sort()).toEqual(winners.map((order) => order.id).sort());
    });
  });
});
