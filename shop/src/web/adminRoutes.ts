import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ShopContext } from '../context';
import { isOrderStatus, type OrderStatus } from '../services/orderTransitions';
import { Shipment } from '../../../contracts/http';
import { validated } from '../requestValidation';
import { listOrders, shipmentOf } from '../services/orders';
import { emailsOf, type User } from '../services/users';
import { isUuid } from '../validation';
import { adminOrdersPage, forbiddenPage } from './adminPages';
import { alertMessages, formValues, orRenderError, sendPage, type FieldLabels } from './respond';
import { sessionUser } from './session';

const FIELD_LABELS: FieldLabels = { carrier: 'Carrier', trackingNumber: 'Tracking number' };

/** What an action did, as the notice after the redirect says it: `Order <id> shipped`. */
type Done = 'shipped' | 'delivered';
const isDone = (value: unknown): value is Done => value === 'shipped' || value === 'delivered';

const statusFilter = (value: unknown): OrderStatus | undefined => (isOrderStatus(value) ? value : undefined);

/** `/admin/orders` with the status filter kept and, after an action, what was done to which order. */
function adminOrdersUrl(status: OrderStatus | undefined, done: Done, orderId: string): string {
  const params = new URLSearchParams();
  if (status) params.set('status', status);
  params.set('done', done);
  params.set('order', orderId);
  return `/admin/orders?${params}`;
}

type OrderAction = FastifyRequest<{ Params: { id: string } }>;

/** The admin's order pages (docs/API.md, "Web pages added"); anyone else gets a 403 page. */
export function registerAdminRoutes(app: FastifyInstance, { pool, auth, orders }: ShopContext): void {
  const renderOrders = async (admin: User, status: OrderStatus | undefined, notice: string | undefined, errors: string[]) => {
    const list = await listOrders(pool, admin, { status });
    const emails = await emailsOf(pool, list.flatMap((order) => (order.userId ? [order.userId] : [])));
    const rows = list.map((order) => ({ order, customerEmail: order.userId ? (emails.get(order.userId) ?? null) : null }));
    return adminOrdersPage({ admin, orders: rows, status, notice, errors });
  };

  /** Runs an admin's action from a row's form: back to the list with its notice (303), or the list with the alert. */
  const act = async (
    request: OrderAction,
    reply: FastifyReply,
    done: Done,
    perform: (admin: User, form: Record<string, string | undefined>) => Promise<unknown>,
  ) => {
    const admin = await sessionUser(request, auth);
    if (admin?.role !== 'admin') return sendPage(reply, 403, forbiddenPage(admin));
    const form = formValues(request.body);
    const status = statusFilter(form.filter);
    return orRenderError(
      reply,
      async () => {
        await perform(admin, form);
        return reply.redirect(adminOrdersUrl(status, done, request.params.id), 303);
      },
      (error) => renderOrders(admin, status, undefined, alertMessages(error, FIELD_LABELS)),
    );
  };

  app.get('/admin/orders', async (request, reply) => {
    const admin = await sessionUser(request, auth);
    if (admin?.role !== 'admin') return sendPage(reply, 403, forbiddenPage(admin));
    const query = request.query as Record<string, unknown>;
    const notice =
      isDone(query.done) && typeof query.order === 'string' && isUuid(query.order)
        ? `Order ${query.order} ${query.done}`
        : undefined;
    return sendPage(reply, 200, await renderOrders(admin, statusFilter(query.status), notice, []));
  });

  app.post<{ Params: { id: string } }>('/admin/orders/:id/ship', (request, reply) =>
    act(request, reply, 'shipped', (admin, form) =>
      orders.ship(admin, request.params.id, shipmentOf(validated(Shipment, { carrier: form.carrier, trackingNumber: form.trackingNumber })), request),
    ),
  );

  app.post<{ Params: { id: string } }>('/admin/orders/:id/deliver', (request, reply) =>
    act(request, reply, 'delivered', (admin) => orders.deliver(admin, request.params.id, request)),
  );
}
