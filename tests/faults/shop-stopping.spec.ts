import net from 'node:net';
import { test, expect } from '../../fixtures';
import { pollUntil } from '../../fixtures/wait';

/** The shop's provider timeout here, one attempt: the placement stays in flight while the shop begins to stop. */
const ATTEMPT_TIMEOUT_MS = 4_000;

test.use({
  isolatedOptions: {
    shop: { env: { STRIPE_TIMEOUT_MS: String(ATTEMPT_TIMEOUT_MS), STRIPE_MAX_NETWORK_RETRIES: '0', PAYMENT_BREAKER_THRESHOLD: '1000' } },
  },
});

/** One keep-alive connection to the shop, written to by hand, and everything it answers until it closes. */
function rawConnection(port: number) {
  const socket = net.connect({ host: '127.0.0.1', port });
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
  socket.on('error', () => undefined);
  return {
    ready: new Promise<void>((resolve) => socket.once('connect', () => resolve())),
    send: (request: string) => socket.write(request),
    closed,
  };
}

function request(method: string, path: string, headers: Record<string, string>, body = ''): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: shop.test', 'Connection: keep-alive', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  if (body) lines.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** The answers in a raw HTTP/1.1 stream, in order: status, headers (lower-case names) and body. */
function answersIn(stream: string): Array<{ status: number; headers: Record<string, string>; body: string }> {
  const answers = [];
  let rest = stream;
  while (rest.startsWith('HTTP/1.1 ')) {
    const headEnd = rest.indexOf('\r\n\r\n');
    const [statusLine, ...headerLines] = rest.slice(0, headEnd).split('\r\n');
    const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    const length = Number(headers['content-length'] ?? 0);
    const bodyStart = headEnd + 4;
    answers.push({ status: Number(statusLine.split(' ')[1]), headers, body: rest.slice(bodyStart, bodyStart + length) });
    rest = rest.slice(bodyStart + length);
  }
  return answers;
}

/** Whether the shop still accepts new connections (it stops listening as soon as its server begins to close). */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect({ host: '127.0.0.1', port });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

test.describe('a shop that is stopping', { tag: ['@fault', '@orders', '@protocol'] }, () => {
  test('a request that reaches it on a connection still open gets 503 SERVICE_UNAVAILABLE in the envelope with Retry-After, and the request in flight is answered first', async ({
    isolatedEnvironment: stack,
  }) => {
    const customer = await stack.customer();
    const { products } = await stack.factory.productsInOwnCategory(1, () => ({ price: 20, stock: 5 }));
    await stack.checkout.cartReadyToOrder(customer, [{ product: products[0], quantity: 1 }]);
    const hanging = await stack.payments.method({ type: 'hang' });
    const connection = rawConnection(stack.shop.port);
    await connection.ready;

    connection.send(request('POST', '/api/orders', { authorization: `Bearer ${customer.accessToken}` }, JSON.stringify({ paymentMethod: hanging })));
    await pollUntil(async () => ((await stack.db.ordersOfUser(customer.user.id))[0]?.status === 'paying' ? true : undefined), {
      timeout: 10_000,
      onTimeout: () => 'the placement never reached the provider',
    });

    const stopping = stack.shop.stop();
    await pollUntil(async () => ((await accepts(stack.shop.port)) ? undefined : true), { timeout: 10_000, onTimeout: () => 'the shop kept listening after SIGTERM' });
    connection.send(request('GET', '/api/products', { accept: 'application/json' }));
    await stopping;

    const [placement, late] = answersIn(await connection.closed);
    expect(placement.status, 'the placement in flight is answered: the provider timed out').toBe(502);
    expect(JSON.parse(placement.body)).toMatchObject({ error: { code: 'PAYMENT_PROVIDER_UNAVAILABLE' } });
    expect(late.status).toBe(503);
    expect(late.headers['retry-after']).toBe('1');
    expect(late.headers['content-type']).toContain('application/json');
    expect(JSON.parse(late.body)).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: expect.stringContaining('restarting') } });
  });
});
