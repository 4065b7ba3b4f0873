import { createWriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { getContainerRuntimeClient, type StartedTestContainer } from 'testcontainers';
import { containerImage } from './containers';
import { EnvironmentError, messageOf } from './errors';
import type { EnvironmentRun } from './run';
import type { ServiceHandle } from './service-handle';
import type { ServiceDefinition } from './services/definition';

/** How long a stop waits for the image's stop signal to end the service before Docker kills it. */
const STOP_TIMEOUT_MS = 10_000;
const READY_TIMEOUT_MS = 90_000;

/**
 * A service's container as a fault test drives it (E2E_ENV=containers). testcontainers' own stop()
 * removes the container and its restart() cannot be split in two, so stop, kill and start go to the
 * container runtime directly; the container stays until the run removes it.
 *
 * Its host ports must have been fixed when it was created (`fixedHostPorts`): Docker gives an unbound
 * port a new host port on every start, and the service's variables (which the shop was started with)
 * would no longer reach it. The log file follows the container's output, reopened after each start.
 */
export class ContainerHandle implements ServiceHandle {
  private stopped = false;

  constructor(
    private readonly service: ServiceDefinition,
    private readonly started: StartedTestContainer,
    private readonly variables: Record<string, string>,
    readonly logFile: string,
  ) {}

  get name(): string {
    return this.service.name;
  }

  get running(): boolean {
    return !this.stopped;
  }

  /** Copies the container's output from `sinceSeconds` on into the log file, until the container stops. */
  async followLogs(sinceSeconds = 0): Promise<void> {
    const stream = await this.started.logs({ since: sinceSeconds });
    stream.pipe(createWriteStream(this.logFile, { flags: 'a' }));
  }

  private async container() {
    const client = await getContainerRuntimeClient();
    return { client, container: client.container.getById(this.started.getId()) };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const { client, container } = await this.container();
    // testcontainers takes milliseconds here (and hands Docker whole seconds): 10 would be a kill at once.
    await client.container.stop(container, { timeout: STOP_TIMEOUT_MS });
  }

  async kill(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const { container } = await this.container();
    await container.kill({ signal: 'SIGKILL' });
  }

  async start(): Promise<void> {
    if (!this.stopped) throw new Error(`${this.name} is running: stop() or kill() it before start(), or call restart()`);
    const { client, container } = await this.container();
    const startedAt = Math.floor(Date.now() / 1000);
    await client.container.start(container);
    this.stopped = false;
    await this.followLogs(startedAt).catch(() => undefined);
    await this.waitUntilReady();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** The service's own readiness check on the same variables: the ports are fixed, so they still hold. */
  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      try {
        if (await this.service.isReady(this.variables)) return;
      } catch (error) {
        last = messageOf(error);
      }
      await sleep(250);
    }
    throw new EnvironmentError(`The ${this.name} container did not get ready within ${READY_TIMEOUT_MS / 1000}s after a start (${last}); see ${this.logFile}`);
  }
}

/**
 * Starts one service's container with fixed host ports and the run's labels, registers its removal with
 * the run (its watchdog removes it by label if this process dies first), and returns its variables and its handle.
 */
export async function startContainerHandle(run: EnvironmentRun, service: ServiceDefinition): Promise<{ variables: Record<string, string>; handle: ContainerHandle }> {
  const image = containerImage(service);
  let started;
  try {
    started = await service.container.start(image, { fixedHostPorts: true, labels: run.containerLabels() });
  } catch (error) {
    throw new EnvironmentError(`The ${service.name} container (${image}) did not start: ${messageOf(error)}`);
  }
  const container = started.container;
  run.onStop(`${service.name} container`, async () => {
    await container.stop();
  });
  const handle = new ContainerHandle(service, container, started.variables, run.logFile(service.name));
  await handle.followLogs().catch(() => undefined);
  return { variables: started.variables, handle };
}
