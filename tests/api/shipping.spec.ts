import { test, expect, expectError, detailsByField, env, cents, dollars, type Country, type ShippingAddress } from '../../fixtures';

const COUNTRIES: Country[] = ['US', 'CA', 'GB', 'DE', 'FR', 'NL'];

/** The address with one field removed (`undefined`) or replaced. */
function withField(address: ShippingAddress, field: keyof ShippingAddress, value: string | undefined): Partial<ShippingAddress> {
  const { [field]: _dropped, ...rest } = address;
  return value === undefined ? rest : { ...rest, [field]: value };
}

test.describe('shipping address', { tag: ['@shipping', '@api'] }, () => {
  test('a valid address in each supported country is accepted and kept on the cart', async ({ customer, factory }) => {
    for (const country of COUNTRIES) {
      await test.step(country, async () => {
        const address = factory.address(country);
        const response = await customer.api.setShippingAddress(address);
        await expect(response).toHaveStatus(200);
        const cart = await response.json();
        expect(cart.shipping.address).toEqual(address);
      });
    }
  });

  test('postal codes are accepted in each country’s own format', async ({ customer, factory }) => {
    const accepted: Array<[Country, string]> = [
      ['US', '94105'],
      ['US', '94105-1234'],
      ['CA', 'K1A 0B1'],
      ['GB', 'SW1A 1AA'],
      ['GB', 'M1 1AE'],
      ['DE', '10115'],
      ['FR', '75008'],
      ['NL', '1012 AB'],
    ];
    for (const [country, postalCode] of accepted) {
      await test.step(`${country} ${postalCode}`, async () => {
        await expect(await customer.api.setShippingAddress(factory.address(country, { postalCode }))).toHaveStatus(200);
      });
    }
  });

  test('a postal code in another country’s format is a VALIDATION_ERROR on postalCode', async ({ customer, factory }) => {
    const refused: Array<[Country, string]> = [
      ['US', '9410'],
      ['US', '941055'],
      ['US', 'K1A 0B1'],
      ['CA', '94105'],
      ['GB', '12345'],
      ['DE', '1011'],
      ['FR', '750080'],
      ['NL', '10115'],
    ];
    for (const [country, postalCode] of refused) {
      await test.step(`${country} ${postalCode}`, async () => {
        const error = await expectError(await customer.api.setShippingAddress(factory.address(country, { postalCode })), 400, 'VALIDATION_ERROR');
        expect(Object.keys(detailsByField(error))).toEqual(['postalCode']);
      });
    }
  });

  test('name, line1 and city are required, 1 to 100 characters: otherwise a VALIDATION_ERROR on that field', async ({ customer, factory }) => {
    for (const field of ['name', 'line1', 'city'] as const) {
      for (const [why, value] of [
        ['missing', undefined],
        ['empty', ''],
        ['101 characters', 'x'.repeat(101)],
      ] as const) {
        await test.step(`${field} ${why}`, async () => {
          const address = withField(factory.address('US'), field, value);
          const error = await expectError(await customer.api.setShippingAddress(address), 400, 'VALIDATION_ERROR');
          expect(Object.keys(detailsByField(error))).toEqual([field]);
        });
      }
    }
  });

  test('the country must be one of US CA GB DE FR NL (ISO 3166 alpha-2)', async ({ customer, factory }) => {
    for (const country of ['JP', 'USA', 'United States', '']) {
      await test.step(`"${country}"`, async () => {
        const error = await expectError(await customer.api.setShippingAddress({ ...factory.address('US'), country }), 400, 'VALIDATION_ERROR');
        expect(Object.keys(detailsByField(error))).toContain('country');
      });
    }
  });

  test('a refused address leaves the cart without one', async ({ customer, factory, checkout }) => {
    await expectError(await customer.api.setShippingAddress(factory.address('US', { postalCode: 'nope' })), 400, 'VALIDATION_ERROR');

    expect((await checkout.cart(customer)).shipping).toBeNull();
  });
});

test.describe('shipping cost', { tag: ['@shipping', '@api'] }, () => {
  test('a US address below the free-shipping threshold pays the flat rate', async ({ customer, factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: dollars(cents(env.freeShippingOver) - 1), stock: 5 }));
    await checkout.add(customer, products[0], 1);

    const cart = await checkout.shipTo(customer, factory.address('US'));

    expect(cart.shipping?.cost).toBe(env.shippingFlatRate);
    expect(cart.total).toBe(dollars(cents(cart.subtotal) + cents(env.shippingFlatRate)));
  });

  test('a US address at or above the threshold ships free', async ({ factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(2, (index) => ({ price: [env.freeShippingOver, env.freeShippingOver + 50][index], stock: 5 }));
    for (const product of products) {
      await test.step(`subtotal ${product.price}`, async () => {
        const customer = await factory.customer();
        await checkout.add(customer, product, 1);
        const cart = await checkout.shipTo(customer, factory.address('US'));
        expect(cart.shipping?.cost).toBe(0);
        expect(cart.total).toBe(product.price);
      });
    }
  });

  test('the threshold applies to the discounted subtotal', async ({ customer, factory, checkout }) => {
    // 10% off a subtotal just above the threshold brings it below.
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: dollars(cents(env.freeShippingOver) + 100), stock: 5 }));
    const discount = await factory.discountCode({ percentOff: 10 });
    await checkout.add(customer, products[0], 1);
    expect((await checkout.shipTo(customer, factory.address('US'))).shipping?.cost, 'free before the discount').toBe(0);

    const cart = await checkout.applyDiscount(customer, discount.code);

    expect(cart.shipping?.cost, 'the flat rate once the discount takes the subtotal below the threshold').toBe(env.shippingFlatRate);
    expect(cart.total).toBe(dollars(cents(cart.subtotal) - cents(cart.discount?.amount ?? 0) + cents(env.shippingFlatRate)));
  });

  test('outside the US the international rate applies, whatever the subtotal', async ({ factory, checkout }) => {
    const { products } = await factory.productsInOwnCategory(1, () => ({ price: env.freeShippingOver * 3, stock: 20 }));
    for (const country of COUNTRIES.filter((code) => code !== 'US')) {
      await test.step(country, async () => {
        const customer = await factory.customer();
        await checkout.add(customer, products[0], 1);
        const cart = await checkout.shipTo(customer, factory.address(country));
        expect(cart.shipping?.cost).toBe(env.shippingInternationalRate);
        expect(cart.total).toBe(dollars(cents(cart.subtotal) + cents(env.shippingInternationalRate)));
      });
    }
  });
});
