// trace suite (issue 6): trace files as the table predicts, the boot line, `log <text>`, and ST's wrap rule on a full buffer.
import { channels, forEachVariant, session, stopCore } from '../harness/jest';
import type { VariantPlan } from '../harness/jest/types';
import type { RpmsgTty } from '../harness/remoteproc';
import { bootRunning, budgets, closingOnFailure, controlSkip, expecting, mismatch, noControl, nonce, testUnless } from './lib/rpmsg-session';
import { BOOT_LINE_MIN_LOG, bootLinePattern, noTrace0, trace0Size, traceApplies } from './lib/trace-plan';
import { logLineLength, predictLog } from './lib/trace-predict';
import { readTrace, readTraceUntil, tail, traceNames } from './lib/trace-read';

type Channels = Awaited<ReturnType<typeof channels>>;

forEachVariant((v) => traceApplies(v, session().board.profile.soc), (v: VariantPlan) => {
  const applies = traceApplies(v, session().board.profile.soc);
  let ttys: string[] = [];
  let open: Channels | undefined;

  const fresh = closingOnFailure(() => {
    open?.close();
    open = undefined;
  });

  const control = async (): Promise<RpmsgTty> => {
    open ??= await expecting(`each rpmsg tty of ${v.name} answers "ping" within ${budgets().reply} ms (DESIGN §6)`, () => channels(v));
    if (!open.control) throw noControl(v, ttys);
    return open.control;
  };

  /** `log <text>` must be answered `ok` (DESIGN §6) */
  const log = async (tty: RpmsgTty, text: string): Promise<void> => {
    const expected = `"log ${text.length > 40 ? `${text.slice(0, 40)}…` : text}" on the control tty answers "ok" (DESIGN §6)`;
    const reply = await expecting(expected, () => tty.command(`log ${text}`, { timeoutMs: budgets().reply }));
    if (reply !== 'ok') throw mismatch(expected, JSON.stringify(reply));
  };

  beforeAll(async () => {
    ttys = await bootRunning(v);
  });

  afterAll(async () => {
    open?.close();
    open = undefined;
    await stopCore();
  });

  test('trace0 exists exactly when the table has a trace entry', async () => {
    const shown = await traceNames();
    const table = (v.report.table?.entries ?? []).filter((e) => e.type === 'trace').length;
    if (JSON.stringify(shown) !== JSON.stringify(v.expect.traces)) {
      throw mismatch(
        `debugfs trace files [${v.expect.traces.join(', ')}]: one traceN per RSC_TRACE entry the kernel parses, numbered from 0 in table order (remoteproc.md §3.2, §4; the table of ${v.name} has ${table} trace entr${table === 1 ? 'y' : 'ies'}, verdict ${v.expect.verdict})`,
        `[${shown.join(', ')}]`,
      );
    }
  });

  const noT0 = noTrace0(v);
  const noCtl = controlSkip(v);
  const size = trace0Size(v);
  const needsLogging = noT0 ?? noCtl;

  const wrapsAtBoot = size < BOOT_LINE_MIN_LOG ? `the ${size}-byte log of ${v.name} can wrap during boot, hiding the boot line (firmware.md §2.1); the log and wrap tests cover this buffer` : undefined;
  testUnless(v, applies, 'trace0 starts with the boot line', noT0 ?? wrapsAtBoot, async () => {
    const { re, text } = bootLinePattern(v, session().board.profile, session().spec.firmwareSource === 'builtin');
    const trace0 = await readTraceUntil('trace0', (t) => t.includes('\n'), budgets().start);
    if (!re.test(trace0)) throw mismatch(`trace0 of ${v.name} begins with the ${text}`, tail(trace0.slice(0, 400)));
  });

  testUnless(v, applies, 'log <text> on the control channel appears in trace0', needsLogging, fresh(async () => {
    const tty = await control();
    const text = nonce('trace');
    const before = await readTrace('trace0-before');
    await log(tty, text);
    const after = await readTrace('trace0-after');
    const p = predictLog(before, text, size, after);
    if (p.problem) {
      throw mismatch(`"log ${text}" appends "[sssss.mmm][INFO ] ${text}" to the ${size}-byte log (DESIGN §6; firmware.md §2.1, §2.2): ${p.problem}`, tail(after));
    }
  }));

  testUnless(v, applies, 'a full log wraps to its start with a NUL after the newest character', needsLogging, fresh(async () => {
    const tty = await control();
    const textLength = Math.max(8, Math.min(200, Math.floor(size / 3) - 20));
    const maxLines = Math.ceil((2 * size) / logLineLength('x'.repeat(textLength))) + 2;
    let before = await readTrace('trace0-start');
    let wraps = 0;
    for (let i = 0; wraps < 2 && i < maxLines; i++) {
      const head = `wrap${i}-`;
      const text = head + 'abcdefghijklmnopqrstuvwxyz'.repeat(8).slice(0, textLength - head.length);
      await log(tty, text);
      const after = await session().remoteproc.readTrace(0);
      const p = predictLog(before, text, size, after);
      if (p.problem) {
        session().attach(`trace0-line${i}.txt`, after, 'trace');
        throw mismatch(
          `line ${i} of the wrap test follows log_buff: wrap to the start before writing when offset + 1 >= ${size}, a NUL after the newest character, trace0 = text up to that NUL (firmware.md §2.1, remoteproc.md §4): ${p.problem}`,
          `${after.length} characters: ${tail(after, 300)}`,
        );
      }
      if (p.wrapped) wraps++;
      before = after;
    }
    session().attach('trace0-end.txt', before, 'trace');
    session().property('trace.buffer_bytes', size);
    session().property('trace.wraps', wraps);
    if (wraps < 2) throw mismatch(`${maxLines} lines of ${textLength + 20} characters wrap the ${size}-byte log at least twice (firmware.md §2.1)`, `${wraps} wrap(s)`);
  }));
});
