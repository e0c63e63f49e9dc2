// The benchmark registry `npm run bench` runs, in order: add one file per benchmark and list it here.
import { rscBenchmark } from './rsc';
import { rscStartBenchmark } from './rsc-start';
import type { Benchmark } from './types';

export const BENCHMARKS: readonly Benchmark[] = [rscBenchmark, rscStartBenchmark];
