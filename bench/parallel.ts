// Benchmark (e): the same `hil` run on 1, 2, 4 and 8 virtual boards at once: wall time and peak memory of the process tree.
import * as path from 'node:path';
import { BOARD_TIMING } from '../harness/virtual/timing';
import { requirePassed, runHilOn, startFarm, type HilRun } from './hil-run';
import { sampleTreeRss } from './rss';
import { round } from './stats';
import { QUICK_FILTER } from './suite';
import type { Benchmark, BenchResult } from './types';

/** boot + rpmsg on every variant: each board deploys, starts and talks over rpmsg many times (a minute of modelled board time) */
export const PARALLEL_FILTER = { suites: ['boot', 'rpmsg'] };
export const BOARD_COUNTS = [1, 2, 4, 8] as const;

export const parallelBenchmark: Benchmark = {
  name: 'parallel',
  description: `\`hil --suite ${PARALLEL_FILTER.suites.join(',')}\` on ${BOARD_COUNTS.join(', ')} virtual boards at once (modelled latencies): wall time and peak RSS of this process plus its jest children`,
  async run(ctx) {
    const filters = ctx.quick ? QUICK_FILTER : PARALLEL_FILTER;
    // --quick stops at 2 boards: 8 jest processes starting at once take minutes on a small machine
    const counts: number[] = ctx.quick ? [1, 2] : [...BOARD_COUNTS];
    const results: BenchResult[] = [];
    const wall = new Map<number, number>();
    for (const n of counts) {
      const farm = await startFarm(n, { timing: BOARD_TIMING });
      try {
        const rss = sampleTreeRss();
        let run: HilRun;
        try {
          run = await runHilOn(farm, path.join(farm.dir, 'run'), filters);
        } catch (e) {
          rss.stop();
          throw e;
        }
        const mem = rss.stop();
        requirePassed(run, `parallel benchmark, ${n} board(s)`);
        wall.set(n, run.wallMs);
        ctx.log(`${n} board(s): ${round(run.wallMs / 1000, 1)} s, peak RSS ${round(mem.peakKiB / 1024, 0)} MiB over up to ${mem.maxProcesses} processes (${mem.samples} samples), ${run.counts.passed} passed`);
        results.push(
          { key: `parallel_wall_s_${n}`, value: round(run.wallMs / 1000, 2), unit: 's', detail: `${n} board(s) in one hil run, ${run.counts.passed} tests passed` },
          { key: `parallel_peak_rss_mb_${n}`, value: round(mem.peakKiB / 1024, 1), unit: 'MiB', detail: `peak of summed VmRSS (bench process + up to ${mem.maxProcesses - 1} children), sampled every 100 ms` },
        );
      } finally {
        await farm.stop();
      }
    }
    const one = wall.get(1);
    for (const n of counts.filter((c) => c > 1)) {
      const many = wall.get(n);
      if (one === undefined || many === undefined) continue;
      results.push({ key: `parallel_${n}_over_1_ratio`, value: round(many / one, 2), unit: 'x', ...(n === 8 ? { target: 2 } : {}), detail: `parallel_wall_s_${n} / parallel_wall_s_1` });
    }
    return results;
  },
};
