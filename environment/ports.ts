import { randomInt } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { EnvironmentError } from './errors';

const LOOPBACK = '127.0.0.1';
/** Ports below this are left to the system's own servers. */
const LOWEST_PICKED_PORT = 10_000;
const PICK_ATTEMPTS = 30;
/**
 * The ports the Fetch standard calls bad (https://fetch.spec.whatwg.org/#port-blocking): Node's fetch
 * and every browser refuse them, so a service there would never answer a readiness probe or a page.
 */
const FETCH_BAD_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115,
  117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587,
  601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669,
  6679, 6697, 10080,
]);

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
 * connections take (Linux), one below that range, picked at random and checked (and never one of the
 * Fetch standard's bad ports, which the random pick once hit: 10080): a service stopped
 * for a restart must find its port still free, and an outgoing connection (thousands per run, to
 * Kafka, Postgres, the shop) could otherwise take it meanwhile as its source port. Elsewhere, and if
 * no such port is found, the OS picks one.
 */
export async function freePort(host = LOOPBACK): Promise<number> {
  const range = ephemeralRange();
  if (range && range.low - LOWEST_PICKED_PORT >= 1_000) {
    for (let attempt = 0; attempt < PICK_ATTEMPTS; attempt += 1) {
      const port = randomInt(LOWEST_PICKED_PORT, range.low);
      if (FETCH_BAD_PORTS.has(port) || !reservePort(port)) continue;
      if (await isPortFree(port, host)) return port;
      releasePort(port);
    }
  }
  return portPickedByOs(host);
}

/**
 * Ports picked by any process of any run on this machine, each a file `<port>` holding the picker's pid, so that two
 * processes picking at once (two workers starting isolated environments) never take the same port: a port that is
 * free now is not yet bound, and one stack's gateway once bound the port another stack had picked for its shop, whose
 * readiness probe then got the gateway's 200. A port stays reserved while its picker lives (a stopped service starts
 * again on its port); the picker's exit releases them, and the file of a picker that died is taken over.
 */
const RESERVATIONS = path.join(os.tmpdir(), 'event-shop-e2e-ports');
const reserved = new Set<number>();
let releasesOnExit = false;

function reservePort(port: number): boolean {
  const file = path.join(RESERVATIONS, String(port));
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      mkdirSync(RESERVATIONS, { recursive: true });
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      if (!releasesOnExit) process.once('exit', releaseReservations);
      releasesOnExit = true;
      reserved.add(port);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return true; // no reservations here: the check alone
      if (!holderGone(file)) return false;
      try {
        unlinkSync(file);
      } catch {
        return false;
      }
    }
  }
  return false;
}

/** True when the pid in the reservation is no process any more (or the file says none). */
function holderGone(file: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function releasePort(port: number): void {
  if (!reserved.delete(port)) return;
  try {
    unlinkSync(path.join(RESERVATIONS, String(port)));
  } catch {
    // already gone
  }
}

function releaseReservations(): void {
  for (const port of [...reserved]) releasePort(port);
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
  if (FETCH_BAD_PORTS.has(port)) {
    throw new EnvironmentError(
      `${variable}=${port} is a port browsers and fetch refuse (the Fetch standard's bad ports): choose another, or unset ${variable} to pick a free port.`,
    );
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
