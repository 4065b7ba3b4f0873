import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { messageOf } from './errors';
import { removeRunContainers, RUN_LABEL } from './run-containers';

/** A process group the run owns, and the signal that stops it cleanly. */
export interface OwnedProcessGroup {
  pgid: number;
  name: string;
  signal: NodeJS.Signals;
}

interface StopAction {
  name: string;
  stop: () => Promise<void>;
}

/** What the watchdog reads when the runner is gone. */
interface WatchdogState {
  groups: OwnedProcessGroup[];
  tempDirs: string[];
  /** The label of the run's containers, once it has any: the watchdog removes every container carrying it. */
  containers?: { label: string; value: string };
}

const WATCHDOG_SCRIPT = path.join(__dirname, 'watchdog.mjs');

/**
 * Everything one run started, and how to stop it. Stop actions run last-in first-out (the shop
 * before the services it uses). Process groups and temp dirs are also written to a state file that
 * a detached watchdog reads, so they are cleaned up even when this process is killed outright.
 */
export class EnvironmentRun {
  /** Unique per run; its containers carry it as a label. */
  readonly id = `${process.pid}-${randomBytes(4).toString('hex')}`;
  readonly logDir: string;
  private hasContainers = false;
  private readonly stopActions: StopAction[] = [];
  private readonly groups = new Map<number, OwnedProcessGroup>();
  private readonly tempDirs = new Set<string>();
  /** Log files a process of this run has written: a process started again appends to its predecessor's. */
  private readonly logsWritten = new Set<string>();
  private readonly useWatchdog: boolean;
  private watchdog?: { pid: number; stateFile: string };
  private stopping?: Promise<void>;
  private unwound = false;

  constructor(options: { logDir: string; watchdog?: boolean }) {
    this.logDir = options.logDir;
    this.useWatchdog = options.watchdog ?? true;
    mkdirSync(this.logDir, { recursive: true });
  }

  /** True once stop() was called: nothing new should be started. */
  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  logFile(name: string): string {
    return path.join(this.logDir, `${name}.log`);
  }

  /**
   * How a process of this run opens `file`: 'w' the first time (a fresh log per run), 'a' when a
   * restarted service writes to it again, so its log tells the whole story across restarts.
   */
  claimLogFile(file: string): 'w' | 'a' {
    if (this.logsWritten.has(file)) return 'a';
    this.logsWritten.add(file);
    return 'w';
  }

  /** Registers how to stop something. Registered after stop() began, it runs at once. */
  onStop(name: string, stop: () => Promise<void>): void {
    if (this.unwound) {
      void runStopAction({ name, stop });
      return;
    }
    this.stopActions.push({ name, stop });
  }

  trackProcessGroup(group: OwnedProcessGroup): void {
    this.groups.set(group.pgid, group);
    this.saveWatchdogState();
  }

  untrackProcessGroup(pgid: number): void {
    if (this.groups.delete(pgid)) this.saveWatchdogState();
  }

  trackTempDir(dir: string): void {
    this.tempDirs.add(dir);
    this.saveWatchdogState();
  }

  untrackTempDir(dir: string): void {
    if (this.tempDirs.delete(dir)) this.saveWatchdogState();
  }

  /**
   * The labels every container of this run is created with. From the first call on, the run removes
   * whatever carries them when it stops, and so does its watchdog if this process dies first.
   */
  containerLabels(): Record<string, string> {
    if (!this.hasContainers) {
      this.hasContainers = true;
      this.saveWatchdogState();
    }
    return { [RUN_LABEL]: this.id };
  }

  /** Stops everything, once; later calls return the same promise. */
  stop(): Promise<void> {
    this.stopping ??= this.unwind();
    return this.stopping;
  }

  private async unwind(): Promise<void> {
    // Actions registered while an earlier one runs are picked up by the loop.
    for (let action = this.stopActions.pop(); action; action = this.stopActions.pop()) await runStopAction(action);
    this.unwound = true;
    if (this.hasContainers) await this.removeLeftoverContainers();
    this.killLeftovers();
    this.dismissWatchdog();
  }

  /** Whatever a stop action missed (it failed, or never got registered) goes now, without grace. */
  private killLeftovers(): void {
    for (const group of this.groups.values()) {
      try {
        process.kill(-group.pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const dir of this.tempDirs) rmSync(dir, { recursive: true, force: true });
    this.groups.clear();
    this.tempDirs.clear();
  }

  private async removeLeftoverContainers(): Promise<void> {
    try {
      const removed = await removeRunContainers(this.id);
      if (removed > 0) console.error(`[env] removed ${removed} container(s) of this run that a stop missed`);
    } catch (error) {
      console.error(`[env] could not remove this run's containers (label ${RUN_LABEL}=${this.id}): ${messageOf(error)}`);
    }
  }

  private saveWatchdogState(): void {
    if (!this.useWatchdog || this.unwound) return;
    const stateFile = this.watchdog?.stateFile ?? path.join(os.tmpdir(), `e2e-watchdog-${process.pid}-${randomBytes(4).toString('hex')}.json`);
    const state: WatchdogState = {
      groups: [...this.groups.values()],
      tempDirs: [...this.tempDirs],
      ...(this.hasContainers ? { containers: { label: RUN_LABEL, value: this.id } } : {}),
    };
    // Write then rename, so the watchdog never reads half a file.
    writeFileSync(`${stateFile}.tmp`, JSON.stringify(state));
    renameSync(`${stateFile}.tmp`, stateFile);
    this.watchdog ??= { pid: startWatchdog(stateFile, this.logFile('watchdog')), stateFile };
  }

  private dismissWatchdog(): void {
    if (!this.watchdog) return;
    rmSync(this.watchdog.stateFile, { force: true });
    try {
      process.kill(this.watchdog.pid, 'SIGTERM');
    } catch {
      // it noticed the missing state file first
    }
    this.watchdog = undefined;
  }
}

async function runStopAction(action: StopAction): Promise<void> {
  try {
    await action.stop();
  } catch (error) {
    console.error(`[env] could not stop ${action.name} cleanly: ${messageOf(error)}`);
  }
}

/** Detached and in its own process group, so neither Ctrl-C nor the runner's death reaches it. */
function startWatchdog(stateFile: string, logFile: string): number {
  const log = openSync(logFile, 'w');
  try {
    const child = spawn(process.execPath, [WATCHDOG_SCRIPT, String(process.pid), stateFile], {
      detached: true,
      stdio: ['ignore', log, log],
    });
    child.unref();
    if (child.pid === undefined) throw new Error('could not start the watchdog');
    return child.pid;
  } finally {
    closeSync(log);
  }
}
