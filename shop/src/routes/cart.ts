import {
  Cart,
  CartDiscount,
  CartItemChange,
  CartItemParams,
  errorResponse,
  NewCartItem,
  NewShippingAddress,
  ref,
  response,
} from '../../../contracts/http';
import type { ShopContext } from '../context';
import type { ApiApp } from '../server';
import { shippingAddressOf } from '../services/addresses';
import { newItemOf } from '../services/cart';
import { accessHooks, BEARER, callerOf } from './access';
import { BODY_ERRORS, BODY_PARSER_ERRORS, TOKEN_ERRORS } from './responses';

const tags = ['cart'];
const cart = (description: string) => ({ 200: response(description, ref(Cart)) });

/** The caller's own cart (docs/API.md, "Cart"); every call needs a bearer token. */
export function registerCartRoutes(app: ApiApp, context: ShopContext): void {
  const access = accessHooks(context);
  const mine = { preValidation: access.user };
  const signedIn = { tags, security: BEARER };

  app.get(
    '/api/cart',
    {
      ...mine,
      schema: {
        ...signedIn,
        operationId: 'getCart',
        summary: "The caller's cart (empty when new)",
        response: { ...cart('The cart'), ...TOKEN_ERRORS },
      },
    },
    async (request) => context.carts.get(callerOf(request).id),
  );

  app.post(
    '/api/cart/items',
    {
      ...mine,
      schema: {
        ...signedIn,
        operationId: 'addCartItem',
        summary: 'Add a quantity of a product',
        description: 'Adds to the quantity already there; the cart may hold at most 99 of a product.',
        body: ref(NewCartItem),
        response: {
          ...cart('The cart'),
          400: errorResponse(...BODY_ERRORS, 'INVALID_PRODUCT'),
          ...TOKEN_ERRORS,
          409: errorResponse('OUT_OF_STOCK'),
          ...BODY_PARSER_ERRORS,
        },
      },
    },
    async (request) => context.carts.addItem(callerOf(request).id, newItemOf(request.body)),
  );

  app.patch(
    '/api/cart/items/:productId',
    {
      ...mine,
      schema: {
        ...signedIn,
        operationId: 'setCartItemQuantity',
        summary: "Set an item's quantity",
        params: CartItemParams,
        body: ref(CartItemChange),
        response: {
          ...cart('The cart'),
          400: errorResponse(...BODY_ERRORS, 'INVALID_PRODUCT'),
          ...TOKEN_ERRORS,
          404: errorResponse('CART_ITEM_NOT_FOUND'),
          409: errorResponse('OUT_OF_STOCK'),
          ...BODY_PARSER_ERRORS,
        },
      },
    },
    async (request) => context.carts.setQuantity(callerOf(request).id, request.params.productId, request.body.quantity),
  );

  app.delete(
    '/api/cart/items/:productId',
    {
      ...mine,
      schema: {
        ...signedIn,
        operationId: 'removeCartItem',
        summary: 'Take an item out',
        params: CartItemParams,
        response: { ...cart('The cart'), ...TOKEN_ERRORS, 404: errorResponse('CART_ITEM_NOT_FOUND') },
      },
    },
    async (request) => context.carts.removeItem(callerOf(request).id, request.params.productId),
  );

  app.put(
    '/api/cart/discount',
    {
      ...mine,
      schema: {
        ...signedIn,
        operationId: 'applyDiscount',
        summary: 'Apply a discount code',
        description: 'A code that does not apply leaves the cart unchanged; the message says why.',
        body: ref(CartDiscount),
        response: {
          ...cart('The cart with the discount'),
          400: errorResponse(...BODY_ERRORS, 'INVALID_DISCOUNT_CODE'),
          ...TOKEN_ERRORS,
          ...BODY_PARSER_ERRORS,
        },
      },
    },
    async (request) => context.carts.applyDiscount(callerOf(request).id, request.body.code.trim()),
  );

  app.delete(
    '/api/cart/discount',
    {
      ...mine,
      schema: {
        ...signedIn,
        operationId: 'removeDiscount',
        summary: 'Remove the discount code',
        response: { ...cart('The cart without a discount'), ...TOKEN_ERRORS },
      },
    },
    async (request) => context.carts.removeDiscount(callerOf(request).id),
  );

  app.put(
    '/api/cart/shipping-address',
    {
      ...mine,
      schema: {
        ...signedIn,
        operationId: 'setShippingAddress',
        summary: 'Set the shipping address',
        body: ref(NewShippingAddress),
        response: {
          ...cart('The cart with shipping'),
          400: errorResponse(...BODY_ERRORS),
          ...TOKEN_ERRORS,
          ...BODY_PARSER_ERRORS,
        },
      },
    },
    async (request) => context.carts.setShippingAddress(callerOf(request).id, shippingAddressOf(request.body)),
  );
}
