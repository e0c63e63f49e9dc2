// rpmsg suite (issue 6): echoes around the 496-byte MTU, the tty's split of a long write, a 1,000-message burst, both ttys.
import { channels, forEachVariant, session, stopCore } from '../harness/jest';
import type { VariantPlan } from '../harness/jest/types';
import type { RpmsgTty } from '../harness/remoteproc';
import { echoPayload, describeReplies, expectedSplitReplies, RPMSG_MTU, splitProbe, ttyChunks } from './lib/rpmsg-payload';
import { BURST_COUNT, BURST_SIZE, burstWindow, rpmsgApplies, vringNum } from './lib/rpmsg-plan';
import { RawTty } from './lib/rpmsg-raw-tty';
import { bootRunning, budgets, closingOnFailure, controlSkip, escapeRegExp, expecting, mismatch, ms, noControl, testUnless } from './lib/rpmsg-session';

type Channels = Awaited<ReturnType<typeof channels>>;

const LONG_WRITE = 1000;
const ECHO_SIZES: Array<[number, string]> = [
  [1, 'echo of 1 byte'],
  [16, 'echo of 16 bytes'],
  [RPMSG_MTU - 1, 'echo of 495 bytes (one below the MTU)'],
  [RPMSG_MTU, 'echo of 496 bytes (the MTU, one full message)'],
];

forEachVariant((v) => rpmsgApplies(v, session().board.profile.soc), (v: VariantPlan) => {
  const applies = rpmsgApplies(v, session().board.profile.soc);
  let ttys: string[] = [];
  let open: Channels | undefined;

  const chans = async (): Promise<Channels> =>
    (open ??= await expecting(
      `each rpmsg tty of ${v.name} answers "ping" within ${budgets().reply} ms: channel 0 returns "ping", channel 1 answers "pong" (DESIGN §6)`,
      () => channels(v),
    ));
  const echoTty = async (): Promise<RpmsgTty> => {
    const c = await chans();
    if (!c.echo) throw mismatch(`one rpmsg tty of ${v.name} echoes (DESIGN §6 channel 0, announced first)`, `no tty echoed "ping" (ttys: ${ttys.join(', ') || 'none'})`);
    return c.echo;
  };
  const closeChannels = (): void => {
    open?.close();
    open = undefined;
  };
  const fresh = closingOnFailure(closeChannels);

  beforeAll(async () => {
    ttys = await bootRunning(v);
  });

  afterAll(async () => {
    closeChannels();
    await stopCore();
  });

  for (const [size, title] of ECHO_SIZES) {
    test(title, fresh(async () => {
      const tty = await echoTty();
      const { reply } = budgets();
      const rtt = await expecting(
        `the ${size} byte(s) written to the echo tty ${tty.device} come back unchanged within ${reply} ms (DESIGN §6: channel 0 sends every message back unchanged; ${size} <= 496 bytes = the rpmsg MTU, so one message, remoteproc.md §6.1)`,
        () => tty.echo(echoPayload(size), { timeoutMs: reply }),
      );
      session().property(`rpmsg.echo.${size}B.rtt_ms`, ms(rtt));
    }));
  }

  test(`a ${LONG_WRITE}-byte write comes back whole and in order on the echo tty`, fresh(async () => {
    const tty = await echoTty();
    const { reply } = budgets();
    const rtt = await expecting(
      `all ${LONG_WRITE} bytes of one write come back in order within ${reply} ms: rpmsg_tty sends them as ${ttyChunks(LONG_WRITE).map((c) => c.length).join(' + ')} byte messages (remoteproc.md §6.3) and channel 0 echoes each one (DESIGN §6)`,
      () => tty.echo(echoPayload(LONG_WRITE), { timeoutMs: reply }),
    );
    session().property(`rpmsg.echo.${LONG_WRITE}B.rtt_ms`, ms(rtt));
  }));

  const splitTitle = `the tty driver cuts a ${LONG_WRITE}-byte write into 496 + 496 + 8 byte messages`;
  const noCtl = controlSkip(v);
  testUnless(v, applies, splitTitle, noCtl === undefined ? undefined : `${noCtl}: the split is seen through the control channel's replies`, async () => {
    const c = await chans();
    if (!c.control) throw noControl(v, ttys);
    const device = c.control.device;
    // the raw client must be the tty's only reader: on a real tty two readers split the replies between them
    closeChannels();
    const { reply, tty } = budgets();
    const raw = await RawTty.open(session().runner, device, tty);
    try {
      const probe = splitProbe(LONG_WRITE);
      const chunks = ttyChunks(LONG_WRITE);
      const want = expectedSplitReplies(probe, chunks);
      const expected = `rpmsg_tty sends a write as messages of min(len, 496) bytes, so ${LONG_WRITE} bytes reach the firmware as ${chunks.map((x) => x.length).join(' + ')} (messages starting at bytes ${chunks.map((x) => x.start).join(', ')}; remoteproc.md §6.3); the control channel answers each message on its own line, a message end ending a command (DESIGN §6, firmware/common/app.c)`;
      await raw.write(probe);
      const replies = await expecting(expected, () => raw.lines(chunks.length, reply));
      if (JSON.stringify(replies) !== JSON.stringify(want)) {
        throw mismatch(expected, `${describeReplies(replies)}; replies:\n${replies.join('\n')}`);
      }
    } finally {
      raw.close();
    }
  });

  test(`${BURST_COUNT.toLocaleString('en-US')}-message burst comes back in order with no loss`, fresh(async () => {
    const tty = await echoTty();
    const { reply } = budgets();
    const window = burstWindow(v);
    const r = await tty.burst(BURST_COUNT, BURST_SIZE, window, { timeoutMs: reply });
    const p = session().property.bind(session());
    p('rpmsg.burst.messages', BURST_COUNT);
    p('rpmsg.burst.message_bytes', BURST_SIZE);
    p('rpmsg.burst.window', window);
    p('rpmsg.burst.received', r.received);
    p('rpmsg.latency.p50_ms', ms(r.latency.p50));
    p('rpmsg.latency.p95_ms', ms(r.latency.p95));
    p('rpmsg.latency.p99_ms', ms(r.latency.p99));
    p('rpmsg.latency.max_ms', ms(r.latency.max));
    p('rpmsg.latency.mean_ms', ms(r.latency.mean));
    p('rpmsg.throughput.bytes_per_s', Math.round(Number.isFinite(r.bytesPerSecond) ? r.bytesPerSecond : 0));
    if (r.received !== BURST_COUNT || r.lost + r.outOfOrder + r.corrupted > 0) {
      throw mismatch(
        `each of ${BURST_COUNT} messages of ${BURST_SIZE} bytes (at most ${window} in flight, half of the ${vringNum(v)}-entry vring's buffers) echoed once, unchanged and in order within ${reply} ms each (DESIGN §6 channel 0; one vring delivers in order, remoteproc.md §6.1)`,
        `sent ${r.sent}, received ${r.received}, lost ${r.lost}, out of order ${r.outOfOrder}, corrupted ${r.corrupted}`,
      );
    }
  }));

  const bothTitle = 'both ttys: channel 0 echoes, channel 1 answers ping and info';
  const notTwo = v.expect.ttys === 2 ? undefined : `variant ${v.name} is not planned with two ttys (firmware/variants.yaml expect.ttys: ${v.expect.ttys ?? 'unknown: custom firmware'})`;
  testUnless(v, applies, bothTitle, noCtl ?? notTwo, fresh(async () => {
    const c = await chans();
    const { reply } = budgets();
    const soc = session().board.profile.soc;
    if (ttys.length !== 2) throw mismatch(`two /dev/ttyRPMSG* for ${v.name} (expect.ttys: 2; one per rpmsg-tty channel, remoteproc.md §6.3)`, `${ttys.length}: ${ttys.join(', ') || 'none'}`);
    const { echo, control } = c;
    if (!control) throw noControl(v, ttys);
    if (!echo) throw mismatch(`the other tty of ${v.name} echoes "ping" back (DESIGN §6 channel 0)`, `both answered pong (${ttys.join(', ')})`);
    const pair = [echo.device, control.device].sort();
    if (JSON.stringify(pair) !== JSON.stringify([...ttys].sort())) {
      throw mismatch(`echo and control are the two ttys ${ttys.join(' and ')} (DESIGN §6: found by asking)`, `echo ${echo.device}, control ${control.device}`);
    }
    const ask = async (tty: RpmsgTty, line: string, want: string, expected: string): Promise<string> => {
      const answer = await expecting(expected, () => tty.command(line, { timeoutMs: reply }));
      if (!new RegExp(want).test(answer)) throw mismatch(expected, JSON.stringify(answer));
      return answer;
    };
    await ask(echo, 'ping', '^ping$', `the echo tty ${echo.device} returns "ping" unchanged (DESIGN §6 channel 0)`);
    await ask(control, 'ping', '^pong$', `the control tty ${control.device} answers "ping" with "pong" (DESIGN §6 channel 1)`);
    const trace = (v.report.table?.entries ?? []).some((e) => e.type === 'trace') ? 1 : 0;
    const builtin = session().spec.firmwareSource === 'builtin';
    const name = builtin ? escapeRegExp(v.name) : '\\S+';
    const info = await ask(
      control,
      'info',
      `^info variant=${name} build=\\S+ soc=${soc} vrings=${vringNum(v)} trace=${trace}$`,
      `the control tty answers "info" with "info variant=${builtin ? v.name : '<name>'} build=<id> soc=${soc} vrings=${vringNum(v)} trace=${trace}" (DESIGN §6; vrings and trace as in the resource table)`,
    );
    session().property('rpmsg.info', info);
  }));
});
