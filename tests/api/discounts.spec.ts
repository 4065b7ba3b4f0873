import { test, expect, expectJson, expectError } from '../../fixtures';

test.describe('discount codes', { tag: ['@discounts', '@api'] }, () => {
  test('an admin creates a percentage code, stored upper-case', async ({ adminApi, factory }) => {
    const code = factory.discountCodeName();

    const response = await adminApi.createDiscountCode({ code: code.toLowerCase(), percentOff: 15 });

    await expect(response).toHaveStatus(201);
    expect(await response.json()).toEqual({ code, percentOff: 15, amountOff: null, expiresAt: null, minSubtotal: null });
  });

  test('an admin creates an amount code with an expiry and a minimum subtotal', async ({ adminApi, factory }) => {
    const code = factory.discountCodeName();
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();

    const response = await adminApi.createDiscountCode({ code, amountOff: 7.5, expiresAt, minSubtotal: 30 });

    await expect(response).toHaveStatus(201);
    const created = await expectJson(response, 201);
    expect(created).toMatchObject({ code, percentOff: null, amountOff: 7.5, minSubtotal: 30 });
    expect(Date.parse(created.expiresAt ?? '')).toBe(Date.parse(expiresAt));
  });

  test('a code already used is refused with 409 DISCOUNT_CODE_EXISTS, whatever its case', async ({ adminApi, factory }) => {
    const existing = await factory.discountCode();

    await expectError(await adminApi.createDiscountCode({ code: existing.code.toLowerCase(), percentOff: 5 }), 409, 'DISCOUNT_CODE_EXISTS');
  });

  test('a code has exactly one of percentOff (1–100) and amountOff (> 0), and a name of 3–32 of A-Z 0-9 -', async ({ adminApi, factory }) => {
    const code = factory.discountCodeName();
    const cases: Array<{ body: Record<string, unknown>; why: string }> = [
      { body: { code, percentOff: 10, amountOff: 5 }, why: 'both percentOff and amountOff' },
      { body: { code }, why: 'neither percentOff nor amountOff' },
      { body: { code, percentOff: 0 }, why: 'percentOff 0' },
      { body: { code, percentOff: 101 }, why: 'percentOff 101' },
      { body: { code, percentOff: 12.5 }, why: 'percentOff not an integer' },
      { body: { code, amountOff: 0 }, why: 'amountOff 0' },
      { body: { code: 'AB', percentOff: 10 }, why: 'a code of 2 characters' },
      { body: { code: `E2E-${'X'.repeat(29)}`, percentOff: 10 }, why: 'a code of 33 characters' },
      { body: { code: 'E2E_SALE!', percentOff: 10 }, why: 'a code with _ and !' },
    ];
    for (const { body, why } of cases) {
      await test.step(why, async () => {
        await expectError(await adminApi.createDiscountCode(body), 400, 'VALIDATION_ERROR');
      });
    }
  });

  test('a customer cannot create discount codes: 403 FORBIDDEN', async ({ customer, factory }) => {
    await expectError(await customer.api.createDiscountCode({ code: factory.discountCodeName(), percentOff: 50 }), 403, 'FORBIDDEN');
  });
});

test.describe('discounts in the cart', { tag: ['@discounts', '@cart', '@api'] }, () => {
  test('a percentage code takes its share off the subtotal, and is matched case-insensitively', async ({ customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 40, stock: 10 }));
    const discount = await factory.discountCode({ percentOff: 25 });
    await checkout.add(customer, products[0], 2);

    const response = await customer.api.applyDiscount(discount.code.toLowerCase());

    await expect(response).toHaveStatus(200);
    const cart = await expectJson(response);
    expect(cart.discount).toEqual({ code: discount.code, amount: 20 });
    expect(cart.subtotal).toBe(80);
    expect(cart.total).toBe(60);
  });

  test('an amount code takes its amount off, and never more than the subtotal', async ({ customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 12, stock: 10 }));
    const tenOff = await factory.discountCode({ amountOff: 10 });
    const fiftyOff = await factory.discountCode({ amountOff: 50 });
    await checkout.add(customer, products[0], 2);

    await test.step('10 off 24', async () => {
      const cart = await checkout.applyDiscount(customer, tenOff.code);
      expect(cart.discount).toEqual({ code: tenOff.code, amount: 10 });
      expect(cart.total).toBe(14);
    });

    await test.step('50 off 24 takes 24 off, not 50', async () => {
      const cart = await checkout.applyDiscount(customer, fiftyOff.code);
      expect(cart.discount).toEqual({ code: fiftyOff.code, amount: 24 });
      expect(cart.total).toBe(0);
    });
  });

  test('the seeded WELCOME10 takes 10% off', async ({ customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 33.3, stock: 10 }));
    await checkout.add(customer, products[0], 1);

    const cart = await checkout.applyDiscount(customer, 'welcome10');

    expect(cart.discount).toEqual({ code: 'WELCOME10', amount: 3.33 });
    expect(cart.total).toBe(29.97);
  });

  test('an unknown, expired or not yet applicable code is 400 INVALID_DISCOUNT_CODE, saying which, and leaves the cart as it was', async ({ customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 20, stock: 10 }));
    const valid = await factory.discountCode({ percentOff: 10 });
    const expired = await factory.discountCode({ percentOff: 10, expiresAt: new Date(Date.now() - 60_000).toISOString() });
    const needsFifty = await factory.discountCode({ percentOff: 10, minSubtotal: 50 });
    await checkout.add(customer, products[0], 1);
    const before = await checkout.applyDiscount(customer, valid.code);

    const messages: string[] = [];
    for (const [why, code] of [
      ['unknown', factory.discountCodeName()],
      ['expired', expired.code],
      ['below its minimum subtotal', needsFifty.code],
    ] as const) {
      await test.step(`${why} code`, async () => {
        const error = await expectError(await customer.api.applyDiscount(code), 400, 'INVALID_DISCOUNT_CODE');
        messages.push(error.message);
        expect(await checkout.cart(customer), 'the cart keeps its discount').toEqual(before);
      });
    }
    expect(messages[1], 'the message says the code expired').toMatch(/expire/i);
    expect(new Set(messages).size, `each reason has its own message: ${JSON.stringify(messages)}`).toBe(3);
  });

  test('a code with a minimum subtotal applies once the subtotal reaches it', async ({ customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 25, stock: 10 }));
    const needsFifty = await factory.discountCode({ amountOff: 5, minSubtotal: 50 });
    await checkout.add(customer, products[0], 2);

    const cart = await checkout.applyDiscount(customer, needsFifty.code);

    expect(cart.discount).toEqual({ code: needsFifty.code, amount: 5 });
    expect(cart.total).toBe(45);
  });

  test('removing the discount restores the total', async ({ customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: 50, stock: 10 }));
    const discount = await factory.discountCode({ percentOff: 20 });
    await checkout.add(customer, products[0], 1);
    await checkout.applyDiscount(customer, discount.code);

    const response = await customer.api.removeDiscount();

    await expect(response).toHaveStatus(200);
    const cart = await expectJson(response);
    expect(cart.discount).toBeNull();
    expect(cart.total).toBe(50);
  });
});
