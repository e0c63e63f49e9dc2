// The benchmark registry `npm run bench` runs, in order: add one file per benchmark and list it here.
import { echoBenchmark } from './echo';
import { parallelBenchmark } from './parallel';
import { remoteOpBenchmark } from './remote-op';
import { rscBenchmark } from './rsc';
import { rscStartBenchmark } from './rsc-start';
import { suiteBenchmark } from './suite';
import type { Benchmark } from './types';

/** (a) remote-op, (b)+(c) suite, (d) echo, (e) parallel, (f) rsc; the cheap ones first so a broken setup shows early */
export const BENCHMARKS: readonly Benchmark[] = [rscBenchmark, remoteOpBenchmark, echoBenchmark, suiteBenchmark, parallelBenchmark, rscStartBenchmark];
