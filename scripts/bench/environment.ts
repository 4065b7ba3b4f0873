import { exportToWorkers } from '../../environment/handoff';
import { resolveShopSettings } from '../../environment/node-service';
import { startServicesEarly } from '../../environment/providers';
import { EnvironmentRun } from '../../environment/run';
import { startShopStack } from '../../environment/shop-stack';
import { stopRunOnSignals, type SignalGuard } from '../../environment/signals';
import type { ProviderName } from '../../environment/types';

/** When each part of the environment said `[env] <name> ready in ...`, in ms from the start of the run. */
export interface StartTimings {
  provider: ProviderName;
  /** kafka, postgres, mailhog, redis, gateway, shop: the moment its ready line was printed. */
  readyAt: Record<string, number>;
  /** Every service (the provider's start, in parallel). */
  servicesReady: number;
  /** Services, payment gateway and shop: what global-setup.ts waits for before the first test. */
  environmentReady: number;
}

export interface BenchEnvironment {
  run: EnvironmentRun;
  signals: SignalGuard;
  timings: StartTimings;
  shopUrl: string;
}

/**
 * Starts the environment the way global-setup.ts does (the provider E2E_ENV picks, then the payment gateway and
 * the shop) and hands its addresses to this process's env, so the fixtures' classes (which read `env`) use it.
 * Each part's own start is taken from the `[env] <name> ready in` line environment/timing.ts prints: the moment
 * the line appears, measured here with performance.now() rather than read back rounded to 0.1 s.
 */
export async function startBenchEnvironment(logDir: string): Promise<BenchEnvironment> {
  const run = new EnvironmentRun({ logDir });
  const signals = stopRunOnSignals(run, ['SIGINT', 'SIGTERM', 'SIGHUP']);
  const readyAt: Record<string, number> = {};
  const began = performance.now();
  const log = console.log;
  console.log = (...args: unknown[]) => {
    const ready = typeof args[0] === 'string' ? /^\[env\] (\S+) ready in /.exec(args[0]) : null;
    if (ready) readyAt[ready[1]] = performance.now() - began;
    log(...args);
  };
  try {
    // As global setup does it: the gateway starts, the shop is built and (native) started, while the services start.
    const starting = startServicesEarly(run, { startsShop: true });
    let servicesReady = 0;
    void starting.ready.then(() => (servicesReady = performance.now() - began), () => undefined);
    const settings = resolveShopSettings();
    const stack = await startShopStack(starting, run, settings);
    const environmentReady = performance.now() - began;
    const services = await starting.ready;
    exportToWorkers({ services, shopUrl: stack.shop.url, settings, payments: stack.gateway.payments });
    return { run, signals, shopUrl: stack.shop.url, timings: { provider: services.provider, readyAt, servicesReady, environmentReady } };
  } catch (error) {
    await run.stop();
    signals.dispose();
    throw error;
  } finally {
    console.log = log;
  }
}

export async function stopBenchEnvironment(environment: BenchEnvironment): Promise<number> {
  const began = performance.now();
  await environment.run.stop();
  environment.signals.dispose();
  return performance.now() - began;
}
