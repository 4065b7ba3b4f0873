import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { EnvironmentError, messageOf } from './errors';
import { displayPath } from './paths';
import { groupAlive } from './proc';
import type { EnvironmentRun } from './run';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A server process the run started, in its own process group, writing to its own log file. */
export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves when the process exits. */
  readonly exited: Promise<ProcessExit>;
  /** Set once the process has exited. */
  exit?: ProcessExit;
  /** Stops the whole process group: stopSignal, then SIGKILL after the grace period. */
  stop(): Promise<void>;
  /** SIGKILL to the whole process group, no cleanup (a crash, `kill -9`); resolves once it is gone. */
  kill(): Promise<void>;
}

export interface ServiceCommand {
  /** Short name used in messages and as the log file name: postgres, kafka, mailhog, shop. */
  name: string;
  command: string;
  args: string[];
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Defaults to <run log dir>/<name>.log. */
  logFile?: string;
  /** The signal that shuts the service down cleanly (default SIGTERM). */
  stopSignal?: NodeJS.Signals;
  /** How long the clean shutdown may take before SIGKILL (default 10 s). */
  graceMs?: number;
}

const DEFAULT_GRACE_MS = 10_000;
const KILL_WAIT_MS = 3_000;

/**
 * Starts a service detached in its own process group, so that Ctrl-C in the terminal does not hit it
 * before we stop it in order, and so that stopping it also stops anything it spawned. The group is
 * registered with the run (stop action and watchdog).
 */
export function spawnService(run: EnvironmentRun, spec: ServiceCommand): ServiceProcess {
  if (run.isStopping) throw new EnvironmentError(`Not starting ${spec.name}: the run is stopping.`);
  const logFile = spec.logFile ?? run.logFile(spec.name);
  const child = spawnDetached(spec, logFile, run.claimLogFile(logFile));
  const pid = child.pid;
  if (pid === undefined) {
    child.on('error', () => undefined);
    throw new EnvironmentError(`Could not start ${spec.name} (${spec.command}): is it installed and executable?`);
  }
  // Services must not keep this process alive: the run's stop actions and the watchdog end them.
  child.unref();

  const service: ServiceProcess = {
    name: spec.name,
    pid,
    logFile,
    exited: new Promise<ProcessExit>((resolve) => {
      child.once('exit', (code, signal) => {
        service.exit = { code, signal };
        resolve(service.exit);
      });
    }),
    stop: async () => {
      await stopProcessGroup(spec.name, pid, spec.stopSignal ?? 'SIGTERM', spec.graceMs ?? DEFAULT_GRACE_MS);
      run.untrackProcessGroup(pid);
    },
    kill: async () => {
      if (signalGroup(pid, 'SIGKILL')) await waitForGroupExit(pid, KILL_WAIT_MS);
      run.untrackProcessGroup(pid);
    },
  };
  child.on('error', (error) => console.error(`[env] ${spec.name}: ${messageOf(error)}`));
  run.trackProcessGroup({ pgid: pid, name: spec.name, signal: spec.stopSignal ?? 'SIGTERM' });
  run.onStop(spec.name, service.stop);
  return service;
}

/**
 * `detached` makes the child the leader of a new process group (and session) whose id is its pid.
 * A service started again in the same run appends to its log, after a line saying so.
 */
function spawnDetached(spec: ServiceCommand, logFile: string, mode: 'w' | 'a'): ChildProcess {
  const log = openSync(logFile, mode);
  try {
    if (mode === 'a') writeSync(log, `\n----- ${spec.name} started again at ${new Date().toISOString()} -----\n`);
    return spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      detached: true,
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log); // the child has its own copy
  }
}

/** Signals a whole process group; false when it is already gone. */
function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

/** Clean stop first; SIGKILL when the group ignores it for graceMs. */
export async function stopProcessGroup(name: string, pgid: number, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (!signalGroup(pgid, signal)) return;
  if (await waitForGroupExit(pgid, graceMs)) return;
  console.error(`[env] ${name} ignored ${signal} for ${graceMs / 1000}s; killing it`);
  signalGroup(pgid, 'SIGKILL');
  await waitForGroupExit(pgid, KILL_WAIT_MS);
}

/** The last `count` non-empty lines of a log file ('' when it cannot be read). */
export function tailOfLog(file: string, count: number): string {
  try {
    const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '');
    return lines.slice(-count).join('\n');
  } catch {
    return '';
  }
}

/** Most telling first: a Java root cause, an exception or error with its message, a log line at ERROR level. */
const CAUSE_PATTERNS = [/^\s*Caused by: .+: /, /(Exception|Error|FATAL|PANIC):\s/, /\bERROR\b/];

/** The line of a log that most likely says why its service died (the last line if none looks like it). */
function causeFromLog(file: string): string | undefined {
  const newestFirst = tailOfLog(file, 200).split('\n').reverse();
  for (const pattern of CAUSE_PATTERNS) {
    const match = newestFirst.find((line) => pattern.test(line));
    if (match) return match.trim().slice(0, 240);
  }
  return newestFirst[0]?.trim().slice(0, 240) || undefined;
}

/** One line for a service that died while starting: which one, how, where its log is, and the likely cause. */
export function exitedDuringStartError(service: ServiceProcess): EnvironmentError {
  const how = service.exit?.signal ? `killed by ${service.exit.signal}` : `exit code ${service.exit?.code ?? '?'}`;
  const cause = causeFromLog(service.logFile);
  return new EnvironmentError(`${service.name} exited during start (${how}); see ${displayPath(service.logFile)}${cause ? ` (${cause})` : ''}`);
}

export interface ReadinessOptions {
  /** What "ready" means, for the timeout message: "answer on http://127.0.0.1:1234/health". */
  readyMeans: string;
  timeoutMs: number;
  intervalMs?: number;
}

/**
 * Polls `isReady` until it returns true. Fails fast when the process exits, and with one line
 * naming the log when it does not get ready in time. Errors thrown by `isReady` count as "not yet".
 */
export async function waitUntilReady(service: ServiceProcess, isReady: () => Promise<boolean>, options: ReadinessOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 200;
  for (;;) {
    if (service.exit) throw exitedDuringStartError(service);
    if (await isReady().catch(() => false)) return;
    if (service.exit) throw exitedDuringStartError(service);
    if (Date.now() >= deadline) {
      throw new EnvironmentError(
        `${service.name} did not ${options.readyMeans} within ${options.timeoutMs / 1000}s; see ${displayPath(service.logFile)}`,
      );
    }
    await Promise.race([sleep(interval), service.exited]);
  }
}
