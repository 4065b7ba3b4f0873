import { test, expect, expectError, expectJson, type Customer, type IsolatedStack, type ShopResponse, type Order } from '../../fixtures';

/** Consecutive failed calls that open the circuit. */
const THRESHOLD = 3;
/** Long enough that the checks right after opening run well inside it on a loaded machine; short enough to wait out. */
const COOLDOWN_MS = 8_000;
/** One call: the first attempt and the shop's two retries. */
const ATTEMPTS_PER_CALL = 3;
/** A trial that succeeds slowly (under the attempt timeout), so /health can be seen saying half-open while it runs. */
const SLOW_TRIAL_MS = 1_500;

test.use({
  isolatedOptions: {
    shop: {
      env: {
        PAYMENT_BREAKER_THRESHOLD: String(THRESHOLD),
        PAYMENT_BREAKER_COOLDOWN_MS: String(COOLDOWN_MS),
        STRIPE_TIMEOUT_MS: '3000',
        STRIPE_MAX_NETWORK_RETRIES: String(ATTEMPTS_PER_CALL - 1),
        // Short backoffs: the failing calls' retries are not what this file measures.
        PAYMENT_RETRY_INITIAL_DELAY_MS: '50',
        PAYMENT_RETRY_MAX_DELAY_MS: '100',
      },
    },
  },
});

/** The payment provider's circuit as the shop's /health says it. */
async function breaker(stack: IsolatedStack): Promise<string> {
  return (await expectJson(await stack.api.health())).paymentProvider.breaker;
}

/** Waits until the shop logs this message (pino's `msg`). */
function logged(stack: IsolatedStack, message: string) {
  return stack.logs.waitForLine('shop', (line) => line.entry?.msg === message, { describe: `"${message}"` });
}

/** How many times the shop logged this message so far. */
function timesLogged(stack: IsolatedStack, message: string): number {
  return stack.logs.lines('shop').filter((line) => line.entry?.msg === message).length;
}

const OPENED = `payment provider circuit opened: ${THRESHOLD} consecutive failed calls`;
const TRIAL_FAILED = 'payment provider circuit opened: the trial call failed';
const HALF_OPEN = 'payment provider circuit half-open: one trial call';
const CLOSED = 'payment provider circuit closed';

/** A placement that the provider fails (503 on every attempt): 502 once the shop's retries are spent. */
async function failedPlacement(stack: IsolatedStack, customer: Customer, paymentMethod: string): Promise<void> {
  const error = await expectError(await stack.checkout.attemptOrder(customer, { paymentMethod }), 502, 'PAYMENT_PROVIDER_UNAVAILABLE');
  expect(error.message).toMatch(/nothing was charged/);
}

/** THRESHOLD failed calls in a row: the circuit is closed before the last one and open after it. */
async function openTheCircuit(stack: IsolatedStack, customer: Customer, failing: string): Promise<void> {
  for (let call = 1; call <= THRESHOLD; call += 1) {
    expect(await breaker(stack), `closed before failed call ${call}`).toBe('closed');
    await failedPlacement(stack, customer, failing);
  }
}

/** A placement refused with the circuit open: 503 with Retry-After within the cool-down, and nothing changed. */
async function refusedWhileOpen(stack: IsolatedStack, response: ShopResponse<Order>): Promise<void> {
  const error = await expectError(response, 503, 'PAYMENT_PROVIDER_UNAVAILABLE');
  expect(error.message).toMatch(/was not called; nothing was charged/);
  const retryAfter = Number(response.headers()['retry-after']);
  expect(retryAfter, 'Retry-After: the cool-down’s remaining whole seconds').toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(COOLDOWN_MS / 1000);
}

/** The customer's placements answer 503 (the circuit open) until one does not: that one is the trial. */
async function placeUntilTrial(stack: IsolatedStack, customer: Customer, paymentMethod: string): Promise<ShopResponse<Order>> {
  let trial: ShopResponse<Order> | undefined;
  await expect
    .poll(async () => (trial = await stack.checkout.attemptOrder(customer, { paymentMethod })).status(), {
      message: 'a placement after the cool-down goes through as the trial call',
      timeout: COOLDOWN_MS + 30_000,
      intervals: [250],
    })
    .not.toBe(503);
  return trial!;
}

test.describe('a payment provider that keeps failing', { tag: ['@fault', '@payments', '@orders'] }, () => {
  test(`${THRESHOLD} failed calls open the circuit: a good card then gets 503 with Retry-After and the provider is not called; after the cool-down a trial goes through (half-open) and its success closes it`, async ({
    isolatedEnvironment: stack,
  }) => {
    test.setTimeout(120_000);
    const { products } = await stack.factory.productsInOwnCategory(1, () => ({ stock: 10 }));
    const [failingCustomer, goodCustomer] = await Promise.all([stack.customer(), stack.customer()]);
    await stack.checkout.cartReadyToOrder(failingCustomer, [{ product: products[0] }]);
    const goodCart = await stack.checkout.cartReadyToOrder(goodCustomer, [{ product: products[0], quantity: 2 }]);
    const failing = await stack.payments.failingThenSucceeding(1_000);
    const good = await stack.payments.method({ type: 'latency', ms: SLOW_TRIAL_MS });

    await test.step(`${THRESHOLD} calls fail after their retries (502 each, ${ATTEMPTS_PER_CALL} attempts each): the circuit opens`, async () => {
      await openTheCircuit(stack, failingCustomer, failing);
      const calls = await stack.payments.calls(failing);
      expect(calls.map((call) => call.status)).toEqual(Array(THRESHOLD * ATTEMPTS_PER_CALL).fill(503));
    });

    const openedAt = performance.now();

    await test.step('the next placement, with a card that works, is refused with 503 and Retry-After: the provider received no call', async () => {
      await refusedWhileOpen(stack, await stack.checkout.attemptOrder(goodCustomer, { paymentMethod: good }));
      expect(await stack.payments.calls(good)).toEqual([]);
    });

    await test.step('/health says open, and the log says why', async () => {
      expect(await breaker(stack)).toBe('open');
      await logged(stack, OPENED);
    });

    await test.step('nothing changed for the refused customer: stock, cart, no order, no event', async () => {
      expect(await stack.checkout.stock(products[0])).toBe(10);
      expect(await stack.checkout.cart(goodCustomer)).toEqual(goodCart);
      expect(await stack.db.ordersOfUser(goodCustomer.user.id)).toEqual([]);
      await expect(stack.events).not.toHavePublished('orders.created', { userId: goodCustomer.user.id });
    });

    const placed = await test.step('after the cool-down one placement goes through as the trial: /health says half-open while it runs; it succeeds, 201', async () => {
      const trial = placeUntilTrial(stack, goodCustomer, good);
      trial.catch(() => undefined);
      await expect.poll(() => breaker(stack), { message: '/health shows the trial call running', timeout: COOLDOWN_MS + 30_000, intervals: [50] }).toBe('half-open');
      const order = await expectJson(await trial, 201);
      expect(order.status).toBe('pending_payment');
      return order;
    });

    await test.step('its success closes the circuit: /health says closed, the log says so, one call reached the provider', async () => {
      expect(await breaker(stack)).toBe('closed');
      stack.timings.recovery('payment circuit: open until a successful trial closed it', performance.now() - openedAt);
      await logged(stack, HALF_OPEN);
      await logged(stack, CLOSED);
      const calls = await stack.payments.calls(good);
      expect(calls.map((call) => [call.idempotencyKey, call.status])).toEqual([[`order-${placed.id}`, 200]]);
      await expect(stack.checkout.ref(placed)).toHaveStatus('paid');
      expect(await stack.checkout.stock(products[0])).toBe(8);
    });
  });

  test('a trial call that fails opens the circuit again for another cool-down, and a good card is refused again without a call', async ({ isolatedEnvironment: stack }) => {
    test.setTimeout(120_000);
    const { products } = await stack.factory.productsInOwnCategory(1, () => ({ stock: 10 }));
    const [failingCustomer, goodCustomer] = await Promise.all([stack.customer(), stack.customer()]);
    await stack.checkout.cartReadyToOrder(failingCustomer, [{ product: products[0] }]);
    await stack.checkout.cartReadyToOrder(goodCustomer, [{ product: products[0] }]);
    const failing = await stack.payments.failingThenSucceeding(1_000);
    const good = await stack.payments.succeeding();

    await test.step(`${THRESHOLD} failed calls open the circuit`, async () => {
      await openTheCircuit(stack, failingCustomer, failing);
      await logged(stack, OPENED);
      expect(await breaker(stack)).toBe('open');
    });

    const openedAt = performance.now();

    await test.step(`after the cool-down the failing customer’s placement is the trial: it reaches the provider (${ATTEMPTS_PER_CALL} attempts) and fails, 502`, async () => {
      const trial = await placeUntilTrial(stack, failingCustomer, failing);
      const error = await expectError(trial, 502, 'PAYMENT_PROVIDER_UNAVAILABLE');
      expect(error.message).toMatch(/nothing was charged/);
      stack.timings.recovery('payment circuit: open until a failed trial reopened it', performance.now() - openedAt);
      expect(await stack.payments.calls(failing)).toHaveLength((THRESHOLD + 1) * ATTEMPTS_PER_CALL);
    });

    await test.step('the circuit is open again: /health, the log (half-open, then the trial failed), and a good card is refused with no call', async () => {
      expect(await breaker(stack)).toBe('open');
      await logged(stack, HALF_OPEN);
      await logged(stack, TRIAL_FAILED);
      expect(timesLogged(stack, CLOSED), 'never closed').toBe(0);
      await refusedWhileOpen(stack, await stack.checkout.attemptOrder(goodCustomer, { paymentMethod: good }));
      expect(await stack.payments.calls(good)).toEqual([]);
      expect(await stack.checkout.stock(products[0])).toBe(10);
    });
  });

  test(`declines are answered at once, never retried, and do not count: ${THRESHOLD + 1} declines in a row leave the circuit closed, and a decline between failures breaks their run`, async ({
    isolatedEnvironment: stack,
  }) => {
    test.setTimeout(120_000);
    const { products } = await stack.factory.productsInOwnCategory(1, () => ({ stock: 10 }));
    const customer = await stack.customer();
    const cart = await stack.checkout.cartReadyToOrder(customer, [{ product: products[0] }]);
    const declining = await stack.payments.declining('generic_decline');
    const insufficient = await stack.payments.declining('insufficient_funds');
    const failing = await stack.payments.failingThenSucceeding(1_000);

    await test.step(`${THRESHOLD + 1} declines in a row: 400 CARD_DECLINED each, exactly one call each at the provider`, async () => {
      for (let decline = 1; decline <= THRESHOLD + 1; decline += 1) {
        await expectError(await stack.checkout.attemptOrder(customer, { paymentMethod: declining }), 400, 'CARD_DECLINED');
        const calls = await stack.payments.calls(declining);
        expect(calls.map((call) => call.status), 'one call per placement: a decline is not retried').toEqual(Array(decline).fill(402));
        expect(new Set(calls.map((call) => call.idempotencyKey)).size, 'each call is another order’s').toBe(decline);
      }
      await expectError(await stack.checkout.attemptOrder(customer, { paymentMethod: insufficient }), 402, 'PAYMENT_FAILED');
      expect((await stack.payments.calls(insufficient)).map((call) => call.status)).toEqual([402]);
    });

    await test.step('the circuit is still closed, the log never says it opened, and nothing was kept', async () => {
      expect(await breaker(stack)).toBe('closed');
      expect(timesLogged(stack, OPENED)).toBe(0);
      expect(await stack.checkout.stock(products[0])).toBe(10);
      expect(await stack.checkout.cart(customer)).toEqual(cart);
      expect(await stack.db.ordersOfUser(customer.user.id)).toEqual([]);
    });

    await test.step(`${THRESHOLD - 1} failures, a decline, ${THRESHOLD - 1} failures: still closed (the decline counts as an answer)`, async () => {
      for (let i = 0; i < THRESHOLD - 1; i += 1) await failedPlacement(stack, customer, failing);
      await expectError(await stack.checkout.attemptOrder(customer, { paymentMethod: declining }), 400, 'CARD_DECLINED');
      for (let i = 0; i < THRESHOLD - 1; i += 1) await failedPlacement(stack, customer, failing);
      expect(await breaker(stack)).toBe('closed');
    });

    await test.step(`one more failure makes ${THRESHOLD} in a row: open`, async () => {
      await failedPlacement(stack, customer, failing);
      expect(await breaker(stack)).toBe('open');
      await logged(stack, OPENED);
      expect(await stack.payments.calls(failing)).toHaveLength((2 * (THRESHOLD - 1) + 1) * ATTEMPTS_PER_CALL);
    });
  });
});
