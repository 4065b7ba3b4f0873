import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidRequest } from './stripe-errors';

const MAX_BODY_BYTES = 1024 * 1024;

/** The whole request body as text; a body over 1 MiB is a 400. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw invalidRequest('parameter_invalid', 'The request body is larger than 1 MiB.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends `json` unless the client already left (then there is nobody to answer). */
export function sendJson(res: ServerResponse, status: number, json: string, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) });
  res.end(json);
}

/** Aborts when the connection closes before the answer was completely sent. */
export function clientGoneSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
