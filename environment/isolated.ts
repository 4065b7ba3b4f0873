import { randomBytes } from 'node:crypto';
import { checkContainerEngine, ensureImages, leaveCleanupToTheRun } from './containers';
import { startContainerHandle } from './container-handle';
import { EnvironmentError } from './errors';
import { DEFAULT_ADMIN_EMAIL, DEFAULT_ADMIN_PASSWORD, resolveShopSettings, startShop, type ShopSettings, type StartedNodeService } from './node-service';
import { cacheDir, cliLogDir } from './paths';
import { shopPaymentEnvironment, startPaymentGateway, type StartedGateway } from './payment-gateway';
import { choosePorts } from './ports';
import { EnvironmentRun } from './run';
import { ProcessHandle, type ServiceHandle } from './service-handle';
import type { ServiceDefinition } from './services/definition';
import { SERVICES } from './services/registry';
import { startAllSettled } from './timing';

/** How an isolated environment's services run; the shop and the gateway are local processes either way. */
export type IsolatedProvider = 'native' | 'containers';
const PROVIDERS: readonly IsolatedProvider[] = ['native', 'containers'];

export interface IsolatedEnvironmentOptions {
  /** More shop variables (docs/API.md, "Configuration"), over the defaults: short breaker thresholds, a small pool. */
  shop?: { env?: Record<string, string> };
  /** More payment-gateway variables (payment-gateway/README.md), e.g. WEBHOOK_RETRY_DELAYS_MS. */
  gateway?: { env?: Record<string, string> };
  /** Where the services' logs go (default: <cache>/logs/isolated-<time>-<pid>, the newest five kept). */
  logDir?: string;
  /** Default: see isolatedProvider(). */
  provider?: IsolatedProvider;
  /** Read for E2E_ISOLATED_ENV, E2E_PROVIDER, E2E_CACHE_DIR and the STRIPE_* SDK settings (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** Everything a test needs to reach this environment's shop and services as a black box. */
export interface IsolatedAddresses {
  /** Every service's variables (DATABASE_URL, KAFKA_BROKERS, MAILHOG_URL, SMTP_HOST, SMTP_PORT, ...). */
  variables: Record<string, string>;
  shopUrl: string;
  gatewayUrl: string;
  stripeSecretKey: string;
  stripeWebhookSecret: string;
  jwtSecret: string;
  adminEmail: string;
  adminPassword: string;
  topicPrefix: string;
}

/** Milliseconds each part took to start, and the whole (the services and the gateway start in parallel, then the shop). */
export type StartupTimes = Record<string, number> & { total: number };

/**
 * A whole private stack: its own services (every one of the registry), payment gateway and shop, on
 * free ports, with a handle to stop, kill, start and restart each. `stop()` ends all of it; the
 * EnvironmentRun beneath (process groups, temp dirs, a watchdog on this process) ends it too if this
 * process dies first.
 */
export class IsolatedEnvironment {
  private stopping?: Promise<number>;

  constructor(
    readonly provider: IsolatedProvider,
    /** The services by their registry name: postgres, kafka, mailhog, ... */
    readonly services: ReadonlyMap<string, ServiceHandle>,
    readonly gateway: StartedGateway,
    readonly shop: StartedNodeService,
    readonly addresses: IsolatedAddresses,
    readonly startup: StartupTimes,
    private readonly run: EnvironmentRun,
  ) {}

  get logDir(): string {
    return this.run.logDir;
  }

  /** A service by its registry name; throws naming the ones there are. */
  service(name: string): ServiceHandle {
    const handle = this.services.get(name);
    if (!handle) throw new Error(`This environment has no service "${name}" (it has ${[...this.services.keys()].join(', ')})`);
    return handle;
  }

  /** Every part, services first, then the gateway and the shop. */
  get handles(): ServiceHandle[] {
    return [...this.services.values(), this.gateway, this.shop];
  }

  /** The log file of each part (one file each, across its restarts). */
  logFiles(): Array<{ name: string; file: string }> {
    return this.handles.flatMap((handle) => (handle.logFile ? [{ name: handle.name, file: handle.logFile }] : []));
  }

  /**
   * Stops everything, once (later calls share the first): the shop and the gateway, then the services
   * in parallel, then what the run still holds (temp dirs, leftovers, the watchdog). Resolves with
   * how long it took.
   */
  stop(): Promise<number> {
    this.stopping ??= (async () => {
      const began = performance.now();
      try {
        await this.shop.stop();
        await this.gateway.stop();
        await Promise.all([...this.services.values()].map((service) => service.stop()));
      } finally {
        await this.run.stop();
      }
      return performance.now() - began;
    })();
    return this.stopping;
  }
}

/**
 * Where an isolated environment's services run: E2E_ISOLATED_ENV (native | containers) when set, else
 * the provider of the run's own services (E2E_PROVIDER, from global setup), else (for `external`)
 * containers when a Docker engine answers and native when none does.
 */
export async function isolatedProvider(env: NodeJS.ProcessEnv = process.env): Promise<IsolatedProvider> {
  const forced = env.E2E_ISOLATED_ENV?.trim().toLowerCase();
  if (forced) {
    if (!(PROVIDERS as readonly string[]).includes(forced)) throw new EnvironmentError(`E2E_ISOLATED_ENV=${env.E2E_ISOLATED_ENV} is not one of ${PROVIDERS.join(', ')}.`);
    return forced as IsolatedProvider;
  }
  if ((PROVIDERS as readonly string[]).includes(env.E2E_PROVIDER ?? '')) return env.E2E_PROVIDER as IsolatedProvider;
  return (await checkContainerEngine(3_000)).answered ? 'containers' : 'native';
}

interface StartedService {
  variables: Record<string, string>;
  handle: ServiceHandle;
}

async function startNativeService(run: EnvironmentRun, service: ServiceDefinition, cache: string, ports: Record<string, number>): Promise<StartedService> {
  const started = await service.native.start(run, { cache, ports });
  const own = service.native.ports.map((name) => ports[name]);
  return { variables: started.variables, handle: new ProcessHandle(service.name, started.process, started.relaunch, own) };
}

/** Milliseconds `start` took, into `times[name]`. */
async function timedInto<T>(times: Record<string, number>, name: string, start: () => Promise<T>): Promise<T> {
  const began = performance.now();
  const value = await start();
  times[name] = Math.round(performance.now() - began);
  return value;
}

/**
 * Starts an isolated environment: every service of the registry (in parallel with the payment gateway),
 * then the shop on them, each on a free port (never the E2E_*_PORT ones: those belong to the run).
 * A missing prerequisite or a failed start stops what did start and throws an EnvironmentError.
 */
export async function startIsolatedEnvironment(options: IsolatedEnvironmentOptions = {}): Promise<IsolatedEnvironment> {
  const began = performance.now();
  const env = options.env ?? process.env;
  const run = new EnvironmentRun({ logDir: options.logDir ?? cliLogDir('isolated', env) });
  const times: Record<string, number> = {};
  try {
    const provider = options.provider ?? (await isolatedProvider(env));
    const cache = cacheDir(env);
    if (provider === 'native') for (const service of SERVICES) service.native.checkPrerequisites?.(cache);
    if (provider === 'containers') {
      const engine = await checkContainerEngine();
      if (!engine.answered) {
        throw new EnvironmentError(
          `An isolated environment on containers needs a Docker engine, and none answered (${engine.reason}): start Docker (or point DOCKER_HOST at one), or set E2E_ISOLATED_ENV=native.`,
        );
      }
      // Containers and their images come from process.env's settings, like the run's own (containers.ts).
      leaveCleanupToTheRun();
      await ensureImages(SERVICES);
    }
    // An empty environment: free ports only, whatever the run fixed for its own services.
    const ports = await choosePorts([...SERVICES.flatMap((service) => service.native.ports), 'E2E_GATEWAY_PORT', 'E2E_SHOP_PORT'], {});
    const startService = (service: ServiceDefinition) =>
      timedInto(times, service.name, () => (provider === 'native' ? startNativeService(run, service, cache, ports) : startContainerHandle(run, service)));
    const [gateway, ...started] = await startAllSettled([
      () => timedInto(times, 'payment-gateway', () => startPaymentGateway(run, { shopPort: ports.E2E_SHOP_PORT, port: ports.E2E_GATEWAY_PORT, env: options.gateway?.env })),
      ...SERVICES.map((service) => () => startService(service)),
    ] as const);
    const services = started as StartedService[];
    const variables = Object.assign({}, ...services.map((service) => service.variables)) as Record<string, string>;
    const settings: ShopSettings = {
      jwtSecret: randomBytes(32).toString('hex'),
      adminEmail: DEFAULT_ADMIN_EMAIL,
      adminPassword: DEFAULT_ADMIN_PASSWORD,
      topicPrefix: '',
      passwordHashRounds: resolveShopSettings(env).passwordHashRounds,
    };
    const shopUrl = `http://127.0.0.1:${ports.E2E_SHOP_PORT}`;
    const shop = await timedInto(times, 'shop', () =>
      startShop({ provider, variables }, run, {
        settings,
        port: ports.E2E_SHOP_PORT,
        // Its mails link to itself; the test's own variables win (an address among them is not allowed out).
        env: { ...shopPaymentEnvironment(gateway.payments, env), PUBLIC_URL: shopUrl },
        overrides: options.shop?.env,
      }),
    );
    const addresses: IsolatedAddresses = {
      variables,
      shopUrl: shop.url,
      gatewayUrl: gateway.url,
      stripeSecretKey: gateway.payments.secretKey,
      stripeWebhookSecret: gateway.payments.webhookSecret,
      ...settings,
    };
    const handles = new Map(services.map((service) => [service.handle.name, service.handle]));
    return new IsolatedEnvironment(provider, handles, gateway, shop, addresses, { ...times, total: Math.round(performance.now() - began) }, run);
  } catch (error) {
    await run.stop();
    throw error;
  }
}
