import { connect } from 'node:net';

/** Why the shop could not start; main prints its message as one line and exits 1. */
export class StartupError extends Error {}

export interface RetryOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Whether an error is worth another attempt (default: every error is); one that is not ends the start at once. */
  retryIf?: (error: unknown) => boolean;
  describeFailure: (lastError: unknown) => string;
}

/**
 * Runs `attempt` until it succeeds or `timeoutMs` has passed, then throws a StartupError.
 * Services started alongside the shop may need a few seconds; a missing one must not hang the start.
 */
export async function retryUntil<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() >= deadline || options.retryIf?.(error) === false) throw new StartupError(options.describeFailure(error));
      // Cheap attempts (a TCP connect, SELECT 1), so a dependency started alongside the shop is seen within 100 ms.
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
    }
  }
}

/** A one-line description of an error, including the causes pg and net wrap in AggregateError. */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return error.errors.map(describeError).join('; ');
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** Resolves once a TCP connection to host:port opens (then closes it); a cheap, quiet "is anything listening". */
export function tcpConnect(host: string, port: number, timeoutMs = 2_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`timed out connecting to ${host}:${port}`)));
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });
}
