import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ShopContext } from '../context';
import type { AppError } from '../errors';
import { CartItemChange, NewCartItem, NewOrder, NewOrderHeaders, NewShippingAddress } from '../../../contracts/http';
import { validated } from '../requestValidation';
import { shippingAddressOf } from '../services/addresses';
import { newItemOf } from '../services/cart';
import { placeOrderOf } from '../services/checkout';
import { getOrderFor, listOrders } from '../services/orders';
import type { User } from '../services/users';
import { notFoundPage } from './pages';
import { renderProductPage } from './productView';
import { alertMessages, formInteger, formValues, orRenderError, sendPage, type FieldLabels } from './respond';
import { sessionUser } from './session';
import { cartPage, checkoutPage, orderPage, ordersPage, type CartPageView } from './shopPages';

const FIELD_LABELS: FieldLabels = {
  productId: 'Product',
  quantity: 'Quantity',
  items: 'Item',
  code: 'Discount code',
  name: 'Full name',
  line1: 'Address line 1',
  line2: 'Address line 2',
  city: 'City',
  postalCode: 'Postal code',
  country: 'Country',
  paymentMethod: 'Payment method',
};

/** What the checkout alert says for a failed payment; other errors list their own messages. */
const PAYMENT_ALERTS: Record<string, string> = {
  CARD_DECLINED: 'Your card was declined.',
  PAYMENT_FAILED: 'Payment failed: insufficient funds.',
  PAYMENT_PROVIDER_UNAVAILABLE: 'The payment provider is not answering. Nothing was charged; please try again.',
};

type ByProduct = { Params: { productId: string } };

/** The customer's pages: cart, checkout and orders (docs/API.md, "Web pages added"). Without a session: to /login. */
export function registerShopRoutes(app: FastifyInstance, { pool, auth, carts, checkout }: ShopContext): void {
  const renderCart = async (user: User, errors: string[], form?: CartPageView['form']) =>
    cartPage({ user, cart: await carts.get(user.id), errors, form });

  /** A cart change from a form: back to /cart (303), or the cart page with the alert. */
  const changeCart = async (
    reply: FastifyReply,
    user: User,
    change: () => Promise<unknown>,
    form?: CartPageView['form'],
  ) =>
    orRenderError(
      reply,
      async () => {
        await change();
        return reply.redirect('/cart', 303);
      },
      (error) => renderCart(user, alertMessages(error, FIELD_LABELS), form),
    );

  app.post('/cart/items', async (request, reply) => {
    const user = await sessionUser(request, auth);
    if (!user) return reply.redirect('/login', 303);
    const form = formValues(request.body);
    return orRenderError(
      reply,
      async () => {
        await carts.addItem(user.id, newItemOf(validated(NewCartItem, { productId: form.productId, quantity: formInteger(form.quantity) })));
        return reply.redirect('/cart', 303);
      },
      (error) =>
        renderProductPage(pool, user, form.productId ?? '', {
          errors: alertMessages(error, FIELD_LABELS),
          form: { quantity: form.quantity },
        }),
    );
  });

  app.get('/cart', async (request, reply) => {
    const user = await sessionUser(request, auth);
    if (!user) return reply.redirect('/login', 303);
    return sendPage(reply, 200, await renderCart(user, []));
  });

  app.post<ByProduct>('/cart/items/:productId', async (request, reply) => {
    const user = await sessionUser(request, auth);
    if (!user) return reply.redirect('/login', 303);
    const quantity = formInteger(formValues(request.body).quantity);
    return changeCart(reply, user, () => carts.setQuantity(user.id, request.params.productId, validated(CartItemChange, { quantity }).quantity));
  });

  app.post<ByProduct>('/cart/items/:productId/remove', async (request, reply) => {
    const user = await sessionUser(request, auth);
    if (!user) return reply.redirect('/login', 303);
    return changeCart(reply, user, () => carts.removeItem(user.id, request.params.productId));
  });

  app.post('/cart/discount', async (request, reply) => {
    const user = await sessionUser(request, auth);
    if (!user) return reply.redirect('/login', 303);
    const code = formValues(request.body).code ?? '';
    return changeCart(reply, user, () => carts.applyDiscount(user.id, code.trim()), { code });
  });

  app.post('/cart/discount/remove', async (request, reply) => {
    const user = await sessionUser(request, auth);
    if (!user) return reply.redirect('/login', 303);
    return changeCart(reply, user, () => carts.removeDiscount(user.id));
  });

  app.post('/cart/shipping-address', async (request, reply) => {
    const user = await sessionUser(request, auth);
    if (!user) return reply.redirect('/login', 303);
    const address = formValues(request.body);
    return changeCart(reply, user, () => carts.setShippingAddress(user.id, shippingAddressOf(validated(NewShippingAddress, address))), { address });
  });

  app.get('/checkout', async (request, reply) => {
    const user = await sessionUser(request, auth);
    if (!user) return reply.redirect('/login', 303);
    const cart = await carts.get(user.id);
    // Checkout needs something to buy and somewhere to send it: the cart page asks for both.
    if (cart.items.length === 0 || !cart.shipping) return reply.redirect('/cart', 303);
    return sendPage(reply, 200, checkoutPage({ user, cart, errors: [], idempotencyKey: randomUUID() }));
  });

  app.post('/checkout', async (request, reply) => {
    const user = await sessionUser(request, auth);
    if (!user) return reply.redirect('/login', 303);
    const form = formValues(request.body);
    // The text field wins when filled: a test's programmed payment method.
    const paymentMethod = form.paymentMethodId?.trim() || form.paymentMethod;
    const renderFailure = async (error: AppError) =>
      checkoutPage({
        user,
        cart: await carts.get(user.id),
        errors: PAYMENT_ALERTS[error.code] ? [PAYMENT_ALERTS[error.code]] : alertMessages(error, FIELD_LABELS),
        idempotencyKey: randomUUID(),
        paymentMethod: form.paymentMethod,
        paymentMethodId: form.paymentMethodId,
      });
    return orRenderError(
      reply,
      async () => {
        const idempotencyKey = form.idempotencyKey || undefined;
        if (idempotencyKey !== undefined) validated(NewOrderHeaders, { 'idempotency-key': idempotencyKey }, 'headers');
        const placement = placeOrderOf(validated(NewOrder, { paymentMethod }), idempotencyKey);
        const { order } = await checkout.placeOrder(user, placement, request);
        return reply.redirect(`/orders/${order.id}`, 303);
      },
      renderFailure,
    );
  });

  app.get('/orders', async (request, reply) => {
    const user = await sessionUser(request, auth);
    if (!user) return reply.redirect('/login', 303);
    // The visitor's own orders, an admin's too; all orders are on /admin/orders.
    const orders = await listOrders(pool, user, { userId: user.id });
    return sendPage(reply, 200, ordersPage(user, orders));
  });

  app.get<{ Params: { id: string } }>('/orders/:id', async (request, reply) => {
    const user = await sessionUser(request, auth);
    if (!user) return reply.redirect('/login', 303);
    return orRenderError(
      reply,
      async () => sendPage(reply, 200, orderPage(user, await getOrderFor(pool, user, request.params.id))),
      () => notFoundPage(user, 'Order not found'),
    );
  });
}
