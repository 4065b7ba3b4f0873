import type { FastifyInstance } from 'fastify';
import type { ShopContext } from '../context';
import { createDiscountCode, parseNewDiscountCode } from '../services/discounts';

export function registerDiscountRoutes(app: FastifyInstance, { pool, auth }: ShopContext): void {
  app.post('/api/discount-codes', async (request, reply) => {
    await auth.requireAdmin(request);
    const discount = await createDiscountCode(pool, parseNewDiscountCode(request.body));
    return reply.code(201).send(discount);
  });
}
