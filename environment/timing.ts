/** 6234 ms → "6.2s", the format of every timing line. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Runs `start` and prints `[env] <name> ready in 1.2s` when it succeeds. */
export async function timed<T>(name: string, start: () => Promise<T>): Promise<T> {
  const began = performance.now();
  const value = await start();
  console.log(`[env] ${name} ready in ${seconds(performance.now() - began)}`);
  return value;
}

/**
 * Starts everything in parallel and waits until every start has finished, so nothing is still
 * starting when the caller reports a failure and cleans up. Rethrows the first failure.
 */
export async function startAllSettled<T extends readonly unknown[]>(starts: { [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(starts.map((start) => start()));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
