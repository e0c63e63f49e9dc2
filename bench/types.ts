// The shape of one benchmark, defined once beside the CLI that runs them (harness/ never imports bench/).
export type { BenchContext, BenchResult, Benchmark } from '../harness/cli/bench-types';
