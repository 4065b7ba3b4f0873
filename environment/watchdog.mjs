// The run's last line of defence. global-setup (or the CLI) starts this script detached, with the
// runner's pid and a state file listing the process groups, temp dirs and container label the run
// owns. When the runner dies without cleaning up (SIGKILL, a crash, a closed terminal) this stops
// those groups, removes those dirs and removes every container carrying that label. On a normal
// teardown the runner deletes the state file and signals us to exit.
// Plain JavaScript so it starts fast and cannot fail on a loader; testcontainers (to reach the same
// Docker engine the run used) is loaded only when there are containers to remove.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 500;
const GRACE_MS = 10_000;
const KILL_WAIT_MS = 2_000;

const [runnerPidArgument, stateFile] = process.argv.slice(2);
const runnerPid = Number(runnerPidArgument);

function log(message) {
  process.stdout.write(`[watchdog ${new Date().toISOString()}] ${message}\n`);
}

/**
 * Linux: state, and process group of a process from /proc/<pid>/stat; undefined when it is gone or
 * there is no /proc. Needed because a killed process whose parent died is re-parented to PID 1,
 * which in some containers never reaps it: kill(pid, 0) would report such a zombie as alive forever.
 */
function procStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], pgid: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

const hasProc = existsSync('/proc/self/stat');
const isZombie = (stat) => stat.state === 'Z' || stat.state === 'X';

/** kill(pid, 0) probes without signalling; EPERM still means the process exists. */
function probe(pidOrNegativePgid) {
  try {
    process.kill(pidOrNegativePgid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function processAlive(pid) {
  if (!probe(pid)) return false;
  const stat = hasProc ? procStat(pid) : undefined;
  return stat === undefined || !isZombie(stat);
}

function groupAlive(pgid) {
  if (!probe(-pgid)) return false;
  if (!hasProc) return true;
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .some((pid) => {
      const stat = procStat(pid);
      return stat !== undefined && stat.pgid === pgid && !isZombie(stat);
    });
}

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is already gone
  }
}

function readState() {
  try {
    return JSON.parse(readFileSync(stateFile, 'utf8'));
  } catch {
    return { groups: [], tempDirs: [] };
  }
}

async function waitForGroupsToExit(groups, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (groups.some((group) => groupAlive(group.pgid)) && Date.now() < deadline) await sleep(100);
  return groups.filter((group) => groupAlive(group.pgid));
}

/** Every status but `removing`; the same as run-containers.ts. */
const LEFTOVER_STATUSES = ['created', 'restarting', 'running', 'paused', 'exited', 'dead'];

/** Removes, with their anonymous volumes, the containers labelled `label=value`, found one at a time. */
async function removeContainers({ label, value }) {
  try {
    const { getContainerRuntimeClient } = createRequire(import.meta.url)('testcontainers');
    const client = await getContainerRuntimeClient();
    let removed = 0;
    for (; removed < 100; removed++) {
      const container = await client.container.fetchByLabel(label, value, { status: LEFTOVER_STATUSES });
      if (!container) break;
      await container.remove({ force: true, v: true });
    }
    log(`removed ${removed} container(s) labelled ${label}=${value}`);
  } catch (error) {
    log(`could not remove the containers labelled ${label}=${value}: ${error.message}`);
  }
}

async function cleanUp({ groups = [], tempDirs = [], containers }) {
  log(`runner ${runnerPid} is gone; stopping ${groups.map((group) => group.name).join(', ') || 'no process'}${containers ? ' and the run\'s containers' : ''}`);
  const containersRemoved = containers ? removeContainers(containers) : Promise.resolve();
  for (const group of groups) signalGroup(group.pgid, group.signal || 'SIGTERM');
  const stubborn = await waitForGroupsToExit(groups, GRACE_MS);
  for (const group of stubborn) {
    log(`${group.name} ignored ${group.signal || 'SIGTERM'}; sending SIGKILL`);
    signalGroup(group.pgid, 'SIGKILL');
  }
  await waitForGroupsToExit(stubborn, KILL_WAIT_MS);
  await containersRemoved;
  for (const dir of tempDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch (error) {
      log(`could not remove ${dir}: ${error.message}`);
    }
  }
  log('cleaned up');
}

async function watch() {
  if (!Number.isInteger(runnerPid) || runnerPid <= 0 || !stateFile) {
    log('usage: node watchdog.mjs <runner pid> <state file>');
    process.exit(2);
  }
  process.on('SIGTERM', () => process.exit(0));
  log(`watching runner ${runnerPid}`);
  for (;;) {
    // The runner removes the state file when it has cleaned up itself: nothing left to guard.
    if (!existsSync(stateFile)) return;
    if (!processAlive(runnerPid)) {
      await cleanUp(readState());
      rmSync(stateFile, { force: true });
      return;
    }
    await sleep(POLL_MS);
  }
}

await watch();
