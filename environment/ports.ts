import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { EnvironmentError } from './errors';

const LOOPBACK = '127.0.0.1';
/** Ports below this are left to the system's own servers. */
const LOWEST_PICKED_PORT = 10_000;
const PICK_ATTEMPTS = 30;

/** Linux's range of ephemeral ports (the source ports of outgoing connections), or undefined elsewhere. */
function ephemeralRange(): { low: number; high: number } | undefined {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return Number.isInteger(low) && Number.isInteger(high) ? { low, high } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A free port, so parallel runs on one machine never clash. Where the OS says which ports outgoing
 * connections take (Linux), one below that range, picked at random and checked: a service stopped
 * for a restart must find its port still free, and an outgoing connection (thousands per run, to
 * Kafka, Postgres, the shop) could otherwise take it meanwhile as its source port. Elsewhere, and if
 * no such port is found, the OS picks one.
 */
export async function freePort(host = LOOPBACK): Promise<number> {
  const range = ephemeralRange();
  if (range && range.low - LOWEST_PICKED_PORT >= 1_000) {
    for (let attempt = 0; attempt < PICK_ATTEMPTS; attempt += 1) {
      const port = randomInt(LOWEST_PICKED_PORT, range.low);
      if (await isPortFree(port, host)) return port;
    }
  }
  return portPickedByOs(host);
}

/** Asks the OS for a free port: listen on 0, read it, close. */
function portPickedByOs(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('the OS returned no port'))));
    });
  });
}

/** True when nothing listens on host:port yet. */
export function isPortFree(port: number, host = LOOPBACK): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * The port a service listens on: the one the user fixed in `variable` (which must be free),
 * else a free one picked now.
 */
export async function choosePort(variable: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const fixed = env[variable];
  if (!fixed) return freePort();
  const port = Number(fixed);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new EnvironmentError(`${variable}=${fixed} is not a port number: set it to 1-65535, or unset it to pick a free port.`);
  }
  if (!(await isPortFree(port))) {
    throw new EnvironmentError(
      `Port ${port} (${variable}) is already in use on ${LOOPBACK}: stop what listens there, or unset ${variable} to pick a free port.`,
    );
  }
  return port;
}

/**
 * One port per variable (fixed by the user, or free), all different: freePort() checks a port is free,
 * it does not reserve it, so a port picked twice is picked again.
 */
export async function choosePorts<K extends string>(variables: readonly K[], env: NodeJS.ProcessEnv = process.env): Promise<Record<K, number>> {
  const chosen = {} as Record<K, number>;
  const used = new Set<number>();
  for (const variable of variables) {
    let port = await choosePort(variable, env);
    while (used.has(port) && !env[variable]) port = await freePort();
    used.add(port);
    chosen[variable] = port;
  }
  return chosen;
}
