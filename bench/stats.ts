// Timing helpers shared by benchmarks: run a function N times after a warm-up and summarise the durations.
import { performance } from 'node:perf_hooks';

export interface Timing {
  runs: number;
  medianMs: number;
  p90Ms: number;
  minMs: number;
}

/** The q-quantile (0..1) of the values, nearest-rank on a sorted copy. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid] as number;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] as number) + hi) / 2;
}

/** Times `fn` `runs` times (after `warmup` untimed calls, so JIT and caches settle). */
export async function timeRuns(fn: () => unknown, runs: number, warmup = 5): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const durations: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    durations.push(performance.now() - start);
  }
  return { runs, medianMs: median(durations), p90Ms: quantile(durations, 0.9), minMs: Math.min(...durations) };
}

export function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
