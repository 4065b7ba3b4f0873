import { getContainerRuntimeClient } from 'testcontainers';
import { EnvironmentError, messageOf } from './errors';
import type { EnvironmentRun } from './run';
import type { ServiceDefinition, StartedServiceContainer } from './services/definition';
import { startEveryService } from './services/registry';
import type { Services } from './types';

const ENGINE_CHECK_TIMEOUT_MS = 5_000;

export type EngineCheck = { answered: true } | { answered: false; reason: string };

/**
 * Asks testcontainers for a container runtime (DOCKER_HOST, ~/.testcontainers.properties, the
 * usual sockets), bounded in time: a hung socket must not hang the run.
 */
export async function checkContainerEngine(timeoutMs = ENGINE_CHECK_TIMEOUT_MS): Promise<EngineCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<EngineCheck>((resolve) => {
    timer = setTimeout(() => resolve({ answered: false, reason: `no answer within ${timeoutMs / 1000}s` }), timeoutMs);
    timer.unref();
  });
  const probe = getContainerRuntimeClient().then(
    (): EngineCheck => ({ answered: true }),
    (error: unknown): EngineCheck => ({ answered: false, reason: messageOf(error) }),
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function noEngineError(reason: string): EnvironmentError {
  return new EnvironmentError(
    `E2E_ENV=containers needs a Docker engine, and none answered (${reason}): start Docker (or point DOCKER_HOST at one), or use E2E_ENV=native to run the services as local processes.`,
  );
}

/** Starts one service's container; registers its removal with the run before handing back its variables. */
async function startContainer(run: EnvironmentRun, service: ServiceDefinition): Promise<Record<string, string>> {
  const { image } = service.container;
  let started: StartedServiceContainer;
  try {
    started = await service.container.start(image);
  } catch (error) {
    throw new EnvironmentError(`The ${service.name} container (${image}) did not start: ${messageOf(error)}`);
  }
  // testcontainers' reaper (Ryuk) also removes it if this process dies before the stop runs.
  run.onStop(`${service.name} container`, async () => {
    await started.container.stop();
  });
  return started.variables;
}

/** Every service of the registry as a container on the Docker engine, started in parallel. */
export async function startContainerServices(run: EnvironmentRun): Promise<Services> {
  const engine = await checkContainerEngine();
  if (!engine.answered) throw noEngineError(engine.reason);
  return { provider: 'containers', variables: await startEveryService((service) => startContainer(run, service)) };
}
