// Benchmarks (b) and (c): the full suite via runHil on one virtual board with modelled latencies, then the identical run again.
import * as path from 'node:path';
import { InfraError } from '../harness/errors';
import { BOARD_TIMING, type TimingTotals } from '../harness/virtual/timing';
import { requirePassed, runHilOn, startFarm, type HilRun } from './hil-run';
import { round } from './stats';
import type { Benchmark } from './types';

/** --quick: one suite, one variant (same flow, a few seconds of tests) */
export const QUICK_FILTER = { suites: ['boot'], variants: ['st-default'] };

interface Measured {
  run: HilRun;
  timing: TimingTotals;
  uploadBytes: number;
  /** base names of the files that received bytes */
  uploaded: string[];
}

function listed(names: string[]): string {
  return names.length === 0 ? 'no file' : `${names.length} file(s): ${names.slice(0, 2).join(', ')}${names.length > 2 ? ', …' : ''}`;
}

export const suiteBenchmark: Benchmark = {
  name: 'suite',
  description: `every suite via \`hil\` on one virtual board with modelled latencies (start ${BOARD_TIMING.startMs} ms, exec ${BOARD_TIMING.execMs} ms, rpmsg ${BOARD_TIMING.rpmsgMs} ms per message): wall / modelled board time; then the identical run again: firmware bytes uploaded`,
  async run(ctx) {
    const filters = ctx.quick ? QUICK_FILTER : {};
    const farm = await startFarm(1, { timing: BOARD_TIMING });
    try {
      const board = farm.boards[0]?.board;
      if (!board) throw new InfraError('E_STATE', 'the bench farm started no board');
      const measure = async (label: string): Promise<Measured> => {
        board.kernel.timing.resetTotals();
        board.kernel.firmwareWrites.reset();
        const run = await runHilOn(farm, path.join(farm.dir, label), filters);
        requirePassed(run, `suite benchmark, ${label} run`);
        const uploaded = Object.keys(board.kernel.firmwareWrites.byFile()).map((f) => path.posix.basename(f));
        const m = { run, timing: board.kernel.timing.totals(), uploadBytes: board.kernel.firmwareWrites.bytes, uploaded };
        ctx.log(`${label} run: ${run.counts.passed} passed, ${run.counts.skipped} skipped in ${round(run.wallMs / 1000, 1)} s; board busy ${round(m.timing.busyMs / 1000, 1)} s (${m.timing.start.count} starts, ${m.timing.exec.count} commands, ${m.timing.rpmsg.count} rpmsg messages); ${m.uploadBytes} bytes written to /lib/firmware (${listed(uploaded)})`);
        return m;
      };
      const first = await measure('first');
      const second = await measure('second');
      const t = first.timing;
      const scope = ctx.quick ? `--suite ${QUICK_FILTER.suites.join(',')} --variant ${QUICK_FILTER.variants.join(',')}` : 'every suite and variant';
      return [
        { key: 'suite_overhead_ratio', value: round(first.run.wallMs / t.busyMs), unit: 'x', target: 1.05, detail: `hil wall time / modelled board time, ${scope}, first run` },
        { key: 'suite_wall_s', value: round(first.run.wallMs / 1000, 2), unit: 's', detail: `runHil call to exit code, ${first.run.counts.passed} passed, ${first.run.counts.skipped} skipped` },
        { key: 'suite_modelled_board_s', value: round(t.busyMs / 1000, 2), unit: 's', detail: 'union of the modelled intervals the board imposed (overlapping commands counted once)' },
        { key: 'suite_starts', value: t.start.count, unit: 'starts', detail: `${BOARD_TIMING.startMs} ms each: ${round(t.start.ms / 1000, 1)} s` },
        { key: 'suite_commands', value: t.exec.count, unit: 'commands', detail: `${BOARD_TIMING.execMs} ms each: ${round(t.exec.ms / 1000, 1)} s` },
        { key: 'suite_rpmsg_messages', value: t.rpmsg.count, unit: 'msgs', detail: `${BOARD_TIMING.rpmsgMs} ms each: ${round(t.rpmsg.ms / 1000, 1)} s` },
        { key: 'first_run_upload_bytes', value: first.uploadBytes, unit: 'B', detail: 'bytes written into /lib/firmware on the board (SFTP or cat >) by the first run' },
        { key: 'second_run_upload_bytes', value: second.uploadBytes, unit: 'B', target: 0, detail: `the identical run again on the same board (${round(second.run.wallMs / 1000, 1)} s, overhead ratio ${round(second.run.wallMs / second.timing.busyMs)}), ${listed(second.uploaded)}` },
      ];
    } finally {
      await farm.stop();
    }
  },
};
