import type { FastifyInstance } from 'fastify';
import type { ShopContext } from '../context';
import { parseDiscountCode, parseNewItem, parseQuantity } from '../services/cart';

type ByProduct = { Params: { productId: string } };

/** The caller's own cart (docs/API.md, "Cart"); every call needs a bearer token. */
export function registerCartRoutes(app: FastifyInstance, { auth, carts }: ShopContext): void {
  app.get('/api/cart', async (request) => carts.get((await auth.requireUser(request)).id));

  app.post('/api/cart/items', async (request) => {
    const user = await auth.requireUser(request);
    return carts.addItem(user.id, parseNewItem(request.body));
  });

  app.patch<ByProduct>('/api/cart/items/:productId', async (request) => {
    const user = await auth.requireUser(request);
    return carts.setQuantity(user.id, request.params.productId, parseQuantity(request.body));
  });

  app.delete<ByProduct>('/api/cart/items/:productId', async (request) => {
    const user = await auth.requireUser(request);
    return carts.removeItem(user.id, request.params.productId);
  });

  app.put('/api/cart/discount', async (request) => {
    const user = await auth.requireUser(request);
    return carts.applyDiscount(user.id, parseDiscountCode(request.body));
  });

  app.delete('/api/cart/discount', async (request) => carts.removeDiscount((await auth.requireUser(request)).id));

  app.put('/api/cart/shipping-address', async (request) => {
    const user = await auth.requireUser(request);
    return carts.setShippingAddress(user.id, request.body);
  });
}
