import type { FastifyInstance } from 'fastify';
import type { ShopContext } from '../context';
import { listProducts, parseProductQuery } from '../services/productListing';
import { createProduct, deleteProduct, getProduct, parseProductFields, updateProduct } from '../services/products';

type ById = { Params: { id: string } };

const API_PAGE_SIZE = 20;

export function registerProductRoutes(app: FastifyInstance, { pool, auth }: ShopContext): void {
  app.get('/api/products', async (request, reply) => {
    const query = parseProductQuery(request.query as Record<string, unknown>);
    const page = await listProducts(pool, query, { basePath: '/api/products', defaultPageSize: API_PAGE_SIZE });
    return reply.header('cache-control', 'public, max-age=30').send(page);
  });

  app.get<ById>('/api/products/:id', async (request) => getProduct(pool, request.params.id));

  app.post('/api/products', async (request, reply) => {
    await auth.requireAdmin(request);
    const product = await createProduct(pool, await parseProductFields(pool, request.body, false));
    return reply.code(201).header('location', `/api/products/${product.id}`).send(product);
  });

  app.patch<ById>('/api/products/:id', async (request) => {
    await auth.requireAdmin(request);
    const changes = await parseProductFields(pool, request.body, true);
    return updateProduct(pool, request.params.id, changes);
  });

  app.delete<ById>('/api/products/:id', async (request, reply) => {
    await auth.requireAdmin(request);
    await deleteProduct(pool, request.params.id);
    return reply.code(204).send();
  });
}
