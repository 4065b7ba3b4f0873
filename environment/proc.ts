import { existsSync, readdirSync, readFileSync } from 'node:fs';

/*
 * Process liveness that does not count zombies. A stopped service's own children (tsx's esbuild,
 * a postmaster whose parent exited first) are re-parented to PID 1, which in some containers never
 * reaps them; kill(-pgid, 0) would then report the group alive until the grace period runs out.
 * environment/watchdog.mjs has the same logic in plain JavaScript.
 */

const hasProc = existsSync('/proc/self/stat');

interface ProcStat {
  state: string;
  pgid: number;
}

function procStat(pid: string | number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp ...": comm may contain spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', pgid: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

function isZombie(stat: ProcStat): boolean {
  return stat.state === 'Z' || stat.state === 'X';
}

/** kill(target, 0) probes without signalling; EPERM still means it exists. */
function probe(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True while some process of the group is alive (zombies do not count, where /proc can tell). */
export function groupAlive(pgid: number): boolean {
  if (!probe(-pgid)) return false;
  if (!hasProc) return true;
  return readdirSync('/proc').some((name) => {
    if (!/^\d+$/.test(name)) return false;
    const stat = procStat(name);
    return stat !== undefined && stat.pgid === pgid && !isZombie(stat);
  });
}

/** True while the process is alive (a zombie does not count, where /proc can tell). */
export function processAlive(pid: number): boolean {
  if (!probe(pid)) return false;
  const stat = hasProc ? procStat(pid) : undefined;
  return stat === undefined || !isZombie(stat);
}
