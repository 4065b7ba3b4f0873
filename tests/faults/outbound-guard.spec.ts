import { test, expect, expectError } from '../../fixtures';

// The shop of this stack is pointed at a real provider's API: no address the environment gave it.
test.use({
  isolatedOptions: { shop: { env: { STRIPE_API_HOST: 'api.stripe.com', STRIPE_API_PORT: '443', STRIPE_API_PROTOCOL: 'https', STRIPE_MAX_NETWORK_RETRIES: '0' } } },
});

test.describe('outbound-call guard', { tag: ['@payments', '@security', '@fault'] }, () => {
  test('a shop set to call a real payment provider is refused the connection before it leaves: the guard names the host and the caller, the placement fails, and nothing was charged or published', async ({
    isolatedEnvironment: stack,
  }) => {
    const customer = await stack.customer();
    const { products } = await stack.factory.productsInOwnCategory(1, () => ({ stock: 3 }));
    await stack.checkout.cartReadyToOrder(customer, [{ product: products[0] }]);

    const response = await stack.checkout.attemptOrder(customer);

    await expectError(response, 502, 'PAYMENT_PROVIDER_UNAVAILABLE');
    const attempts = stack.outboundAttempts();
    expect(attempts.length).toBeGreaterThan(0);
    expect(new Set(attempts.map((attempt) => `${attempt.service} ${attempt.host}:${attempt.port}`))).toEqual(new Set(['shop api.stripe.com:443']));
    expect(attempts[0].caller, 'the frame that asked for the connection').toMatch(/stripe|payments/i);
    await stack.logs.waitForLine('shop', (line) => line.text.includes('[outbound-guard] shop tried to reach api.stripe.com:443'), {
      describe: 'the guard’s line naming the host',
    });

    await test.step('what did not happen: no order kept, the stock back, no orders.created, no call at the run’s gateway', async () => {
      expect(await stack.db.ordersOfUser(customer.user.id)).toEqual([]);
      expect(await stack.checkout.stock(products[0])).toBe(3);
      await expect(stack.events).not.toHavePublished('orders.created', { userId: customer.user.id });
      expect(await stack.payments.calls('pm_card_visa')).toEqual([]);
    });
  });
});
