import { test, expect, expectError, expectJson, type Customer, type ShopResponse } from '../../fixtures';

/** Customers in the burst, each adding to their own cart. */
const CUSTOMERS = 6;
/** Requests each customer sends at once: catalog pages, their cart, adds to it (under the cart's 99 per line). */
const ROUNDS_PER_CUSTOMER = 12;

// Two connections, and a request waits at most 100 ms for one: a burst of a couple hundred requests must queue past it.
test.use({ isolatedOptions: { shop: { env: { DATABASE_POOL_SIZE: '2', DATABASE_POOL_WAIT_MS: '100' } } } });

/**
 * The two connections are shared with the shop's own background work (the outbox relay, the consumers, payment
 * recovery): on a loaded machine even a lone request can wait past 100 ms and get the 503 this test is about. So
 * the setup, and the check that the shop serves after the burst, retry until served, as a client does on a 503
 * with Retry-After. Only the burst's answers are judged as they come.
 */
async function served<T>(make: () => Promise<T>): Promise<T> {
  let made: { value: T } | undefined;
  await expect(async () => {
    made = { value: await make() };
  }).toPass({ intervals: [1_000], timeout: 30_000 });
  return (made as { value: T }).value;
}

/** One request of the burst: what it was and what it answered. */
interface Sent {
  what: 'catalog' | 'cart' | 'add to cart';
  customer: Customer;
  response: ShopResponse<unknown>;
}

test.describe('a database pool too small for the load', { tag: ['@fault', '@cart', '@catalog'] }, () => {
  test('a burst of concurrent requests on a pool of 2: some answer 503 SERVICE_UNAVAILABLE with Retry-After and change nothing, none 500, and the shop serves normally right after', async ({
    isolatedEnvironment: stack,
  }) => {
    test.setTimeout(120_000);
    const { category, products } = await served(() => stack.factory.productsInOwnCategory(1, () => ({ stock: 1_000 })));
    // One after the other: the burst is the test, not its setup.
    const customers: Customer[] = [];
    for (let i = 0; i < CUSTOMERS; i += 1) customers.push(await served(() => stack.customer()));

    const sent = await test.step(`${CUSTOMERS * ROUNDS_PER_CUSTOMER * 3} requests at once`, async () => {
      const burst: Array<Promise<Sent>> = [];
      for (const customer of customers) {
        for (let round = 0; round < ROUNDS_PER_CUSTOMER; round += 1) {
          burst.push(customer.api.listProducts({ category: category.slug }).then((response) => ({ what: 'catalog', customer, response })));
          burst.push(customer.api.getCart().then((response) => ({ what: 'cart', customer, response })));
          burst.push(customer.api.addToCart({ productId: products[0].id, quantity: 1 }).then((response) => ({ what: 'add to cart', customer, response })));
        }
      }
      return stack.timings.measure('busy pool: a burst until every request is answered', () => Promise.all(burst));
    });

    await test.step('every answer is a success or 503 SERVICE_UNAVAILABLE with Retry-After (never a 500), and some are 503', async () => {
      const statuses = sent.map(({ response }) => response.status());
      expect(statuses.filter((status) => status !== 200 && status !== 503), `statuses: ${JSON.stringify(statuses)}`).toEqual([]);
      const busy = sent.filter(({ response }) => response.status() === 503);
      expect(busy.length, 'the burst queued past DATABASE_POOL_WAIT_MS: otherwise this run proved nothing').toBeGreaterThan(0);
      for (const { response } of busy) {
        const error = await expectError(response, 503, 'SERVICE_UNAVAILABLE');
        expect(error.message).toBe('The shop is busy; nothing was done. Try again shortly.');
        expect(Number(response.headers()['retry-after'])).toBeGreaterThanOrEqual(1);
      }
      test.info().annotations.push({ type: 'busy pool', description: `${busy.length} of ${sent.length} requests answered 503` });
    });

    await test.step('a 503 changed nothing: each cart holds exactly as many as its adds that answered 200', async () => {
      for (const customer of customers) {
        const added = sent.filter((request) => request.customer === customer && request.what === 'add to cart' && request.response.status() === 200).length;
        const cart = await served(() => stack.checkout.cart(customer));
        expect(cart.items.map((item) => item.quantity)).toEqual(added ? [added] : []);
      }
    });

    await test.step('right after, the shop serves normally: catalog, carts, a new customer’s registration and purchase', async () => {
      for (const customer of customers) {
        await served(async () => {
          await expect(await customer.api.listProducts({ category: category.slug })).toHaveStatus(200);
          await expectJson(await customer.api.getCart());
        });
      }
      const order = await served(async () => stack.checkout.buy(await stack.customer(), [{ product: products[0] }]));
      expect(order.status).toBe('paid');
    });
  });
});
