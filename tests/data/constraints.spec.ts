import { test, expect, type Checkout, type Customer, type Factory, type Order } from '../../fixtures';

/** SQLSTATE codes Postgres answers when a constraint is broken. */
const CHECK_VIOLATION = '23514';
const NOT_NULL_VIOLATION = '23502';
const UNIQUE_VIOLATION = '23505';

/** An amount with a third decimal: a numeric(p,2) column stored it as 12.35 without a word. */
const THREE_DECIMALS = '12.345';

/** A paid order of the test's own: its customer, its product in its own category. */
async function paidOrder({ factory, customer, checkout }: { factory: Factory; customer: Customer; checkout: Checkout }): Promise<Order> {
  const { products } = await factory.productsInOwnCategory(1);
  return checkout.buy(customer, [{ product: products[0] }]);
}

// Each statement targets only a row this test made, inside a transaction that is rolled back.
test.describe('database constraints on products', { tag: ['@catalog', '@data'] }, () => {
  test('a CHECK constraint rejects a price outside (0, 1,000,000]', async ({ db, factory }) => {
    const product = await factory.product(await factory.category());

    for (const price of [0, -1, 1_000_000.01]) {
      await test.step(`price ${price}`, async () => {
        const violation = await db.violationOf('UPDATE products SET price = $1 WHERE id = $2', [price, product.id]);
        expect(violation?.code, `price ${price} is refused by a CHECK constraint`).toBe(CHECK_VIOLATION);
      });
    }
    expect((await db.productById(product.id))?.price, 'nothing was committed').toBe(product.price);
  });

  test('a price with a third decimal is refused by products_price_money_check, not rounded', async ({ db, factory }) => {
    const product = await factory.product(await factory.category());
    const before = await db.productById(product.id);

    const violation = await db.violationOf('UPDATE products SET price = $1 WHERE id = $2', [THREE_DECIMALS, product.id]);

    expect(violation).toMatchObject({ code: CHECK_VIOLATION, constraint: 'products_price_money_check' });
    expect(await db.productById(product.id), 'the product is as it was').toEqual(before);
  });

  test('a price of one or two decimals is stored as written', async ({ db, factory }) => {
    const product = await factory.product(await factory.category());

    for (const price of ['12.5', '12.34']) {
      const stored = await db.acceptedRows('UPDATE products SET price = $1 WHERE id = $2 RETURNING price::text', [price, product.id]);
      expect(stored, `price ${price}`).toEqual([{ price }]);
    }
  });

  test('a CHECK constraint rejects a negative stock', async ({ db, factory }) => {
    const product = await factory.product(await factory.category());

    const violation = await db.violationOf('UPDATE products SET stock = -1 WHERE id = $1', [product.id]);

    expect(violation?.code).toBe(CHECK_VIOLATION);
    expect((await db.productById(product.id))?.stock).toBe(product.stock);
  });

  test('a CHECK constraint rejects a SKU outside A-Z, 0-9 and -', async ({ db, factory }) => {
    const product = await factory.product(await factory.category());

    const violation = await db.violationOf('UPDATE products SET sku = $1 WHERE id = $2', ['lower-case', product.id]);

    expect(violation?.code).toBe(CHECK_VIOLATION);
  });

  test('a product name cannot be NULL', async ({ db, factory }) => {
    const product = await factory.product(await factory.category());

    const violation = await db.violationOf('UPDATE products SET name = NULL WHERE id = $1', [product.id]);

    expect(violation).toMatchObject({ code: NOT_NULL_VIOLATION, column: 'name' });
  });

  test('two products cannot share a SKU', async ({ db, factory }) => {
    const category = await factory.category();
    const [first, second] = await factory.products(category, 2);

    const violation = await db.violationOf('UPDATE products SET sku = $1 WHERE id = $2', [first.sku, second.id]);

    expect(violation?.code).toBe(UNIQUE_VIOLATION);
  });
});

test.describe('database constraints on users', { tag: ['@users', '@data'] }, () => {
  test('a CHECK constraint keeps emails lower-cased', async ({ db, factory }) => {
    const { user } = await factory.registeredUser();

    const violation = await db.violationOf('UPDATE users SET email = upper(email) WHERE id = $1', [user.id]);

    expect(violation?.code).toBe(CHECK_VIOLATION);
  });

  test('two active users cannot share an email', async ({ db, factory }) => {
    const first = await factory.registeredUser();
    const second = await factory.registeredUser();

    const violation = await db.violationOf('UPDATE users SET email = $1 WHERE id = $2', [first.email, second.user.id]);

    expect(violation?.code).toBe(UNIQUE_VIOLATION);
  });
});

/**
 * Each money column of an order keeps at most two decimals. The total follows its parts (orders also check
 * total = subtotal - discount_total + shipping_cost), so only the decimals are wrong; Postgres tests a row's CHECKs in
 * name order, so the part's own check answers before orders_total_money_check, which the total alone breaks by
 * carrying a third decimal, even a zero one.
 */
const ORDER_AMOUNTS = [
  { column: 'subtotal', set: 'subtotal = subtotal + 0.005, total = total + 0.005' },
  { column: 'discount_total', set: 'discount_total = discount_total + 0.005, total = total - 0.005' },
  { column: 'shipping_cost', set: `shipping_cost = ${THREE_DECIMALS}, total = subtotal - discount_total + ${THREE_DECIMALS}` },
  { column: 'total', set: 'total = round(total, 3)' },
] as const;

/** What a status needs of an order: one direct write to a paid order (or a shipped one) breaks one rule. */
interface StatusRule {
  broken: string;
  constraint: string;
  from: 'paid' | 'shipped';
  set: string;
}

/** The values the shop writes and the columns each status is reached with (docs/API.md, "Tables added the suite may read"). */
const STATUS_RULES: Record<'payment' | 'shipment' | 'cancellation', StatusRule[]> = {
  payment: [
    { broken: 'an unknown payment status', constraint: 'orders_payment_status_check', from: 'paid', set: "payment_status = 'paid_in_full'" },
    { broken: 'a paid order without its payment time', constraint: 'orders_paid_at_check', from: 'paid', set: 'paid_at = NULL' },
    { broken: 'a refund whose payment status is not refunded', constraint: 'orders_refund_check', from: 'paid', set: 'refunded_at = now()' },
  ],
  shipment: [
    { broken: 'a shipped order without a carrier', constraint: 'orders_shipment_check', from: 'paid', set: "status = 'shipped', tracking_number = 'TRK-1', shipped_at = now()" },
    { broken: 'a shipped order without a tracking number', constraint: 'orders_shipment_check', from: 'paid', set: "status = 'shipped', carrier = 'DHL', shipped_at = now()" },
    { broken: 'a shipped order without its ship time', constraint: 'orders_shipment_check', from: 'paid', set: "status = 'shipped', carrier = 'DHL', tracking_number = 'TRK-1'" },
    { broken: 'a delivered order without its delivery time', constraint: 'orders_delivered_at_check', from: 'shipped', set: "status = 'delivered'" },
  ],
  cancellation: [
    {
      broken: 'an unknown cancel reason',
      constraint: 'orders_cancel_reason_check',
      from: 'paid',
      set: "status = 'cancelled', cancelled_at = now(), cancel_reason = 'changed my mind'",
    },
    { broken: 'a cancelled order without its reason', constraint: 'orders_cancellation_check', from: 'paid', set: "status = 'cancelled', cancelled_at = now()" },
    { broken: 'a cancelled order without its cancel time', constraint: 'orders_cancellation_check', from: 'paid', set: "status = 'cancelled', cancel_reason = 'admin_request'" },
  ],
};

/** An order of the test's own in `status`, reached through the shop: paid, then shipped by the admin when asked. */
async function orderIn(status: StatusRule['from'], fixtures: { factory: Factory; customer: Customer; checkout: Checkout }): Promise<Order> {
  const order = await paidOrder(fixtures);
  return status === 'shipped' ? fixtures.checkout.ship(order.id) : order;
}

/** Each rule: the write is refused with the rule's constraint, and the order is as it was. */
function statusRuleTests(rules: StatusRule[]): void {
  for (const rule of rules) {
    test(`${rule.broken} is refused by ${rule.constraint}`, async ({ db, factory, customer, checkout }) => {
      const order = await orderIn(rule.from, { factory, customer, checkout });
      const before = await db.orderById(order.id);

      const violation = await db.violationOf(`UPDATE orders SET ${rule.set} WHERE id = $1`, [order.id]);

      expect(violation).toMatchObject({ code: CHECK_VIOLATION, constraint: rule.constraint });
      expect(await db.orderById(order.id), 'the order is as it was').toEqual(before);
    });
  }
}

test.describe('database constraints on an order’s amounts', { tag: ['@orders', '@data'] }, () => {
  for (const amount of ORDER_AMOUNTS) {
    test(`orders.${amount.column} with a third decimal is refused by orders_${amount.column}_money_check, not rounded`, async ({ db, factory, customer, checkout }) => {
      const order = await paidOrder({ factory, customer, checkout });
      const before = await db.orderById(order.id);

      const violation = await db.violationOf(`UPDATE orders SET ${amount.set} WHERE id = $1`, [order.id]);

      expect(violation).toMatchObject({ code: CHECK_VIOLATION, constraint: `orders_${amount.column}_money_check` });
      expect(await db.orderById(order.id), 'the order is as it was').toEqual(before);
    });
  }

  test('an order amount of one or two decimals is stored as written, the total following', async ({ db, factory, customer, checkout }) => {
    const order = await paidOrder({ factory, customer, checkout });

    for (const cost of ['12.5', '12.34']) {
      const stored = await db.acceptedRows(
        'UPDATE orders SET shipping_cost = $1, total = subtotal - discount_total + $1 WHERE id = $2 RETURNING shipping_cost::text',
        [cost, order.id],
      );
      expect(stored, `shipping cost ${cost}`).toEqual([{ shipping_cost: cost }]);
    }
  });

  test('order_items.unit_price with a third decimal is refused by order_items_unit_price_money_check, not rounded', async ({ db, factory, customer, checkout }) => {
    const order = await paidOrder({ factory, customer, checkout });
    const before = await db.orderItems(order.id);

    const violation = await db.violationOf('UPDATE order_items SET unit_price = $1 WHERE order_id = $2', [THREE_DECIMALS, order.id]);

    expect(violation).toMatchObject({ code: CHECK_VIOLATION, constraint: 'order_items_unit_price_money_check' });
    expect(await db.orderItems(order.id), 'the items are as they were').toEqual(before);
  });
});

test.describe('database constraints on an order’s payment', { tag: ['@payments', '@data'] }, () => {
  statusRuleTests(STATUS_RULES.payment);
});

test.describe('database constraints on an order’s cancellation', { tag: ['@orders', '@data'] }, () => {
  statusRuleTests(STATUS_RULES.cancellation);
});

test.describe('database constraints on an order’s shipment', { tag: ['@shipping', '@data'] }, () => {
  statusRuleTests(STATUS_RULES.shipment);

  test('an order shipped with its carrier, tracking number and ship time is accepted', async ({ db, factory, customer, checkout }) => {
    const order = await paidOrder({ factory, customer, checkout });

    const stored = await db.acceptedRows(
      "UPDATE orders SET status = 'shipped', carrier = 'DHL', tracking_number = 'TRK-1', shipped_at = now() WHERE id = $1 RETURNING status",
      [order.id],
    );

    expect(stored, 'the same write with every column the status needs').toEqual([{ status: 'shipped' }]);
  });
});

test.describe('database constraints on discount codes', { tag: ['@discounts', '@data'] }, () => {
  for (const column of ['amount_off', 'min_subtotal'] as const) {
    test(`discount_codes.${column} with a third decimal is refused by discount_codes_${column}_money_check, not rounded`, async ({ db, factory }) => {
      const { code } = await factory.discountCode({ amountOff: 5, minSubtotal: 20 });
      const before = await db.discountCode(code);

      const violation = await db.violationOf(`UPDATE discount_codes SET ${column} = $1 WHERE code = $2`, [THREE_DECIMALS, code]);

      expect(violation).toMatchObject({ code: CHECK_VIOLATION, constraint: `discount_codes_${column}_money_check` });
      expect(await db.discountCode(code), 'the code is as it was').toEqual(before);
    });
  }
});

test.describe('database constraints on notifications', { tag: ['@users', '@data'] }, () => {
  test('a notification of a kind no mail has is refused by notifications_kind_check', async ({ db, factory }) => {
    const { email } = await factory.registeredUser();
    await expect.poll(async () => (await db.notificationsOfKind(email, 'welcome')).length, { message: 'the welcome mail is recorded' }).toBe(1);
    const before = await db.notificationsTo(email);

    const violation = await db.violationOf("UPDATE notifications SET kind = 'newsletter' WHERE id = $1", [before[0].id]);

    expect(violation).toMatchObject({ code: CHECK_VIOLATION, constraint: 'notifications_kind_check' });
    expect(await db.notificationsTo(email), 'the notification is as it was').toEqual(before);
  });
});
