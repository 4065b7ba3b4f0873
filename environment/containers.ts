import { getContainerRuntimeClient, ImageName } from 'testcontainers';
import { EnvironmentError, messageOf } from './errors';
import type { EnvironmentRun } from './run';
import type { ServiceDefinition, StartedServiceContainer } from './services/definition';
import { SERVICES, startEveryService } from './services/registry';
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

/** The image a service's container runs: its variable (E2E_POSTGRES_IMAGE, ...) when set, else the official one. */
export function containerImage(service: ServiceDefinition, env: NodeJS.ProcessEnv = process.env): string {
  return env[service.container.imageVariable]?.trim() || service.container.image;
}

/**
 * testcontainers' reaper (Ryuk) is a container of its own, pulled from a registry; the run removes its
 * containers itself (its stop, Ctrl-C, and the watchdog by label when the runner is killed), so the
 * reaper stays off unless TESTCONTAINERS_RYUK_DISABLED=false asks for it as a second net. Set before
 * the first container starts: testcontainers reads it then.
 */
export function leaveCleanupToTheRun(env: NodeJS.ProcessEnv = process.env): void {
  env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
}

/**
 * Checks, before any container starts, that every service's image is on the engine or can be pulled
 * (pulling the missing ones now), so a run without its images fails at once with one line naming them
 * instead of half-way through the starts.
 */
export async function ensureImages(services: readonly ServiceDefinition[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const client = await getContainerRuntimeClient();
  const missing: Array<{ image: string; variable: string; reason: string }> = [];
  await Promise.all(
    services.map(async (service) => {
      const image = containerImage(service, env);
      const name = ImageName.fromString(image);
      if (await client.image.exists(name)) return;
      let reason = 'the pull brought nothing';
      try {
        await client.image.pull(name);
      } catch (error) {
        reason = messageOf(error).trim();
      }
      // A pull can end without an error and without the image (its failure is only in the stream).
      if (!(await client.image.exists(name))) missing.push({ image, variable: service.container.imageVariable, reason });
    }),
  );
  if (missing.length === 0) return;
  const images = missing.map(({ image, variable }) => `${image} (${variable})`).join(', ');
  throw new EnvironmentError(
    `The Docker engine answered but has no image ${images} and could not pull ${missing.length > 1 ? 'them' : 'it'} (${missing[0]?.reason}): build local stand-ins with \`npm run env:images\` and set the variables it prints, point the variable at an image you have, or use E2E_ENV=native.`,
  );
}

/** Starts one service's container; registers its removal with the run before handing back its variables. */
async function startContainer(run: EnvironmentRun, service: ServiceDefinition): Promise<Record<string, string>> {
  const image = containerImage(service);
  let started: StartedServiceContainer;
  try {
    started = await service.container.start(image, { labels: run.containerLabels() });
  } catch (error) {
    throw new EnvironmentError(`The ${service.name} container (${image}) did not start: ${messageOf(error)}`);
  }
  run.onStop(`${service.name} container`, async () => {
    await started.container.stop();
  });
  return started.variables;
}

/** Every service of the registry as a container on the Docker engine, started in parallel once their images are there. */
export async function startContainerServices(run: EnvironmentRun): Promise<Services> {
  const engine = await checkContainerEngine();
  if (!engine.answered) throw noEngineError(engine.reason);
  leaveCleanupToTheRun();
  await ensureImages(SERVICES);
  return { provider: 'containers', variables: await startEveryService((service) => startContainer(run, service)) };
}
