import type { FastifyInstance } from 'fastify';
import type { ShopContext } from '../context';
import { parseCredentials, parseRefreshToken } from '../services/sessions';

export function registerAuthRoutes(app: FastifyInstance, { auth, sessions }: ShopContext): void {
  app.post('/api/auth/login', async (request) => {
    const { tokens } = await sessions.login(parseCredentials(request.body));
    return tokens;
  });

  app.post('/api/auth/refresh', async (request) => sessions.refresh(parseRefreshToken(request.body)));

  app.get('/api/auth/me', async (request) => auth.requireUser(request));
}
