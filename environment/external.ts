import { setTimeout as delay } from 'node:timers/promises';
import { EnvironmentError, messageOf } from './errors';
import { SERVICES } from './services/registry';
import { seconds } from './timing';
import type { Services } from './types';

/** How long services that answer may take to become ready: a `docker compose up -d` of a moment ago is still starting. */
const READY_TIMEOUT_MS = 90_000;
const READY_INTERVAL_MS = 500;

/** The addresses that make `auto` pick external: DATABASE_URL, KAFKA_BROKERS, MAILHOG_URL (the others have defaults). */
export const EXTERNAL_ADDRESS_VARIABLES: readonly string[] = SERVICES.flatMap((service) => service.external.required);

export function externalAddressesGiven(env: NodeJS.ProcessEnv = process.env): boolean {
  return EXTERNAL_ADDRESS_VARIABLES.every((name) => Boolean(env[name]));
}

/** Reads the addresses from the environment (.env is loaded by the caller); starts nothing. */
export function externalServices(env: NodeJS.ProcessEnv = process.env): Services {
  const missing = EXTERNAL_ADDRESS_VARIABLES.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new EnvironmentError(
      `E2E_ENV=external needs ${missing.join(', ')}: set ${missing.length > 1 ? 'them' : 'it'} in .env (see .env.example; \`docker compose up -d\` serves exactly those addresses), or use E2E_ENV=auto.`,
    );
  }
  return { provider: 'external', variables: Object.fromEntries(SERVICES.flatMap((service) => Object.entries(service.external.read(env)))) };
}

/**
 * Checks that each external service answers, so a stopped `docker compose` shows up as one line
 * naming the services and addresses, not as a connection error deep inside a test.
 */
export async function checkExternalServices(services: Services, options: { startsShop: boolean }): Promise<void> {
  const checks = SERVICES.flatMap((service) => service.external.checks(services.variables, options));
  const silent: string[] = [];
  for (const check of checks) if (!(await check.answers)) silent.push(check.what);
  if (silent.length > 0) {
    throw new EnvironmentError(
      `External services do not answer: ${silent.join('; ')}. Start them (\`docker compose up -d\`) or fix the addresses in .env.`,
    );
  }
  await waitUntilExternalServicesReady(services);
}

/**
 * Waits until every service answers as the shop uses it (its `isReady`: a query, a topic listing, the
 * mail API), so that `docker compose up -d && npx playwright test` works without a wait of its own.
 */
async function waitUntilExternalServicesReady(services: Services): Promise<void> {
  const began = performance.now();
  const lastError = new Map<string, string>();
  const ready = async (service: (typeof SERVICES)[number]) => {
    try {
      return await service.isReady(services.variables);
    } catch (error) {
      lastError.set(service.name, messageOf(error));
      return false;
    }
  };
  let waiting = [...SERVICES];
  for (;;) {
    const answers = await Promise.all(waiting.map(ready));
    waiting = waiting.filter((_, index) => !answers[index]);
    if (waiting.length === 0) break;
    if (performance.now() - began > READY_TIMEOUT_MS) {
      const notReady = waiting.map((service) => `${service.name}${lastError.has(service.name) ? ` (${lastError.get(service.name)})` : ''}`);
      throw new EnvironmentError(
        `External services answer but are not ready after ${seconds(READY_TIMEOUT_MS)}: ${notReady.join('; ')}. See their logs (\`docker compose logs\`).`,
      );
    }
    await delay(READY_INTERVAL_MS);
  }
  console.log(`[env] external services ready${performance.now() - began > READY_INTERVAL_MS ? ` after waiting ${seconds(performance.now() - began)}` : ''}`);
}
