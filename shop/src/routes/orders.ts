import {
  errorResponse,
  Headers,
  NewOrder,
  NewOrderHeaders,
  Order,
  OrderHistory,
  OrderList,
  OrderParams,
  OrderQuery,
  ref,
  response,
  Shipment,
} from '../../../contracts/http';
import type { ShopContext } from '../context';
import type { ApiApp } from '../server';
import { placeOrderOf } from '../services/checkout';
import { getOrderHistory } from '../services/orderHistory';
import { getOrderFor, listOrders, shipmentOf } from '../services/orders';
import { accessHooks, BEARER, callerOf } from './access';
import { BODY_ERRORS, BODY_PARSER_ERRORS, PROVIDER_ERRORS, TOKEN_ERRORS } from './responses';

const tags = ['orders'];
const ORDER_LOCATION = Headers.location('/api/orders/<id>');

/** docs/API.md, "Orders". */
export function registerOrderRoutes(app: ApiApp, context: ShopContext): void {
  const access = accessHooks(context);
  const signedIn = { tags, security: BEARER };
  const adminAction = {
    ...TOKEN_ERRORS,
    403: errorResponse('FORBIDDEN'),
    404: errorResponse('ORDER_NOT_FOUND'),
  };

  app.post(
    '/api/orders',
    {
      preValidation: access.user,
      schema: {
        ...signedIn,
        operationId: 'placeOrder',
        summary: 'Place the order of the cart and pay it',
        description:
          'Reserves the stock, charges the payment method through the provider, and on success empties the cart and ' +
          'publishes orders.created; the order becomes paid when the provider’s webhook says so. A decline or an ' +
          'unreachable provider undoes the reservation and keeps the cart.',
        headers: NewOrderHeaders,
        body: ref(NewOrder),
        response: {
          200: response('The order an earlier call with this Idempotency-Key placed, as it is now', ref(Order), ORDER_LOCATION),
          201: response('The order, in pending_payment', ref(Order), ORDER_LOCATION),
          400: errorResponse(
            ...BODY_ERRORS,
            'CART_EMPTY',
            'SHIPPING_ADDRESS_REQUIRED',
            'INVALID_PRODUCT',
            'CARD_DECLINED',
            'ORDER_TOTAL_TOO_SMALL',
            'INVALID_STATUS_TRANSITION',
          ),
          ...TOKEN_ERRORS,
          402: errorResponse('PAYMENT_FAILED'),
          409: errorResponse('OUT_OF_STOCK'),
          ...BODY_PARSER_ERRORS,
          ...PROVIDER_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const placement = placeOrderOf(request.body, request.headers['idempotency-key'] as string | undefined);
      const { order, created } = await context.checkout.placeOrder(callerOf(request), placement, request);
      return reply
        .code(created ? 201 : 200)
        .header('location', `/api/orders/${order.id}`)
        .send(order);
    },
  );

  app.get(
    '/api/orders',
    {
      preValidation: access.user,
      schema: {
        ...signedIn,
        operationId: 'listOrders',
        summary: "A customer's own orders; all of them for an admin",
        querystring: OrderQuery,
        response: {
          200: response('The orders, newest first', ref(OrderList)),
          400: errorResponse('VALIDATION_ERROR'),
          ...TOKEN_ERRORS,
        },
      },
    },
    async (request) => ({ data: await listOrders(context.pool, callerOf(request), request.query) }),
  );

  app.get(
    '/api/orders/:id',
    {
      preValidation: access.user,
      schema: {
        ...signedIn,
        operationId: 'getOrder',
        summary: 'An order: the owner’s, or any for an admin',
        params: OrderParams,
        response: { 200: response('The order', ref(Order)), ...TOKEN_ERRORS, 404: errorResponse('ORDER_NOT_FOUND') },
      },
    },
    async (request) => getOrderFor(context.pool, callerOf(request), request.params.id),
  );

  app.get(
    '/api/orders/:id/history',
    {
      preValidation: access.user,
      schema: {
        ...signedIn,
        operationId: 'getOrderHistory',
        summary: "An order's statuses as the order-tracking projection applied them",
        params: OrderParams,
        response: {
          200: response('The history, oldest first', ref(OrderHistory)),
          ...TOKEN_ERRORS,
          404: errorResponse('ORDER_NOT_FOUND'),
        },
      },
    },
    async (request) => ({ data: await getOrderHistory(context.pool, callerOf(request), request.params.id) }),
  );

  app.post(
    '/api/orders/:id/cancel',
    {
      preValidation: access.user,
      schema: {
        ...signedIn,
        operationId: 'cancelOrder',
        summary: 'Cancel an order: the owner while pending_payment, an admin also once paid (refunded)',
        params: OrderParams,
        response: {
          200: response('The order, cancelled; its stock released', ref(Order)),
          400: errorResponse('INVALID_STATUS_TRANSITION'),
          ...TOKEN_ERRORS,
          403: errorResponse('FORBIDDEN'),
          404: errorResponse('ORDER_NOT_FOUND'),
          ...PROVIDER_ERRORS,
        },
      },
    },
    async (request) => context.orders.cancel(callerOf(request), request.params.id, request),
  );

  app.post(
    '/api/orders/:id/ship',
    {
      preValidation: access.admin,
      schema: {
        ...signedIn,
        operationId: 'shipOrder',
        summary: 'Ship a paid order (admin)',
        params: OrderParams,
        body: ref(Shipment),
        response: {
          200: response('The order, shipped', ref(Order)),
          400: errorResponse(...BODY_ERRORS, 'INVALID_STATUS_TRANSITION'),
          ...adminAction,
          ...BODY_PARSER_ERRORS,
        },
      },
    },
    async (request) => context.orders.ship(callerOf(request), request.params.id, shipmentOf(request.body), request),
  );

  app.post(
    '/api/orders/:id/deliver',
    {
      preValidation: access.admin,
      schema: {
        ...signedIn,
        operationId: 'deliverOrder',
        summary: 'Mark a shipped order delivered (admin)',
        params: OrderParams,
        response: {
          200: response('The order, delivered', ref(Order)),
          400: errorResponse('INVALID_STATUS_TRANSITION'),
          ...adminAction,
        },
      },
    },
    async (request) => context.orders.deliver(callerOf(request), request.params.id, request),
  );
}
