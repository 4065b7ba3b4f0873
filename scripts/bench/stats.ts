import os from 'node:os';

/** Linear-interpolated percentile (p in 0..1) of the values; NaN when there are none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * p;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export const median = (values: number[]): number => percentile(values, 0.5);

/** The summary of a series of samples (ms) kept in the JSON. */
export interface Series {
  n: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
  samples: number[];
}

export function series(samples: number[]): Series {
  const rounded = samples.map((value) => Math.round(value * 10) / 10);
  return {
    n: samples.length,
    p50: round(percentile(samples, 0.5)),
    p95: round(percentile(samples, 0.95)),
    min: round(Math.min(...samples)),
    max: round(Math.max(...samples)),
    samples: rounded,
  };
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Calls `action` `count` times one after the other and returns how long each call took (ms). */
export async function timeEach(count: number, action: (index: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const began = performance.now();
    await action(index);
    samples.push(performance.now() - began);
  }
  return samples;
}

/** One line of the table: a figure, its floor, and the ratio between them. */
export interface Row {
  id: string;
  figure: string;
  value: number;
  floorName: string;
  floor: number;
  unit: 'ms' | 's';
  /** The ratio (figure / floor) the project aims for, when there is one. */
  targetRatio?: number;
  /** A target in absolute terms (same unit), when the issue gives one. */
  targetAbsolute?: number;
  n?: number;
  floorN?: number;
}

export function ratio(row: Row): number {
  return row.value / row.floor;
}

function show(value: number, unit: Row['unit']): string {
  if (!Number.isFinite(value)) return '-';
  return unit === 's' ? `${(value / 1000).toFixed(2)} s` : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

function target(row: Row): string {
  const parts: string[] = [];
  if (row.targetRatio !== undefined) parts.push(`≤ ${row.targetRatio}×`);
  if (row.targetAbsolute !== undefined) parts.push(`≤ ${show(row.targetAbsolute, row.unit)}`);
  if (parts.length === 0) return '-';
  const met =
    (row.targetRatio === undefined || ratio(row) <= row.targetRatio) && (row.targetAbsolute === undefined || row.value <= row.targetAbsolute);
  return `${parts.join(', ')} ${met ? 'met' : 'missed'}`;
}

/** The table as Markdown, one row per figure. */
export function markdownTable(rows: Row[]): string {
  const lines = ['| figure | measured | floor | floor measured | ratio | target |', '| --- | ---: | --- | ---: | ---: | --- |'];
  for (const row of rows) {
    const figure = row.n ? `${row.figure} (n=${row.n})` : row.figure;
    const floorName = row.floorN ? `${row.floorName} (n=${row.floorN})` : row.floorName;
    lines.push(`| ${figure} | ${show(row.value, row.unit)} | ${floorName} | ${show(row.floor, row.unit)} | ${ratio(row).toFixed(2)}× | ${target(row)} |`);
  }
  return lines.join('\n');
}

/** CPU count and model, memory, the 1/5/15-minute load averages: the machine a table was measured on. */
export function machine(): { cpus: number; model: string; memoryGiB: number; platform: string; node: string; loadAverage: number[] } {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    model: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: round(os.totalmem() / 1024 ** 3),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    loadAverage: os.loadavg().map((value) => round(value, 2)),
  };
}
