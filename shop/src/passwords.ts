import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** Production strength; PASSWORD_HASH_ROUNDS sets it (a test run chooses fewer for its throwaway customers). */
let rounds = 10;
/**
 * Compared against when the email is unknown, so a login takes as long whether or not the account exists. Made in a
 * hashing worker when the cost is set (at start, without holding the event loop), or on first need.
 */
let unknownUserHash: Promise<string> | undefined;

/** The cost of every hash made from now on (and of the comparison for an unknown email). Call it once, at start. */
export function setPasswordHashRounds(value: number): void {
  rounds = value;
  unknownUserHash = hashPassword('no-such-user-0');
  unknownUserHash.catch(() => (unknownUserHash = undefined)); // made again on first need
}

/*
 * bcryptjs hashes in JavaScript on the thread that calls it: about 90 ms of CPU per login at 10 rounds, in one slice
 * (it yields only every 100 ms), so eight logins at once held the event loop for most of a second and every other
 * customer's request waited behind them. The hashing runs in a few worker threads instead; the event loop stays free.
 */

/** The workers' code: plain JavaScript (no TypeScript loader needed), bcryptjs from the path the shop resolved. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcryptjs);
parentPort.on('message', async ({ id, op, args }) => {
  try {
    const result = op === 'hash' ? await bcrypt.hash(args[0], args[1]) : await bcrypt.compare(args[0], args[1]);
    parentPort.postMessage({ id, result });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
`;

type Job = { resolve: (value: string | boolean) => void; reject: (error: Error) => void };

class HashingWorker {
  private readonly worker: Worker;
  private readonly jobs = new Map<number, Job>();
  private nextId = 0;

  constructor() {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptjs: require.resolve('bcryptjs') } });
    this.worker.on('message', ({ id, result, error }: { id: number; result?: string | boolean; error?: string }) => {
      const job = this.jobs.get(id);
      this.jobs.delete(id);
      if (this.jobs.size === 0) this.worker.unref();
      if (error !== undefined) job?.reject(new Error(error));
      else job?.resolve(result!);
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`the password-hashing worker exited (${code})`)));
    // An idle worker must not keep the shop alive at shutdown; a busy one does, until its jobs are answered.
    this.worker.unref();
  }

  get pending(): number {
    return this.jobs.size;
  }

  run(op: 'hash' | 'compare', args: [string, string | number]): Promise<string | boolean> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      if (this.jobs.size === 0) this.worker.ref();
      this.jobs.set(id, { resolve, reject });
      this.worker.postMessage({ id, op, args });
    });
  }

  /** A worker that died answers nothing more; the pool replaces it. */
  dead = false;

  private failAll(error: Error): void {
    this.dead = true;
    for (const job of this.jobs.values()) job.reject(error);
    this.jobs.clear();
    this.worker.unref();
  }
}

let workers: HashingWorker[] | undefined;

/** The least busy of the workers, started on first use (one per CPU, at most four). */
function worker(): HashingWorker {
  workers = (workers ?? Array.from({ length: Math.min(4, availableParallelism()) }, () => new HashingWorker())).map(
    (candidate) => (candidate.dead ? new HashingWorker() : candidate),
  );
  return workers.reduce((least, candidate) => (candidate.pending < least.pending ? candidate : least));
}

export const hashPassword = async (password: string): Promise<string> =>
  (await worker().run('hash', [password, rounds])) as string;

export async function passwordMatches(password: string, hash: string | undefined): Promise<boolean> {
  const against = hash ?? (await (unknownUserHash ??= hashPassword('no-such-user-0')));
  const matches = (await worker().run('compare', [password, against])) as boolean;
  return matches && hash !== undefined;
}
