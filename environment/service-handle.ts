import { setTimeout as sleep } from 'node:timers/promises';
import { EnvironmentError } from './errors';
import { isPortFree } from './ports';
import type { ServiceProcess } from './processes';

/**
 * How long a port may stay bound after its process group is gone. A killed multi-threaded process
 * (the Kafka JVM) shows as a zombie, which counts as gone, while its other threads still tear down
 * and its sockets are still open.
 */
const PORT_RELEASE_MS = 5_000;

async function portFreedWithin(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await isPortFree(port)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
}

/**
 * One running part of an environment (a service, the payment gateway, the shop) as a fault test
 * drives it. Every method resolves once the part is in the state it names: stopped means its
 * processes are gone, started means it answers as its readiness check says.
 */
export interface ServiceHandle {
  readonly name: string;
  /** False after stop() or kill() until the next start(); also false when it died by itself. */
  readonly running: boolean;
  /** Where its output goes: one file across restarts (a restart appends, after a marker line). */
  readonly logFile: string | undefined;
  /** A clean stop (its own shutdown signal; SIGKILL after a grace period). No-op when not running. */
  stop(): Promise<void>;
  /** SIGKILL, no cleanup: a crash or `kill -9`. No-op when not running. */
  kill(): Promise<void>;
  /** Starts it again on the same ports with the same settings and data; waits until it is ready. */
  start(): Promise<void>;
  /** stop(), then start(). */
  restart(): Promise<void>;
}

/**
 * A ServiceHandle over local processes: `launch` spawns the part and waits until it is ready, the
 * same way for its first start and every later one. Before a later one, its ports must still be
 * free: another process on them would be taken for the restarted service.
 */
export class ProcessHandle implements ServiceHandle {
  private current: ServiceProcess;
  private stopped = false;

  constructor(
    readonly name: string,
    first: ServiceProcess,
    private readonly launch: () => Promise<ServiceProcess>,
    /** The ports it listens on (the same after a restart). */
    readonly ports: readonly number[],
  ) {
    this.current = first;
  }

  get pid(): number {
    return this.current.pid;
  }

  get running(): boolean {
    return !this.stopped && this.current.exit === undefined;
  }

  get logFile(): string {
    return this.current.logFile;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.current.stop();
  }

  async kill(): Promise<void> {
    this.stopped = true;
    await this.current.kill();
  }

  async start(): Promise<void> {
    if (this.running) throw new Error(`${this.name} is running: stop() or kill() it before start(), or call restart()`);
    // A process that died by itself may have left children in its group.
    await this.current.kill();
    for (const port of this.ports) {
      if (!(await portFreedWithin(port, PORT_RELEASE_MS))) {
        throw new EnvironmentError(`Cannot start ${this.name} again: its port ${port} is still in use ${PORT_RELEASE_MS / 1000}s after it stopped (by another process?).`);
      }
    }
    this.current = await this.launch();
    this.stopped = false;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}
