import { EnvironmentError } from './errors';
import { SERVICES } from './services/registry';
import type { Services } from './types';

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
}
