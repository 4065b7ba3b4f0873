import { startAllSettled, timed } from '../timing';
import type { Services } from '../types';
import type { ServiceDefinition } from './definition';
import { kafka } from './kafka';
import { mailhog } from './mailhog';
import { postgres } from './postgres';
import { redis } from './redis';

/**
 * Every service a run provides, in the order of the `.env` lines of `cli.ts up`. The providers start
 * them in parallel and know them only through this list: a new service is one module and one line here.
 */
export const SERVICES: readonly ServiceDefinition[] = [postgres, kafka, mailhog, redis];

/** The variables of `services` that configure the shop (DATABASE_URL, KAFKA_BROKERS, SMTP_HOST, SMTP_PORT, REDIS_URL). */
export function shopServiceVariables(services: Services): Record<string, string> {
  return Object.fromEntries(SERVICES.flatMap((service) => service.shopVariables.map((name) => [name, services.variables[name]])));
}

/**
 * Starts every service at once with `start` (one `[env] <name> ready in ...` line each) and returns
 * all their variables. Waits for every start to finish before it rethrows the first failure.
 */
export async function startEveryService(start: (service: ServiceDefinition) => Promise<Record<string, string>>): Promise<Record<string, string>> {
  const started = await startAllSettled(SERVICES.map((service) => () => timed(service.name, () => start(service))));
  return Object.fromEntries(started.flatMap((variables) => Object.entries(variables)));
}
