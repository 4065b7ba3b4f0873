import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths';

/** Loaded into the shop and the gateway with `node --require`: it refuses connections to addresses not allowed. */
export const OUTBOUND_GUARD = path.join(repoRoot, 'environment', 'outbound-guard.cjs');
/** Where a run's guards write what they refused, one JSON line each, in the run's log folder. */
export const OUTBOUND_REPORT = 'outbound-guard.jsonl';

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, postgres: 5432, postgresql: 5432, redis: 6379, rediss: 6379, smtp: 25 };
const URL_PATTERN = /\b([a-z][a-z0-9+.-]*):\/\/(?:[^@/\s"',]*@)?(\[[^\]]+\]|[^:/\s"',?#]+)(?::(\d+))?/gi;

/**
 * The addresses a process's settings name, as `host:port`: every URL's (DATABASE_URL, REDIS_URL, a webhook URL inside
 * GATEWAY_ACCOUNTS), every entry of a broker list (KAFKA_BROKERS), and each X_HOST with its X_PORT (SMTP_HOST and
 * SMTP_PORT; STRIPE_API_HOST and STRIPE_API_PORT, 443 by default).
 */
export function addressesIn(env: Record<string, string | undefined>): string[] {
  const found = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    for (const match of value.matchAll(URL_PATTERN)) {
      const port = match[3] ?? DEFAULT_PORTS[match[1].toLowerCase()];
      if (port !== undefined) found.add(`${match[2]}:${port}`);
    }
    if (name === 'KAFKA_BROKERS') for (const broker of value.split(',')) if (broker.trim()) found.add(broker.trim());
    const host = /^(.*)_HOST$/.exec(name);
    if (host) {
      const port = env[`${host[1]}_PORT`] ?? (host[1] === 'STRIPE_API' ? '443' : undefined);
      if (port) found.add(`${value}:${port}`);
    }
  }
  return [...found];
}

/** One connection a guard refused. */
export interface OutboundAttempt {
  at: string;
  service: string;
  host: string;
  port: number;
  caller: string;
}

/** What the guards of a run (its log folder) refused so far, from line `from` on. */
export function outboundAttempts(logDir: string, from = 0): OutboundAttempt[] {
  let text: string;
  try {
    text = readFileSync(path.join(logDir, OUTBOUND_REPORT), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(from)
    .map((line) => JSON.parse(line) as OutboundAttempt);
}

/** One line per refused address: `the shop tried to reach api.stripe.com:443 (from ...), 2 times`. */
export function describeOutboundAttempts(attempts: OutboundAttempt[]): string[] {
  const byAddress = new Map<string, { first: OutboundAttempt; count: number }>();
  for (const attempt of attempts) {
    const key = `${attempt.service} ${attempt.host}:${attempt.port}`;
    const seen = byAddress.get(key);
    if (seen) seen.count += 1;
    else byAddress.set(key, { first: attempt, count: 1 });
  }
  return [...byAddress.values()].map(
    ({ first, count }) =>
      `the ${first.service} tried to reach ${first.host}:${first.port} (from ${first.caller})${count > 1 ? `, ${count} times` : ''}: only the addresses the environment gave it may be reached`,
  );
}
