import { cacheDir } from '../paths';
import { choosePorts } from '../ports';
import type { EnvironmentRun } from '../run';
import { SERVICES, startEveryService } from '../services/registry';
import { startAllSettled } from '../timing';
import type { Services } from '../types';

/** Fails before anything starts when a tool this machine needs for native mode is missing. */
function checkNativePrerequisites(cache: string): void {
  for (const service of SERVICES) service.native.checkPrerequisites?.(cache);
}

/**
 * Every service of the registry as local processes, started in parallel on free ports (or the ports
 * fixed in their E2E_*_PORT variables: E2E_POSTGRES_PORT, E2E_KAFKA_PORT, E2E_SMTP_PORT, E2E_MAILHOG_PORT).
 * `onAddresses` hears their variables as soon as the ports are chosen, before any of them is ready.
 */
export async function startNativeServices(
  run: EnvironmentRun,
  env: NodeJS.ProcessEnv = process.env,
  onAddresses: (services: Services) => void = () => undefined,
): Promise<Services> {
  const cache = cacheDir(env);
  checkNativePrerequisites(cache);
  // Chosen together, so that no two services get the same free port.
  const ports = await choosePorts(SERVICES.flatMap((service) => service.native.ports), env);
  onAddresses({ provider: 'native', variables: Object.assign({}, ...SERVICES.map((service) => service.native.addresses(ports))) as Record<string, string> });
  return {
    provider: 'native',
    variables: await startEveryService(async (service) => (await service.native.start(run, { cache, ports })).variables),
  };
}

/**
 * Downloads and builds what native mode needs into the cache (idempotent): CI runs this before the tests.
 * Returns what each service with binaries did, e.g. "kafka cached, mailhog built".
 */
export async function prepareNative(options: { logDir: string; env?: NodeJS.ProcessEnv }): Promise<string> {
  const cache = cacheDir(options.env);
  checkNativePrerequisites(cache);
  const outcomes = await startAllSettled(
    SERVICES.map((service) => async () => {
      const outcome = await service.native.prepare?.(cache, options.logDir);
      return outcome === undefined ? undefined : `${service.name} ${outcome}`;
    }),
  );
  return outcomes.filter((outcome) => outcome !== undefined).join(', ');
}
