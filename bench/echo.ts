// Benchmark (d): 496-byte echo over /dev/ttyRPMSG, pipelined (RpmsgTty.burst with a window) vs lock-step, messages per second.
import { InfraError } from '../harness/errors';
import { openChannels, type BurstResult, type RpmsgChannels, type RpmsgTty } from '../harness/remoteproc';
import { BOARD_TIMING } from '../harness/virtual/timing';
import { startBenchBoard, type BenchBoard } from './board-fixture';
import { builtinFirmware } from './repo';
import { round } from './stats';
import type { Benchmark } from './types';

/** rpmsg_get_mtu: the largest message one write(2) on the tty sends (remoteproc.md §6.3) */
export const ECHO_SIZE = 496;
/** messages in flight: the 16 host TX buffers of st-default's 16-entry vrings */
export const ECHO_WINDOW = 16;
const VARIANT = 'st-default';
const REPLY_MS = 5000;

/** Deploys st-default (echo + control channels), starts it and opens its ttys as the suites do. */
async function startEchoFirmware(b: BenchBoard): Promise<RpmsgChannels> {
  const name = `rproc-hil-bench-${VARIANT}.elf`;
  await b.driver.deploy(builtinFirmware(b.profile.coprocessor.firmwarePort, VARIANT), name);
  await b.driver.setFirmware(name);
  await b.driver.start();
  const ttys = await b.driver.waitForTtys(2);
  return openChannels(b.runner, ttys, { board: b.name, timeoutMs: REPLY_MS });
}

/** A burst that lost, reordered or corrupted a message measured something else than an echo: refuse its number. */
async function rate(tty: RpmsgTty, n: number, window: number): Promise<{ perS: number; r: BurstResult }> {
  const r = await tty.burst(n, ECHO_SIZE, window, { timeoutMs: REPLY_MS });
  if (r.received !== n || r.lost || r.outOfOrder || r.corrupted) {
    throw new InfraError('E_REMOTE', `echo burst of ${n} x ${ECHO_SIZE} B (window ${window}): received ${r.received}, lost ${r.lost}, out of order ${r.outOfOrder}, corrupted ${r.corrupted}`, { ...r });
  }
  return { perS: n / (r.elapsedMs / 1000), r };
}

export const echoBenchmark: Benchmark = {
  name: 'echo',
  description: `${ECHO_SIZE}-byte rpmsg echo on a virtual board: pipelined (window ${ECHO_WINDOW}) vs lock-step, without and with modelled board latencies`,
  async run(ctx) {
    const n = ctx.runs ?? (ctx.quick ? 200 : 5000);
    const b = await startBenchBoard({ name: 'bench-echo' });
    let ch: RpmsgChannels | undefined;
    try {
      ch = await startEchoFirmware(b);
      const echo = ch.echo;
      await rate(echo, Math.min(n, 200), ECHO_WINDOW); // warm-up: JIT, channel windows
      const lock = await rate(echo, n, 1);
      const pipe = await rate(echo, n, ECHO_WINDOW);
      ctx.log(`lock-step ${round(lock.perS, 0)} msg/s (round trip p50 ${round(lock.r.latency.p50)} ms), pipelined ${round(pipe.perS, 0)} msg/s`);

      // the same traffic on a board where each message arrives 0.2 ms after it was sent, each way (an echo is two messages)
      b.board.kernel.timing.set(BOARD_TIMING);
      const m = Math.max(50, Math.floor(n / 5));
      const lockModel = await rate(echo, m, 1);
      const pipeModel = await rate(echo, m, ECHO_WINDOW);
      ctx.log(`with rpmsg ${BOARD_TIMING.rpmsgMs} ms per message: lock-step ${round(lockModel.perS, 0)} msg/s, pipelined ${round(pipeModel.perS, 0)} msg/s`);
      b.board.kernel.timing.set({ rpmsgMs: 0, execMs: 0, startMs: 0 });

      const per = (x: { r: BurstResult }, count: number) => `${count} echoes in ${round(x.r.elapsedMs, 1)} ms, round trip p50 ${round(x.r.latency.p50)} ms`;
      return [
        { key: 'echo_pipelined_msgs_per_s', value: round(pipe.perS, 0), unit: 'msg/s', atLeast: 5000, detail: `burst window ${ECHO_WINDOW}, ${per(pipe, n)}` },
        { key: 'echo_lockstep_msgs_per_s', value: round(lock.perS, 0), unit: 'msg/s', detail: `burst window 1, ${per(lock, n)}` },
        { key: 'echo_pipelined_over_lockstep', value: round(pipe.perS / lock.perS, 1), unit: 'x', atLeast: 5, detail: 'echo_pipelined_msgs_per_s / echo_lockstep_msgs_per_s' },
        { key: 'echo_pipelined_modelled_msgs_per_s', value: round(pipeModel.perS, 0), unit: 'msg/s', detail: `rpmsg latency ${BOARD_TIMING.rpmsgMs} ms per message each way, window ${ECHO_WINDOW}, ${per(pipeModel, m)}` },
        { key: 'echo_lockstep_modelled_msgs_per_s', value: round(lockModel.perS, 0), unit: 'msg/s', detail: `rpmsg latency ${BOARD_TIMING.rpmsgMs} ms per message each way, ${per(lockModel, m)}` },
        { key: 'echo_modelled_pipelined_over_lockstep', value: round(pipeModel.perS / lockModel.perS, 1), unit: 'x', atLeast: 5, detail: 'the two modelled rates above: what pipelining buys once a message takes time to arrive' },
      ];
    } finally {
      ch?.close();
      await b.close();
    }
  },
};
