// The shape of one benchmark (bench/*.ts implement it; `npm run bench` runs them): a name, and flat keys for bench.json.

/** One number for bench.json, with what a reader needs to judge it. */
export interface BenchResult {
  /** flat key in bench.json, snake_case with its unit, e.g. `rsc_1mib_ms` */
  key: string;
  value: number;
  unit: string;
  /** the value should be at most this much (informational unless `npm run bench -- --check`) */
  target?: number;
  /** the value should be at least this much (ratios, rates) */
  atLeast?: number;
  /** how it was measured, e.g. `median of 50, p90 3.1 ms` */
  detail: string;
}

export interface BenchContext {
  /** repetitions for each measured loop (each benchmark has its own default) */
  runs?: number;
  /** small counts and filters, for tests of the CLI: same keys, numbers not worth quoting */
  quick?: boolean;
  /** progress lines for a person watching; not part of the results */
  log(line: string): void;
}

export interface Benchmark {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchResult[]>;
}
