import type { FastifyInstance } from 'fastify';
import type { ShopContext } from '../context';
import { parsePlaceOrder } from '../services/checkout';
import { getOrderHistory } from '../services/orderHistory';
import { getOrderFor, listOrders, parseOrderFilter, parseShipment } from '../services/orders';

type ById = { Params: { id: string } };

export function registerOrderRoutes(app: FastifyInstance, { pool, auth, checkout, orders }: ShopContext): void {
  app.post('/api/orders', async (request, reply) => {
    const user = await auth.requireUser(request);
    const placement = parsePlaceOrder(request.body, request.headers['idempotency-key']);
    const { order, created } = await checkout.placeOrder(user, placement, request);
    return reply
      .code(created ? 201 : 200)
      .header('location', `/api/orders/${order.id}`)
      .send(order);
  });

  app.get('/api/orders', async (request) => {
    const user = await auth.requireUser(request);
    return { data: await listOrders(pool, user, parseOrderFilter(request.query as Record<string, unknown>)) };
  });

  app.get<ById>('/api/orders/:id', async (request) => getOrderFor(pool, await auth.requireUser(request), request.params.id));

  app.get<ById>('/api/orders/:id/history', async (request) => {
    const user = await auth.requireUser(request);
    return { data: await getOrderHistory(pool, user, request.params.id) };
  });

  app.post<ById>('/api/orders/:id/cancel', async (request) => {
    const user = await auth.requireUser(request);
    return orders.cancel(user, request.params.id, request);
  });

  app.post<ById>('/api/orders/:id/ship', async (request) => {
    const admin = await auth.requireAdmin(request);
    return orders.ship(admin, request.params.id, parseShipment(request.body), request);
  });

  app.post<ById>('/api/orders/:id/deliver', async (request) => {
    const admin = await auth.requireAdmin(request);
    return orders.deliver(admin, request.params.id, request);
  });
}
