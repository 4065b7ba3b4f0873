/**
 * A problem with the environment the user can fix: a missing tool, an engine that does not answer,
 * a port in use, a service that died while starting. Its message is one line that names what is
 * missing and the fix; global-setup and the CLI print it as `[env] <message>` instead of a stack.
 */
export class EnvironmentError extends Error {
  /** Extra lines printed under the message (e.g. the tail of a log), when one line is not enough. */
  readonly details?: string;

  constructor(message: string, options: { details?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'EnvironmentError';
    this.details = options.details;
  }
}

/** The one-line message of any thrown value, for wrapping low-level errors into an EnvironmentError. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}
