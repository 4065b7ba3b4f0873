import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * Fills `finalDir` by running `fill` on a fresh staging dir next to it and renaming that into place,
 * so an interrupted or failed download never leaves a half-filled cache entry. When a parallel run
 * got there first, theirs is kept.
 */
export async function fillCacheEntry(finalDir: string, fill: (staging: string) => Promise<void>): Promise<void> {
  const parent = path.dirname(finalDir);
  const prefix = `.${path.basename(finalDir)}-staging-`;
  mkdirSync(parent, { recursive: true });
  removeAbandonedStagingDirs(parent, prefix);
  const staging = mkdtempSync(path.join(parent, `${prefix}${process.pid}-`));
  try {
    await fill(staging);
    try {
      renameSync(staging, finalDir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Staging dirs of downloads whose process was killed mid-way (the pid in the name is gone). */
function removeAbandonedStagingDirs(parent: string, prefix: string): void {
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (pid && isRunning(pid)) continue;
    rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
