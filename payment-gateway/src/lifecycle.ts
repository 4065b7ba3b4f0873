import { setTimeout as sleep } from 'node:timers/promises';

/**
 * What the gateway does after an answer (settling async payments, delivering webhooks, waiting out a
 * programmed latency) runs under one signal, so a shutdown cancels all of it at once instead of
 * leaving timers that keep the process alive.
 */
export class Lifecycle {
  private readonly controller = new AbortController();
  private readonly tasks = new Set<Promise<void>>();

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get closed(): boolean {
    return this.controller.signal.aborted;
  }

  /** Resolves after `ms`; rejects with an AbortError when the gateway shuts down first. */
  wait(ms: number): Promise<void> {
    return sleep(ms, undefined, { signal: this.controller.signal });
  }

  /** Resolves when `signal` aborts (e.g. the client hung up); rejects at shutdown. */
  until(signal: AbortSignal): Promise<void> {
    const both = AbortSignal.any([signal, this.controller.signal]);
    return new Promise((resolve, reject) => {
      const settle = () => (this.controller.signal.aborted ? reject(new ShutdownError()) : resolve());
      if (both.aborted) settle();
      else both.addEventListener('abort', settle, { once: true });
    });
  }

  /** Runs `task` in the background; its failure is logged, a shutdown's abort is not. */
  spawn(name: string, task: () => Promise<void>): void {
    const running = task()
      .catch((error: unknown) => {
        if (!isAbort(error)) console.error(`[gateway] ${name} failed:`, error);
      })
      .finally(() => this.tasks.delete(running));
    this.tasks.add(running);
  }

  /** Cancels everything and waits for the background tasks to notice. */
  async close(): Promise<void> {
    this.controller.abort(new ShutdownError());
    await Promise.allSettled([...this.tasks]);
  }
}

export class ShutdownError extends Error {
  constructor() {
    super('the payment gateway is shutting down');
    this.name = 'AbortError';
  }
}

export function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error instanceof ShutdownError);
}
