import type { FastifyInstance } from 'fastify';
import type { ShopContext } from '../context';
import { createCategory, getCategory, listCategories, parseNewCategory } from '../services/categories';

export function registerCategoryRoutes(app: FastifyInstance, { pool, auth }: ShopContext): void {
  app.get('/api/categories', async () => ({ data: await listCategories(pool) }));

  app.get<{ Params: { id: string } }>('/api/categories/:id', async (request) => getCategory(pool, request.params.id));

  app.post('/api/categories', async (request, reply) => {
    await auth.requireAdmin(request);
    const category = await createCategory(pool, parseNewCategory(request.body));
    return reply.code(201).header('location', `/api/categories/${category.id}`).send(category);
  });
}
