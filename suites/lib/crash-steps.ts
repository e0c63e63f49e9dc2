// Crash suite steps: boot, settings, a nonce logged just before the crash, the trigger, the kernel's answer, and cleanup.
import { channels, session, stopCore } from '../../harness/jest';
import type { VariantPlan } from '../../harness/jest/types';
import type { CoredumpMode, DmesgLine, DmesgMark, RecoveryMode, RpmsgTty } from '../../harness/remoteproc';
import { DEBUGFS_CRASH_TYPE, type CrashPath } from './crash-paths';
import { bootRunning, budgets, expecting, mismatch, noControl, nonce } from './rpmsg-session';
import { logLineLength } from './trace-predict';

/** lines that may follow the nonce before the core stops: `crash <kind> requested`, the HardFault report, the NMI early warning */
const AFTER_NONCE_RESERVE = 200;

export interface Settings {
  recovery: RecoveryMode;
  coredump: CoredumpMode;
}

export interface Crashed {
  nonce: string;
  mark: DmesgMark;
  ttys: string[];
}

export async function readSettings(): Promise<Settings> {
  const rp = session().remoteproc;
  return { recovery: await rp.getRecovery(), coredump: await rp.getCoredump() };
}

async function command(tty: RpmsgTty, line: string, reply: string, cite: string): Promise<void> {
  const expected = `"${line}" on the control tty answers "${reply}" (${cite})`;
  const got = await expecting(expected, () => tty.command(line, { timeoutMs: budgets().reply }));
  if (got !== reply) throw mismatch(expected, JSON.stringify(got));
}

/**
 * A small log could wrap between the nonce and the crash and hide the nonce behind the NUL (firmware.md §2.1): when the
 * free room is short, one padding line is logged that wraps the buffer, leaving it almost empty.
 */
async function makeRoom(tty: RpmsgTty, size: number, need: number): Promise<void> {
  const room = size - 1 - (await session().remoteproc.readTrace(0)).length;
  if (room >= need) return;
  const pad = Math.max(1, room + 1 - logLineLength(''));
  await command(tty, `log ${'p'.repeat(pad)}`, 'ok', 'DESIGN §6');
}

/** Boots, applies the settings, logs a nonce on the control channel and triggers the crash through `path`. */
export async function crashWith(v: VariantPlan, path: CrashPath, settings: Settings, logSize: number): Promise<Crashed> {
  const ttys = await bootRunning(v);
  const rp = session().remoteproc;
  await rp.setCoredump(settings.coredump);
  await rp.setRecovery(settings.recovery);
  const ch = await channels(v);
  try {
    if (!ch.control) throw noControl(v, ttys);
    const text = nonce('crash');
    await makeRoom(ch.control, logSize, logLineLength(text) + AFTER_NONCE_RESERVE);
    await command(ch.control, `log ${text}`, 'ok', 'DESIGN §6');
    const mark = await rp.mark();
    if (path.control) await command(ch.control, `crash ${path.control}`, 'ok', 'DESIGN §6: `crash <kind>` replies ok, then faults');
    else await rp.crash(DEBUGFS_CRASH_TYPE);
    return { nonce: text, mark, ttys };
  } finally {
    ch.close();
  }
}

/** polls dmesg since `mark` until `done(lines)`; a timeout names what was awaited and shows the lines seen */
export async function waitForDmesg(mark: DmesgMark, label: string, what: string, done: (texts: string[]) => boolean, budgetMs: number): Promise<DmesgLine[]> {
  const rp = session().remoteproc;
  const deadline = Date.now() + budgetMs;
  for (;;) {
    const lines = await rp.since(mark);
    if (done(lines.map((l) => l.text))) {
      session().attach(`${label}.txt`, lines.map((l) => l.raw).join('\n'), 'dmesg');
      return lines;
    }
    if (Date.now() >= deadline) throw mismatch(what, `within ${budgetMs} ms dmesg showed:\n${lines.map((l) => l.text).join('\n') || '(nothing)'}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** index of the first line containing `needle` at or after `from`, else -1 */
export function lineIndex(texts: string[], needle: string, from = 0): number {
  for (let i = from; i < texts.length; i++) if (texts[i]?.includes(needle)) return i;
  return -1;
}

/**
 * Leaves the core offline and the settings as found: a crashed core is recovered first (with recovery disabled `stop`
 * is refused, remoteproc.md §1.3), dumps this test made are released (remoteproc.md §5.2), then the settings go back.
 */
export async function leaveAsFound(found: Settings, dumpsBefore: ReadonlySet<string>): Promise<void> {
  const rp = session().remoteproc;
  const { recovery } = budgets();
  if ((await rp.state()) === 'crashed') {
    await rp.setRecovery('recover');
    await rp.waitForState(['running', 'offline'], { phase: 'crash cleanup', timeoutMs: recovery });
  }
  for (const dump of await rp.listCoredumps()) if (!dumpsBefore.has(dump)) await rp.releaseCoredump(dump);
  await stopCore();
  await rp.setRecovery(found.recovery);
  await rp.setCoredump(found.coredump);
}
