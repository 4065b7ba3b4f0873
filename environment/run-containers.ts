/**
 * The label every container of a run carries (`org.event-shop-e2e.run=<run id>`), and how the run
 * removes whatever still carries it when it stops: a container whose start failed half-way, or one a
 * stop action missed. watchdog.mjs does the same when the runner is killed.
 */
export const RUN_LABEL = 'org.event-shop-e2e.run';

/** Every status but `removing` (already on its way out). */
const LEFTOVER_STATUSES = ['created', 'restarting', 'running', 'paused', 'exited', 'dead'] as const;
/** A bound, so that a container that refuses removal cannot keep the loop going. */
const MAX_REMOVALS = 100;

/** Removes (forcibly, with its anonymous volumes) every container labelled with `runId`; returns how many. */
export async function removeRunContainers(runId: string): Promise<number> {
  // Loaded on demand: a native run never needs testcontainers.
  const { getContainerRuntimeClient } = await import('testcontainers');
  const client = await getContainerRuntimeClient();
  let removed = 0;
  for (; removed < MAX_REMOVALS; removed++) {
    const container = await client.container.fetchByLabel(RUN_LABEL, runId, { status: [...LEFTOVER_STATUSES] });
    if (!container) break;
    await container.remove({ force: true, v: true });
  }
  return removed;
}
