import type { FastifyRequest } from 'fastify';
import type { IResolvers, MercuriusLoaders } from 'mercurius';
import {
  CartDiscount,
  CartItemChange,
  CartItemParams,
  NewCartItem,
  NewOrder,
  NewOrderHeaders,
  NewShippingAddress,
  OrderQuery,
  ProductChanges,
  ProductParams,
  ProductQuery,
  type NewShippingAddress as ShippingAddressInput,
  type OrderStatus,
} from '../../../contracts/http';
import type { ShopContext } from '../context';
import { AppError, forbidden, validationError } from '../errors';
import { validated } from '../requestValidation';
import { shippingAddressOf } from '../services/addresses';
import { newItemOf } from '../services/cart';
import { findCategoryIdBySlug, listCategories } from '../services/categories';
import { placeOrderOf } from '../services/checkout';
import { getOrderHistory } from '../services/orderHistory';
import { getOrderFor, listOrders } from '../services/orders';
import { productQueryOf } from '../services/productListing';
import { userActor } from '../services/auditLog';
import { updateAuditedProduct } from '../services/productAudit';
import { productChangesOf, selectFrom, toProduct, type Product, type ProductRow } from '../services/products';
import type { User } from '../services/users';

/**
 * The resolvers call the services the REST routes call, after the same checks in the same order: the caller's token,
 * then the arguments against the REST route's schemas (contracts/http) and its InputChecks, through `validated`. So a
 * mutation publishes the same events and sends the same mails, and a bad argument gets the REST code and details.
 */

/** What every resolver gets: the shop, the HTTP request (its id is the correlation id of the events it causes), the caller. */
export interface GraphqlContext {
  shop: ShopContext;
  request: FastifyRequest;
  /** The user of the bearer token: UNAUTHENTICATED, INVALID_TOKEN or TOKEN_EXPIRED otherwise, for the field that asks. */
  caller(): Promise<User>;
}

export function graphqlContext(shop: ShopContext, request: FastifyRequest): GraphqlContext {
  let caller: Promise<User> | undefined;
  return { shop, request, caller: () => (caller ??= shop.auth.requireUser(request)) };
}

/** Arguments a client gave: an explicit null counts as absent, as an empty query parameter does in REST. */
function given<T extends object>(args: T): Partial<{ [K in keyof T]: NonNullable<T[K]> }> {
  return Object.fromEntries(Object.entries(args).filter(([, value]) => value !== null && value !== undefined)) as Partial<{
    [K in keyof T]: NonNullable<T[K]>;
  }>;
}

interface ListingArgs {
  category?: string | null;
  q?: string | null;
  minPrice?: number | null;
  maxPrice?: number | null;
  sort?: string | null;
  page?: number | null;
  pageSize?: number | null;
}

/** GET /api/products' default page size. */
const PAGE_SIZE = 20;

async function productPage(shop: ShopContext, args: ListingArgs) {
  const query = validated(ProductQuery, given(args), 'querystring');
  const { value: page } = await shop.catalog.listing(productQueryOf(query), { basePath: '/api/products', defaultPageSize: PAGE_SIZE });
  return { items: page.data, meta: page.meta };
}

/** The Idempotency-Key header's rule, its detail naming the argument the client gave. */
function checkIdempotencyKey(key: string): void {
  try {
    validated(NewOrderHeaders, { 'idempotency-key': key }, 'headers');
  } catch (error) {
    if (!(error instanceof AppError) || !error.details) throw error;
    throw validationError(error.details.map((detail) => ({ ...detail, field: 'idempotencyKey' })));
  }
}

type Resolver<Args, Parent = unknown> = (parent: Parent, args: Args, context: GraphqlContext) => unknown;

interface Resolvers {
  Query: {
    products: Resolver<ListingArgs>;
    product: Resolver<{ id: string }>;
    categories: Resolver<object>;
    me: Resolver<object>;
    cart: Resolver<object>;
    orders: Resolver<{ status?: OrderStatus | null; userId?: string | null }>;
    order: Resolver<{ id: string }>;
    orderHistory: Resolver<{ orderId: string }>;
  };
  Mutation: {
    addCartItem: Resolver<{ productId: string; quantity: number }>;
    updateCartItem: Resolver<{ productId: string; quantity: number }>;
    removeCartItem: Resolver<{ productId: string }>;
    applyDiscount: Resolver<{ code: string }>;
    removeDiscount: Resolver<object>;
    setShippingAddress: Resolver<{ address: ShippingAddressInput }>;
    placeOrder: Resolver<{ paymentMethod: string; idempotencyKey?: string | null }>;
    updateProduct: Resolver<{ id: string; expectedVersion: number; changes: Partial<Record<keyof ProductChanges, unknown>> }>;
  };
  Category: {
    products: Resolver<Omit<ListingArgs, 'category'>, { slug: string }>;
  };
}

const resolvers: Resolvers = {
  Query: {
    products: (_root, args, { shop }) => productPage(shop, args),
    product: async (_root, { id }, { shop }) => (await shop.catalog.product(id)).value,
    categories: (_root, _args, { shop }) => listCategories(shop.pool),
    me: (_root, _args, { caller }) => caller(),
    cart: async (_root, _args, { shop, caller }) => shop.carts.get((await caller()).id),
    orders: async (_root, args, { shop, caller }) => {
      const user = await caller();
      return listOrders(shop.pool, user, validated(OrderQuery, given(args), 'querystring'));
    },
    order: async (_root, { id }, { shop, caller }) => getOrderFor(shop.pool, await caller(), id),
    orderHistory: async (_root, { orderId }, { shop, caller }) => getOrderHistory(shop.pool, await caller(), orderId),
  },

  Mutation: {
    addCartItem: async (_root, { productId, quantity }, { shop, caller }) => {
      const user = await caller();
      return shop.carts.addItem(user.id, newItemOf(validated(NewCartItem, { productId, quantity })));
    },
    updateCartItem: async (_root, { productId, quantity }, { shop, caller }) => {
      const user = await caller();
      validated(CartItemParams, { productId }, 'params');
      return shop.carts.setQuantity(user.id, productId, validated(CartItemChange, { quantity }).quantity);
    },
    removeCartItem: async (_root, { productId }, { shop, caller }) => {
      const user = await caller();
      validated(CartItemParams, { productId }, 'params');
      return shop.carts.removeItem(user.id, productId);
    },
    applyDiscount: async (_root, { code }, { shop, caller }) => {
      const user = await caller();
      return shop.carts.applyDiscount(user.id, validated(CartDiscount, { code }).code.trim());
    },
    removeDiscount: async (_root, _args, { shop, caller }) => shop.carts.removeDiscount((await caller()).id),
    setShippingAddress: async (_root, { address }, { shop, caller }) => {
      const user = await caller();
      return shop.carts.setShippingAddress(user.id, shippingAddressOf(validated(NewShippingAddress, { ...address })));
    },
    placeOrder: async (_root, { paymentMethod, idempotencyKey }, { shop, caller, request }) => {
      const user = await caller();
      const order = validated(NewOrder, { paymentMethod });
      const key = idempotencyKey ?? undefined;
      if (key !== undefined) checkIdempotencyKey(key);
      return shop.checkout.placeOrder(user, placeOrderOf(order, key), request);
    },
    // REST's order of checks: the token and the role, the arguments, the product (404), then the version (412).
    updateProduct: async (_root, { id, expectedVersion, changes }, { shop, caller, request }) => {
      const user = await caller();
      if (user.role !== 'admin') throw forbidden();
      validated(ProductParams, { id }, 'params');
      const fields = await productChangesOf(shop.pool, validated(ProductChanges, given(changes)));
      const precondition = { kind: 'versions' as const, versions: [expectedVersion] };
      try {
        return await updateAuditedProduct(shop.pool, id, fields, precondition, { actor: userActor(user.id), correlationId: request.id });
      } catch (error) {
        // REST's detail names the If-Match header; here the argument the client gave names the version.
        if (!(error instanceof AppError) || error.code !== 'PRECONDITION_FAILED') throw error;
        throw new AppError(error.statusCode, error.code, error.message, error.details?.map((detail) => ({ ...detail, field: 'expectedVersion' })));
      }
    },
  },

  Category: {
    products: (parent, args, { shop }) => productPage(shop, { ...args, category: parent.slug }),
  },
};

/** Fields read in batches, one query per request however many objects ask (Mercurius loaders). */
const loaders = {
  Category: {
    /** A product's category comes as { slug, name }; its id is read only when asked for. */
    async id(queries: Array<{ obj: { id?: string; slug: string } }>, { shop }: GraphqlContext) {
      const missing = [...new Set(queries.filter(({ obj }) => obj.id === undefined).map(({ obj }) => obj.slug))];
      const ids = new Map(await Promise.all(missing.map(async (slug) => [slug, await findCategoryIdBySlug(shop.pool, slug)] as const)));
      return queries.map(({ obj }) => obj.id ?? ids.get(obj.slug));
    },
  },
  LineItem: {
    /** The line's product as it is now, the same shape as GET /api/products/:id; null once it was deleted. */
    async product(queries: Array<{ obj: { productId: string } }>, { shop }: GraphqlContext) {
      const ids = [...new Set(queries.map(({ obj }) => obj.productId))];
      const { rows } = await shop.pool.query<ProductRow>(`${selectFrom('products')} WHERE p.id = ANY($1::uuid[]) AND p.deleted_at IS NULL`, [ids]);
      const products = new Map<string, Product>(rows.map((row) => [row.id, toProduct(row)]));
      return queries.map(({ obj }) => products.get(obj.productId) ?? null);
    },
  },
};

export const RESOLVERS = resolvers as unknown as IResolvers;
export const LOADERS = loaders as unknown as MercuriusLoaders;
