import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { builtServer } from './build';
import { passwordHashRounds } from './password-hashing';
import { EnvironmentError } from './errors';
import { displayPath, repoRoot } from './paths';
import { freePort } from './ports';
import { spawnService, tailOfLog, waitUntilReady, type ServiceProcess } from './processes';
import { httpAnswersOk } from './readiness';
import type { EnvironmentRun } from './run';
import { ProcessHandle } from './service-handle';
import { shopServiceVariables } from './services/registry';
import type { Services } from './types';
import { addressesIn, OUTBOUND_GUARD, OUTBOUND_REPORT } from './outbound';

const START_TIMEOUT_MS = 90_000;
const LOG_LINES_ON_FAILURE = 20;

export interface NodeServiceOptions {
  /** Used in messages and as the log file name: shop, payment-gateway. */
  name: string;
  /** The TypeScript entry point, relative to the repo root: shop/src/main.ts. */
  entry: string;
  /** The service's configuration; PORT and HOST are added. */
  env: Record<string, string>;
  /** Default: a free port. */
  port?: number;
  /** Answers 200 once the service is ready (default /health). */
  healthPath?: string;
  timeoutMs?: number;
  /**
   * The settings the environment gave (not a test's own): the addresses they name, and the service's own, are the only
   * ones it may connect to (environment/outbound-guard.cjs). Default: `env`.
   */
  trustedEnv?: Record<string, string>;
}

/** One of the repo's servers as it runs: its address, and the handle to stop, kill and restart it. */
export class StartedNodeService extends ProcessHandle {
  constructor(
    name: string,
    first: ServiceProcess,
    launch: () => Promise<ServiceProcess>,
    /** http://127.0.0.1:<port>, the same after a restart. */
    readonly url: string,
    readonly port: number,
  ) {
    super(name, first, launch, [port]);
  }
}

/**
 * Starts one of the repo's TypeScript servers, bundled into plain JavaScript once (build.ts; `node <bundle>`, cwd the
 * repo root), and waits until its health path answers 200. On failure: one line naming the log, then its last lines.
 * The handle starts it again the same way, on the same port with the same settings.
 */
export async function startNodeService(run: EnvironmentRun, options: NodeServiceOptions): Promise<StartedNodeService> {
  const entry = path.resolve(repoRoot, options.entry);
  if (!existsSync(entry)) throw new EnvironmentError(`Cannot start ${options.name}: ${options.entry} does not exist.`);
  const bundle = await builtServer(options.entry);
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const health = `${url}${options.healthPath ?? '/health'}`;
  const launch = async (): Promise<ServiceProcess> => {
    const service = spawnService(run, {
      name: options.name,
      command: process.execPath,
      args: ['--enable-source-maps', '--require', OUTBOUND_GUARD, bundle],
      cwd: repoRoot,
      env: {
        ...options.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        E2E_OUTBOUND_SERVICE: options.name,
        E2E_OUTBOUND_ALLOW: [...addressesIn(options.trustedEnv ?? options.env), `127.0.0.1:${port}`].join(','),
        E2E_OUTBOUND_REPORT: path.join(run.logDir, OUTBOUND_REPORT),
      },
    });
    try {
      // Looked at often: a GET /health costs little, and the whole run waits on this answer.
      await waitUntilReady(service, () => httpAnswersOk(health), {
        readyMeans: `answer 200 on ${health}`,
        timeoutMs: options.timeoutMs ?? START_TIMEOUT_MS,
        intervalMs: 50,
      });
    } catch (error) {
      if (!(error instanceof EnvironmentError)) throw error;
      const tail = tailOfLog(service.logFile, LOG_LINES_ON_FAILURE);
      throw new EnvironmentError(error.message, {
        details: tail ? `last lines of ${displayPath(service.logFile)}:\n${tail}` : `${displayPath(service.logFile)} is empty`,
      });
    }
    return service;
  };
  return new StartedNodeService(options.name, await launch(), launch, url, port);
}

/** What the suite must know about the shop to test it as a black box. */
export interface ShopSettings {
  jwtSecret: string;
  adminEmail: string;
  adminPassword: string;
  topicPrefix: string;
  /** bcrypt's cost for the shop's password hashes (PASSWORD_HASH_ROUNDS): cheaper than production for test runs. */
  passwordHashRounds: string;
}

export const DEFAULT_ADMIN_EMAIL = 'admin@event-shop.test';
export const DEFAULT_ADMIN_PASSWORD = 'Admin-password-1';

/** From the environment (.env), with the shop's defaults; JWT_SECRET is random per run unless set. */
export function resolveShopSettings(env: NodeJS.ProcessEnv = process.env): ShopSettings {
  return {
    jwtSecret: env.JWT_SECRET || randomBytes(32).toString('hex'),
    adminEmail: env.ADMIN_EMAIL || DEFAULT_ADMIN_EMAIL,
    adminPassword: env.ADMIN_PASSWORD || DEFAULT_ADMIN_PASSWORD,
    topicPrefix: env.TOPIC_PREFIX ?? '',
    passwordHashRounds: passwordHashRounds(env),
  };
}

/** The shop's configuration variables (docs/API.md) for these services and settings. */
export function shopEnvironment(services: Services, settings: ShopSettings): Record<string, string> {
  return {
    ...shopServiceVariables(services),
    TOPIC_PREFIX: settings.topicPrefix,
    JWT_SECRET: settings.jwtSecret,
    ADMIN_EMAIL: settings.adminEmail,
    ADMIN_PASSWORD: settings.adminPassword,
    PASSWORD_HASH_ROUNDS: settings.passwordHashRounds,
  };
}

export interface StartShopOptions {
  settings?: ShopSettings;
  port?: number;
  /** More shop variables from the environment (its payment provider's address, its public URL). */
  env?: Record<string, string>;
  /** A test's own settings, e.g. LOGIN_MAX_FAILURES for a shop with its own limits: an address here is not allowed out. */
  overrides?: Record<string, string>;
  /** Log file name; give isolated shops their own. Default: shop. */
  name?: string;
}

export const SHOP_ENTRY = 'shop/src/main.ts';

/** Starts shop/ against `services` and waits for GET /health = 200 (up to 90 s). */
export function startShop(services: Services, run: EnvironmentRun, options: StartShopOptions = {}): Promise<StartedNodeService> {
  const settings = options.settings ?? resolveShopSettings();
  return startNodeService(run, {
    name: options.name ?? 'shop',
    entry: SHOP_ENTRY,
    env: { ...shopEnvironment(services, settings), ...options.env, ...options.overrides },
    trustedEnv: { ...shopEnvironment(services, settings), ...options.env },
    port: options.port,
  });
}
