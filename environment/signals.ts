import type { EnvironmentRun } from './run';

const EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

export interface SignalGuard {
  /** The signal that arrived, if one did. */
  readonly received?: NodeJS.Signals;
  /** Stops listening for one signal (e.g. SIGINT once Playwright's own handler takes over). */
  release(signal: NodeJS.Signals): void;
  /** Stops listening altogether. */
  dispose(): void;
}

/**
 * On any of `signals`: stop everything the run started, then exit with the signal's conventional
 * code (or `exitCode`). Without this, Ctrl-C while services start would leave them to the watchdog.
 */
export function stopRunOnSignals(run: EnvironmentRun, signals: NodeJS.Signals[], options: { exitCode?: number } = {}): SignalGuard {
  const guard: { received?: NodeJS.Signals } = {};
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const signal of signals) {
    const handler = () => {
      if (guard.received) return; // a second Ctrl-C while stopping changes nothing
      guard.received = signal;
      console.error(`\n[env] ${signal}: stopping what this run started...`);
      void run.stop().finally(() => process.exit(options.exitCode ?? EXIT_CODES[signal] ?? 1));
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
  const release = (signal: NodeJS.Signals) => {
    const handler = handlers.get(signal);
    if (handler) process.off(signal, handler);
    handlers.delete(signal);
  };
  return {
    get received() {
      return guard.received;
    },
    release,
    dispose: () => [...handlers.keys()].forEach(release),
  };
}
