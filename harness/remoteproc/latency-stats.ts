// Latency percentiles (nearest rank) and throughput of an RPMsg exchange.

export interface LatencyStats {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** nearest-rank percentile of an ascending list */
function rank(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

export function latencyStats(samplesMs: readonly number[]): LatencyStats {
  const s = [...samplesMs].sort((a, b) => a - b);
  const sum = s.reduce((a, b) => a + b, 0);
  return {
    count: s.length,
    p50: rank(s, 50),
    p95: rank(s, 95),
    p99: rank(s, 99),
    max: s.length ? (s[s.length - 1] ?? NaN) : NaN,
    mean: s.length ? sum / s.length : NaN,
  };
}

/** bytes per second; NaN when no time elapsed */
export function throughput(bytes: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (bytes * 1000) / elapsedMs : NaN;
}
