import type { FastifyInstance } from 'fastify';
import type { ShopContext } from '../context';
import { createReview, listReviews, parseReview } from '../services/reviews';

type ByProduct = { Params: { id: string } };

export function registerReviewRoutes(app: FastifyInstance, { pool, auth }: ShopContext): void {
  app.get<ByProduct>('/api/products/:id/reviews', async (request) => listReviews(pool, request.params.id));

  app.post<ByProduct>('/api/products/:id/reviews', async (request, reply) => {
    const user = await auth.requireUser(request);
    const review = await createReview(pool, user, request.params.id, parseReview(request.body));
    return reply.code(201).send(review);
  });
}
