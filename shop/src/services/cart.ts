import type { Pool, PoolClient } from 'pg';
import type * as Http from '../../../contracts/http';
import { withTransaction, type Db } from '../db';
import { cartItemNotFound, invalidProduct, outOfStock, validationError } from '../errors';
import { fromCents, toCents } from '../money';
import { isUuid } from '../validation';
import type { ShippingAddress } from './addresses';
import { findDiscountCode, requireApplicableCode, type DiscountRow } from './discounts';
import { lineView, price, type PricedLine, type Pricing, type ShippingRates } from './pricing';

/** A Cart as the API shows it: the contract's type (contracts/http). */
export type Cart = Http.Cart;

export interface CartLine extends PricedLine {
  stock: number;
  /** The product was deleted after it was put in the cart: it stays listed, but cannot be ordered. */
  deleted: boolean;
}

/** What a cart holds, with the products' current prices and stock. */
export interface CartContents {
  lines: CartLine[];
  discount: DiscountRow | undefined;
  address: ShippingAddress | null;
}

const MAX_QUANTITY = 99;

/** A valid item to add: the product id trimmed (the schema checks the quantity). */
export const newItemOf = (item: Http.NewCartItem) => ({ productId: item.productId.trim(), quantity: item.quantity });

/** The message OUT_OF_STOCK lists per short item: `<productId>: requested N, available M`. */
export const shortItem = (productId: string, requested: number, available: number) => ({
  field: 'items',
  message: `${productId}: requested ${requested}, available ${available}`,
});

export async function readCart(db: Db, userId: string): Promise<CartContents> {
  const { rows: lines } = await db.query<{
    product_id: string;
    name: string;
    price: string;
    quantity: number;
    stock: number;
    deleted: boolean;
  }>(
    `SELECT i.product_id, p.name, p.price, i.quantity, p.stock, p.deleted_at IS NOT NULL AS deleted
       FROM cart_items i JOIN products p ON p.id = i.product_id
      WHERE i.user_id = $1 ORDER BY i.added_at, i.product_id`,
    [userId],
  );
  const { rows: carts } = await db.query<{ discount_code: string | null; shipping_address: ShippingAddress | null }>(
    'SELECT discount_code, shipping_address FROM carts WHERE user_id = $1',
    [userId],
  );
  const code = carts[0]?.discount_code;
  return {
    lines: lines.map((row) => ({
      productId: row.product_id,
      name: row.name,
      unitPriceCents: toCents(row.price),
      quantity: row.quantity,
      stock: row.stock,
      deleted: row.deleted,
    })),
    discount: code ? await findDiscountCode(db, code) : undefined,
    address: carts[0]?.shipping_address ?? null,
  };
}

function cartView(contents: CartContents, pricing: Pricing): Cart {
  return {
    items: contents.lines.map(lineView),
    subtotal: fromCents(pricing.subtotalCents),
    discount: pricing.discount && { code: pricing.discount.code, amount: fromCents(pricing.discount.cents) },
    shipping:
      contents.address && pricing.shippingCents !== null
        ? { address: contents.address, cost: fromCents(pricing.shippingCents) }
        : null,
    total: fromCents(pricing.totalCents),
    currency: 'USD',
  };
}

/**
 * A customer's own cart. Changes run in a transaction that first locks the user's carts row,
 * so two requests of one customer (two tabs) cannot both pass a stock check on the same quantity.
 */
export class Carts {
  constructor(
    private readonly pool: Pool,
    private readonly rates: ShippingRates,
  ) {}

  async get(userId: string): Promise<Cart> {
    return this.view(this.pool, userId);
  }

  async addItem(userId: string, item: { productId: string; quantity: number }): Promise<Cart> {
    return this.change(userId, async (client) => {
      const stock = await activeProductStock(client, item.productId);
      if (stock === undefined) throw invalidProduct([{ field: 'productId', message: 'must be an existing product' }]);
      const { rows } = await client.query<{ quantity: number }>(
        'SELECT quantity FROM cart_items WHERE user_id = $1 AND product_id = $2',
        [userId, item.productId],
      );
      const quantity = (rows[0]?.quantity ?? 0) + item.quantity;
      if (quantity > MAX_QUANTITY) {
        throw validationError([
          { field: 'quantity', message: `must keep the cart's quantity at most ${MAX_QUANTITY} (it has ${rows[0].quantity})` },
        ]);
      }
      if (quantity > stock) throw outOfStock([shortItem(item.productId, quantity, stock)]);
      await client.query(
        `INSERT INTO cart_items (user_id, product_id, quantity) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = excluded.quantity`,
        [userId, item.productId, quantity],
      );
    });
  }

  async setQuantity(userId: string, productId: string, quantity: number): Promise<Cart> {
    return this.change(userId, async (client) => {
      if (!(await hasItem(client, userId, productId))) throw cartItemNotFound();
      const stock = await activeProductStock(client, productId);
      if (stock === undefined) throw invalidProduct([{ field: 'productId', message: 'must be an existing product' }]);
      if (quantity > stock) throw outOfStock([shortItem(productId, quantity, stock)]);
      await client.query('UPDATE cart_items SET quantity = $3 WHERE user_id = $1 AND product_id = $2', [
        userId,
        productId,
        quantity,
      ]);
    });
  }

  async removeItem(userId: string, productId: string): Promise<Cart> {
    return this.change(userId, async (client) => {
      if (!isUuid(productId)) throw cartItemNotFound();
      const { rowCount } = await client.query('DELETE FROM cart_items WHERE user_id = $1 AND product_id = $2', [
        userId,
        productId,
      ]);
      if (rowCount === 0) throw cartItemNotFound();
    });
  }

  /** Applies the code when it applies to the cart as it is now; otherwise INVALID_DISCOUNT_CODE and no change. */
  async applyDiscount(userId: string, code: string): Promise<Cart> {
    return this.change(userId, async (client) => {
      const contents = await readCart(client, userId);
      const subtotal = price(contents.lines, undefined, null, this.rates).subtotalCents;
      const discount = await requireApplicableCode(client, code, subtotal);
      await client.query('UPDATE carts SET discount_code = $2, updated_at = now() WHERE user_id = $1', [
        userId,
        discount.code,
      ]);
    });
  }

  async removeDiscount(userId: string): Promise<Cart> {
    return this.change(userId, async (client) => {
      await client.query('UPDATE carts SET discount_code = NULL, updated_at = now() WHERE user_id = $1', [userId]);
    });
  }

  async setShippingAddress(userId: string, address: ShippingAddress): Promise<Cart> {
    return this.change(userId, async (client) => {
      await client.query('UPDATE carts SET shipping_address = $2, updated_at = now() WHERE user_id = $1', [
        userId,
        JSON.stringify(address),
      ]);
    });
  }

  private async view(db: Db, userId: string): Promise<Cart> {
    const contents = await readCart(db, userId);
    return cartView(contents, price(contents.lines, contents.discount, contents.address, this.rates));
  }

  private async change(userId: string, work: (client: PoolClient) => Promise<void>): Promise<Cart> {
    return withTransaction(this.pool, async (client) => {
      await lockCart(client, userId);
      await work(client);
      return this.view(client, userId);
    });
  }
}

/** Creates the user's carts row when missing and locks it for the rest of the transaction. */
export async function lockCart(client: PoolClient, userId: string): Promise<void> {
  await client.query('INSERT INTO carts (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING', [userId]);
  await client.query('SELECT 1 FROM carts WHERE user_id = $1 FOR UPDATE', [userId]);
}

async function activeProductStock(db: Db, productId: string): Promise<number | undefined> {
  if (!isUuid(productId)) return undefined;
  const { rows } = await db.query<{ stock: number }>(
    'SELECT stock FROM products WHERE id = $1 AND deleted_at IS NULL',
    [productId],
  );
  return rows[0]?.stock;
}

async function hasItem(db: Db, userId: string, productId: string): Promise<boolean> {
  if (!isUuid(productId)) return false;
  const { rowCount } = await db.query('SELECT 1 FROM cart_items WHERE user_id = $1 AND product_id = $2', [
    userId,
    productId,
  ]);
  return (rowCount ?? 0) > 0;
}
