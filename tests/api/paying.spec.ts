import { test, expect, expectError, expectJson, type Order } from '../../fixtures';

/**
 * How long the programmed provider takes to answer the charge: long enough to look at the order meanwhile, shorter
 * than the shop's attempt timeout (STRIPE_TIMEOUT_MS, 2000 ms where the suite starts the shop), so it is one
 * successful call and never a failure the shop's circuit breaker would count.
 */
const SLOW_CHARGE_MS = 1500;

test.describe('an order while the provider charges it', { tag: ['@orders', '@payments', '@api'] }, () => {
  test('the order is paying, with its stock reserved and no payment; a cancel is refused at once instead of waiting for the call; then it is pending_payment', async ({
    customer,
    factory,
    checkout,
    payments,
  }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    await checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 2 }]);
    const paymentMethod = await payments.method({ type: 'latency', ms: SLOW_CHARGE_MS });

    const placing = checkout.attemptOrder(customer, { paymentMethod });

    const paying = await test.step('while the charge runs: paying, payment null, the stock reserved', async () => {
      let seen: Order | undefined;
      await expect
        .poll(async () => {
          seen = (await expectJson(await customer.api.listOrders())).data[0];
          return seen?.status;
        }, { message: 'the order shows up paying while the provider is charging it', intervals: [50] })
        .toBe('paying');
      expect(seen).toMatchObject({ payment: null, paidAt: null });
      expect(await checkout.stock(products[0])).toBe(3);
      return seen!;
    });

    await test.step('a cancel meanwhile is answered at once (no lock held across the call): not from paying', async () => {
      const error = await expectError(await customer.api.cancelOrder(paying.id), 400, 'INVALID_STATUS_TRANSITION');
      expect(error.details).toEqual([{ field: 'status', message: 'cannot go from paying to cancelled' }]);
    });

    await test.step('the charge answers: 201, pending_payment with the payment; one call at the provider', async () => {
      const placed = await expectJson(await placing, 201);
      expect(placed).toMatchObject({ id: paying.id, status: 'pending_payment', payment: { status: 'succeeded' } });
      const calls = await payments.calls(paymentMethod);
      expect(calls.map((call) => [call.idempotencyKey, call.status]), JSON.stringify(calls)).toEqual([[`order-${paying.id}`, 200]]);
      await expect(checkout.ref(placed)).toHaveStatus('paid');
      expect(await checkout.stock(products[0])).toBe(3);
    });
  });

  test('GET /health shows the payment provider’s circuit, closed while payments go through', async ({ api, customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ stock: 5 }));
    await checkout.buy(customer, [{ product: products[0] }]);

    const response = await api.health();

    await expect(response).toHaveStatus(200);
    expect(await response.json()).toMatchObject({ status: 'ok', paymentProvider: { breaker: 'closed' } });
  });
});
