import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import {
  test,
  expect,
  env,
  runLoad,
  summarize,
  formatTable,
  cacheFigures,
  REQUEST_KINDS,
  ROUND,
  type Customer,
  type LoadCatalog,
  type OrderCreatedPayload,
  type Product,
} from '../../fixtures';

/** Products whose little stock the orders compete for, and products that never run out (every order holds one). */
const SCARCE_PRODUCTS = 4;
const PLENTIFUL_PRODUCTS = 4;
/** Customers are made (and their addresses set) this many at a time, not as a burst of their own. */
const SETUP_BATCH = 10;

async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) results.push(...(await Promise.all(items.slice(start, start + size).map(work))));
  return results;
}

/**
 * Runs in its own project, `load`, after the `api` and `browser` projects (playwright.config.ts): a burst
 * of 50 connections on the one shop would slow the other tests' requests, so it runs alone, at the end.
 * Run it by itself with `npx playwright test --project load --no-deps`; bigger: `npm run bench:load`.
 */
test.describe('load: the shop under many customers at once', { tag: ['@load', '@catalog', '@auth', '@cart', '@orders', '@events', '@data'] }, () => {
  test('catalog reads, logins, cart writes and order placements at 50 at once: at least 99% successful, no oversell, every order has its orders.created', async ({
    factory,
    checkout,
    db,
    events,
  }, testInfo) => {
    const requests = env.loadRequests;
    const concurrency = env.loadConcurrency;
    // The time grows with the size of the run (LOAD_REQUESTS); nothing here asserts speed.
    test.setTimeout(120_000 + requests * 30);
    testInfo.annotations.push({ type: 'load', description: `${requests} requests at ${concurrency} concurrent, ${concurrency} customers` });

    // Scarce stock for fewer than half the placements (one request in ten puts a scarce item in a cart), so they compete.
    const scarceStock = Math.max(5, Math.ceil(requests / 100));
    const plentifulStock = requests;

    const { catalog, products } = await test.step(`the load's own products: ${SCARCE_PRODUCTS} scarce (stock ${scarceStock} each), ${PLENTIFUL_PRODUCTS} plentiful`, async () => {
      const made = await factory.productsInOwnCategory(SCARCE_PRODUCTS + PLENTIFUL_PRODUCTS, (index) => ({
        stock: index < SCARCE_PRODUCTS ? scarceStock : plentifulStock,
        price: factory.price(5, 60),
      }));
      const loadCatalog: LoadCatalog = {
        categorySlug: made.category.slug,
        scarce: made.products.slice(0, SCARCE_PRODUCTS),
        plentiful: made.products.slice(SCARCE_PRODUCTS),
      };
      return { catalog: loadCatalog, products: made.products };
    });

    const customers = await test.step(`${concurrency} fresh customers, each logged in with a token of their own, a shipping address and a plentiful item in the cart`, async () => {
      const made = await inBatches(Array.from({ length: concurrency }), SETUP_BATCH, () => factory.customer());
      // A plentiful item in every cart: a connection that starts its round at the placement has a cart to order.
      await inBatches(made, SETUP_BATCH, (customer: Customer) => checkout.cartReadyToOrder(customer, [{ product: catalog.plentiful[0] }]));
      return made;
    });

    // The machine's state goes in the report: on a machine busy with other work the same shop answers slower
    // (and with 503 SERVICE_UNAVAILABLE once its pool waits pass DATABASE_POOL_WAIT_MS).
    const loadBefore = loadavg()[0];

    const run = await test.step(`autocannon: ${requests} requests at ${concurrency} concurrent, each connection one customer going round ${ROUND.length} steps`, () =>
      runLoad({
        url: env.shopUrl,
        requests,
        concurrency,
        customers: customers.map((customer) => ({ email: customer.email, password: customer.password, accessToken: customer.accessToken })),
        catalog,
        pick: (items) => factory.faker.helpers.arrayElement(items),
      }),
    );

    const report = summarize(run.records, { durationSeconds: run.durationSeconds, concurrency, kinds: REQUEST_KINDS });

    const { orderRows, stockRows } = await test.step('read the orders and the stock the load left in the database', async () => {
      const rows = (await Promise.all(customers.map((customer) => db.ordersOfUser(customer.user.id)))).flat();
      const items = (await Promise.all(rows.map((order) => db.orderItems(order.id)))).flat();
      const stock = await Promise.all(
        products.map(async (product: Product) => {
          const row = await db.productById(product.id);
          const sold = items.filter((item) => item.productId === product.id).reduce((sum, item) => sum + item.quantity, 0);
          return {
            id: product.id,
            kind: catalog.scarce.some((scarce) => scarce.id === product.id) ? 'scarce' : 'plentiful',
            initial: product.stock,
            final: row?.stock ?? Number.NaN,
            sold,
          };
        }),
      );
      return { orderRows: rows, stockRows: stock };
    });

    const created = await test.step("count each order's orders.created on Kafka, once the outbox is flushed", async () => {
      const ids = new Set(orderRows.map((order) => order.id));
      const proof = await events.publishedAfterFlush<OrderCreatedPayload>('orders.created', (event) => ids.has(event.payload.orderId), { timeout: 60_000 });
      return proof.found.map((event) => String(event.envelope.payload.orderId));
    });

    await test.step('attach the figures: load-report.json and load-report.txt', async () => {
      // The catalog cache during the load, from the X-Cache of every catalog answer (docs/API.md, "Caching").
      const cache = cacheFigures(run.records);
      report.extra['catalog cache hit ratio'] = `${((cache.hitRatio ?? 0) * 100).toFixed(1)}% of ${cache.answers} catalog answers (${JSON.stringify(cache.bySource)})`;
      // The logins' figures depend on it: the run's PASSWORD_HASH_ROUNDS, below the shop's production 10 by default.
      report.extra['password hashing'] = `${env.passwordHashRounds} bcrypt rounds (PASSWORD_HASH_ROUNDS; the shop's production default is 10)`;
      const statuses = orderRows.reduce<Record<string, number>>((count, order) => ({ ...count, [order.status]: (count[order.status] ?? 0) + 1 }), {});
      const evidence = {
        orders: { placed201: run.placedOrders.length, rows: orderRows.length, statuses, refusedOutOfStock: report.byKind.order?.refused ?? 0 },
        ordersCreatedEvents: { seen: created.length, distinctOrders: new Set(created).size },
        machine: { cpus: cpus().length, loadAverage1mBefore: loadBefore, loadAverage1mAfter: loadavg()[0] },
        stock: stockRows,
      };
      const text =
        formatTable(report) +
        `\norders: ${evidence.orders.placed201} placed (201), ${evidence.orders.rows} rows ${JSON.stringify(statuses)}, ${evidence.orders.refusedOutOfStock} refused 409 OUT_OF_STOCK\n` +
        `orders.created on Kafka: ${evidence.ordersCreatedEvents.seen} events for ${evidence.ordersCreatedEvents.distinctOrders} orders\n` +
        `stock (initial → final, sold in orders):\n${stockRows.map((row) => `  ${row.kind.padEnd(9)} ${row.id}: ${row.initial} → ${row.final}, sold ${row.sold}`).join('\n')}\n` +
        `autocannon's own counters: ${JSON.stringify(run.autocannon)}\n` +
        `machine: ${evidence.machine.cpus} CPUs, load average (1 min) ${evidence.machine.loadAverage1mBefore.toFixed(1)} before the load, ${evidence.machine.loadAverage1mAfter.toFixed(1)} after\n`;
      const json = JSON.stringify(
        { ...report, startedAt: run.startedAt, finishedAt: run.finishedAt, round: ROUND.map((step) => `${step.kind}: ${step.does}`), evidence, autocannon: run.autocannon },
        null,
        2,
      );
      await writeFile(testInfo.outputPath('load-report.json'), json);
      await writeFile(testInfo.outputPath('load-report.txt'), text);
      await testInfo.attach('load-report.json', { path: testInfo.outputPath('load-report.json'), contentType: 'application/json' });
      await testInfo.attach('load-report.txt', { path: testInfo.outputPath('load-report.txt'), contentType: 'text/plain' });
    });

    await test.step(`every one of the ${requests} requests was answered or counted as failed, and at least 99% succeeded`, async () => {
      expect(run.records, 'one record per request sent').toHaveLength(requests);
      for (const kind of REQUEST_KINDS) expect(report.byKind[kind]?.requests ?? 0, `the mix sent ${kind} requests`).toBeGreaterThan(0);
      expect(report.total.successRate, `successful answers; failures by kind: ${JSON.stringify(Object.fromEntries(Object.entries(report.byKind).map(([kind, stats]) => [kind, stats.failuresBy])))}`).toBeGreaterThanOrEqual(0.99);
    });

    await test.step('no oversell: each product has stock ≥ 0, its orders hold no more than it had, and stock + sold = initial', async () => {
      for (const row of stockRows) {
        expect(row.final, `stock of ${row.kind} product ${row.id}`).toBeGreaterThanOrEqual(0);
        expect(row.sold, `units of ${row.kind} product ${row.id} in orders`).toBeLessThanOrEqual(row.initial);
        expect(row.final + row.sold, `stock + sold of ${row.kind} product ${row.id}`).toBe(row.initial);
      }
      // The customers did compete: some scarce stock ran out, so the guarded reservation was put to the test.
      expect(stockRows.filter((row) => row.kind === 'scarce' && row.final === 0).length, 'scarce products sold out').toBeGreaterThan(0);
    });

    await test.step('every order placed (201) is a row, every row was placed, and none is stuck or cancelled', async () => {
      expect(orderRows.map((order) => order.id).sort()).toEqual([...run.placedOrders].sort());
      for (const order of orderRows) expect(['pending_payment', 'paid'], `status of order ${order.id}`).toContain(order.status);
    });

    await test.step('no lost event: every order row has its orders.created on Kafka', async () => {
      expect([...new Set(created)].sort()).toEqual(orderRows.map((order) => order.id).sort());
    });
  });
});
