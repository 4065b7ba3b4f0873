import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { Pool } from 'pg';
import type { DependencyState, Health as HealthAnswer } from '../../contracts/http';

/** What the probes tell; GET /health adds the payment provider's circuit (server.ts). */
type Health = Omit<HealthAnswer, 'paymentProvider' | 'cache'>;
import type { Mailer } from './mailer';

/** How long one dependency may take to answer before /health calls it down. */
const PROBE_TIMEOUT_MS = 1_000;

export type Dependency = keyof Health['dependencies'];
type Probe = () => Promise<unknown>;

function withinTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Asks the broker for its cluster metadata through a client of its own that never retries, so a broker that is
 * down is reported at once. The admin connection is kept between probes and opened again after a failure.
 */
export function kafkaProbe(brokers: string[]): { probe: Probe; close: () => Promise<void> } {
  const kafka = new Kafka({
    clientId: 'event-shop-health',
    brokers,
    connectionTimeout: PROBE_TIMEOUT_MS,
    requestTimeout: PROBE_TIMEOUT_MS,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  let admin: Admin | undefined;
  const drop = async () => {
    const dropped = admin;
    admin = undefined;
    await dropped?.disconnect().catch(() => undefined);
  };
  return {
    probe: async () => {
      try {
        if (!admin) {
          admin = kafka.admin();
          await admin.connect();
        }
        await admin.describeCluster();
      } catch (error) {
        await drop();
        throw error;
      }
    },
    close: drop,
  };
}

/**
 * What GET /health reports: each dependency probed now, in parallel, each within a second. Concurrent calls share
 * one round of probes, so a burst of health checks does not multiply the connections.
 */
export class DependencyHealth {
  private round: Promise<Health> | undefined;

  constructor(private readonly probes: Record<Dependency, Probe>) {}

  static of(options: { pool: Pool; kafka: Probe; mailer: Mailer }): DependencyHealth {
    return new DependencyHealth({
      postgres: () => options.pool.query('SELECT 1'),
      kafka: options.kafka,
      smtp: () => options.mailer.verify(),
    });
  }

  check(): Promise<Health> {
    this.round ??= this.probeAll().finally(() => {
      this.round = undefined;
    });
    return this.round;
  }

  private async probeAll(): Promise<Health> {
    const names = Object.keys(this.probes) as Dependency[];
    const states = await Promise.all(
      names.map((name) =>
        withinTimeout(this.probes[name](), PROBE_TIMEOUT_MS).then(
          (): DependencyState => 'up',
          (): DependencyState => 'down',
        ),
      ),
    );
    const dependencies = Object.fromEntries(names.map((name, i) => [name, states[i]])) as Health['dependencies'];
    return { status: states.every((state) => state === 'up') ? 'ok' : 'degraded', dependencies };
  }
}
