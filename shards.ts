/**
 * Shards balanced by measured time, for `E2E_SHARD=i/n` (README, "Sharding").
 *
 * Playwright's `--shard=i/n` cuts the ordered list of tests into n runs of equal count. Here the heavy
 * tests sit together (the fault tests, each starting a stack of its own, and the browser tests), so the
 * last shard took 184 s while the other three took 23 s each (`npm run bench:shards`). This assigns
 * whole spec files instead, heaviest first, each to the shard with the least time so far, using the
 * per-file times in tests/durations.json (`npm run shards:durations` writes them from a run's JSON
 * report). A file with no recorded time counts as the median file. Every machine computes the same
 * assignment from the same files, so the shards cover every file exactly once.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';

export const DURATIONS_FILE = path.join(__dirname, 'tests', 'durations.json');
const TEST_DIR = path.join(__dirname, 'tests');

export interface Shard {
  current: number;
  total: number;
}

/** "2/4" → { current: 2, total: 4 }; undefined when unset; an error naming the variable when malformed. */
export function parseShard(value: string | undefined, name = 'E2E_SHARD'): Shard | undefined {
  if (!value) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const current = Number(match?.[1]);
  const total = Number(match?.[2]);
  if (!match || total < 1 || current < 1 || current > total) {
    throw new Error(`${name}="${value}" must be i/n with 1 <= i <= n, e.g. ${name}=2/4`);
  }
  return { current, total };
}

/** Every spec file under tests/, as a path relative to the project ("tests/api/cart.spec.ts"), sorted. */
export function specFiles(dir = TEST_DIR): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.spec.ts'))
    .map((file) => path.posix.join('tests', file.split(path.sep).join('/')))
    .sort();
}

/** Milliseconds of test time per spec file, as recorded; {} when the file is missing. */
export function recordedDurations(file = DURATIONS_FILE): Record<string, number> {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>) : {};
}

/** The files of each shard: longest first onto the shard with the least time (ties: the lower shard, then file name). */
export function assignFiles(files: string[], durations: Record<string, number>, total: number): string[][] {
  const known = files.map((file) => durations[file]).filter((ms): ms is number => typeof ms === 'number').sort((a, b) => a - b);
  const median = known.length > 0 ? known[Math.floor(known.length / 2)] : 1;
  const weighted = files.map((file) => ({ file, ms: durations[file] ?? median }));
  weighted.sort((a, b) => b.ms - a.ms || a.file.localeCompare(b.file));
  const shards = Array.from({ length: total }, () => ({ files: [] as string[], ms: 0 }));
  for (const { file, ms } of weighted) {
    const lightest = shards.reduce((best, shard) => (shard.ms < best.ms ? shard : best));
    lightest.files.push(file);
    lightest.ms += ms;
  }
  return shards.map((shard) => shard.files.sort());
}

/** Patterns for `testIgnore`: every spec file that belongs to another shard. */
export function otherShardsFiles(shard: Shard): RegExp[] {
  const shards = assignFiles(specFiles(), recordedDurations(), shard.total);
  const others = shards.filter((_, index) => index !== shard.current - 1).flat();
  return others.map((file) => new RegExp(`${escapeRegExp(path.join(__dirname, file))}$`));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
