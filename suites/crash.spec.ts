// crash suite (issue 6): per crash path, recovery disabled keeps the log, the coredump holds it, recovery brings echo back.
import { channels, forEachVariant, session } from '../harness/jest';
import type { VariantPlan } from '../harness/jest/types';
import { newCoredump, traceLogFromCore } from './lib/crash-coredump';
import { CRASH_PATHS, DEBUGFS_CRASH_TYPE, crashApplies, pathSkip, scenarioSkip, type CrashPath, type Scenario } from './lib/crash-paths';
import { crashWith, leaveAsFound, lineIndex, readSettings, waitForDmesg, type Settings } from './lib/crash-steps';
import { budgets, escapeRegExp, expecting, mismatch, testUnless, traceEntries } from './lib/rpmsg-session';
import { echoPayload } from './lib/rpmsg-payload';
import { readTrace, tail } from './lib/trace-read';

/** the INFO line `log <nonce>` wrote (firmware.md §2.2) */
const nonceLine = (n: string): RegExp => new RegExp(`\\[\\d{5}\\.\\d{3}\\]\\[INFO \\] ${escapeRegExp(n)}\\n`);

let found: Settings;
let dumpsAtStart: Set<string>;

beforeAll(async () => {
  found = await readSettings();
  dumpsAtStart = new Set(await session().remoteproc.listCoredumps());
});

const TITLES: Record<Scenario, string> = {
  'recovery disabled': 'recovery disabled: crashed, trace0 keeps the nonce',
  'coredump enabled': 'coredump enabled: trace segment at da holds the nonce',
  'recovery enabled': 'recovery enabled: firmware back and echoing',
};

function scenarios(v: VariantPlan, path: CrashPath): void {
  const rp = () => session().remoteproc;
  const name = session().board.profile.coprocessor.name;
  const trace = traceEntries(v)[0];
  const logSize = trace?.len ?? v.expect.logSize;
  const crashLine = `crash detected in ${name}: type ${path.control ? 'watchdog' : ''}`;
  const crashCite = path.control
    ? `the firmware faults after "ok", the watchdog interrupt reports RPROC_WATCHDOG (DESIGN §6, firmware.md §5.1) and the kernel logs "${crashLine}" (remoteproc.md §5.1)`
    : `debugfs crash ${DEBUGFS_CRASH_TYPE} makes the kernel log "${crashLine}…" at once (remoteproc.md §2, §5.1)`;
  const crashed = async (mark: Parameters<typeof waitForDmesg>[0]) =>
    waitForDmesg(mark, 'dmesg-crash', crashCite, (t) => lineIndex(t, crashLine) >= 0, budgets().crash);

  const applies = crashApplies(v, session().board.profile.soc);
  const run = (s: Scenario, body: () => Promise<void>): void =>
    testUnless(v, applies, `${path.label}, ${TITLES[s]}`, pathSkip(path, session().board.profile.soc) ?? scenarioSkip(s), body);

  run('recovery disabled', async () => {
    const c = await crashWith(v, path, { recovery: 'disabled', coredump: 'disabled' }, logSize);
    await crashed(c.mark);
    await expecting(`state "crashed" after the crash with recovery disabled (remoteproc.md §5.1 step 4: it stays crashed)`, () =>
      rp().waitForState('crashed', { phase: 'crash', timeoutMs: budgets().crash }),
    );
    const trace0 = await expecting(`trace0 still readable while crashed (remoteproc.md §4: nothing is torn down, the memory stays mapped)`, () => readTrace('trace0-crashed'));
    if (!nonceLine(c.nonce).test(trace0)) {
      throw mismatch(`trace0 of the crashed core still holds the line "[sssss.mmm][INFO ] ${c.nonce}" logged just before the crash (remoteproc.md §4, firmware.md §5.2)`, tail(trace0));
    }
    if (path.control && !trace0.includes(`[ERR  ] crash ${path.control} requested`)) {
      throw mismatch(`trace0 holds "[ERR  ] crash ${path.control} requested", logged before the fault (DESIGN §6)`, tail(trace0));
    }
  });

  run('coredump enabled', async () => {
    if (!trace) throw new Error(`variant ${v.name} has no trace entry`);
    const before = new Set(await rp().listCoredumps());
    const c = await crashWith(v, path, { recovery: 'enabled', coredump: 'enabled' }, logSize);
    await crashed(c.mark);
    const dump = await newCoredump(before, budgets().coredump, traceEntries(v).reduce((n, t) => n + t.len, 0));
    session().property('crash.coredump_bytes', dump.bytes.length);
    const log = traceLogFromCore(dump.core, v.elfPath, trace);
    if (!nonceLine(c.nonce).test(log)) {
      throw mismatch(
        `the log rebuilt from ${trace.symbol ?? trace.name} in the coredump holds "[sssss.mmm][INFO ] ${c.nonce}", logged just before the crash (firmware.md §5.3, remoteproc.md §4: the dump is taken before the firmware is reloaded)`,
        tail(log),
      );
    }
    await expecting(`state "running" again after the dump (remoteproc.md §5.1 step 3: stop, coredump, reload, start)`, () =>
      rp().waitForState('running', { phase: 'recovery', timeoutMs: budgets().recovery }),
    );
  });

  run('recovery enabled', async () => {
    const c = await crashWith(v, path, { recovery: 'enabled', coredump: 'disabled' }, logSize);
    const lines = await crashed(c.mark);
    const from = lineIndex(lines.map((l) => l.text), crashLine);
    const up = `remote processor ${name} is now up`;
    await waitForDmesg(
      c.mark,
      'dmesg-recovery',
      `after "${crashLine}…": "recovering ${name}" then "${up}" (remoteproc.md §5.1 step 3)`,
      (t) => {
        const rec = lineIndex(t, `recovering ${name}`, from);
        return rec >= 0 && lineIndex(t, up, rec) >= 0;
      },
      budgets().recovery,
    );
    await expecting(`state "running" after recovery (remoteproc.md §5.1)`, () => rp().waitForState('running', { phase: 'recovery', timeoutMs: budgets().recovery }));
    const ttys = await expecting(`the ${c.ttys.length} rpmsg tty(s) come back after the firmware re-announces its channels (remoteproc.md §5.1 step 3)`, () =>
      rp().waitForTtys(c.ttys.length, { phase: 'recovery', timeoutMs: budgets().tty }),
    );
    const ch = await channels(v);
    try {
      const echo = ch.echo;
      if (!echo) throw mismatch(`one of ${ttys.join(', ')} echoes again after recovery (DESIGN §6 channel 0)`, 'no tty echoed');
      await expecting(`16 bytes echoed unchanged on ${echo.device} after recovery (DESIGN §6)`, () => echo.echo(echoPayload(16), { timeoutMs: budgets().reply }));
    } finally {
      ch.close();
    }
    const trace0 = await readTrace('trace0-recovered');
    if (trace0.includes(c.nonce)) {
      throw mismatch(`the reloaded firmware starts a fresh log: its .bss is zeroed, so the nonce from before the crash is gone from trace0 (remoteproc.md §4, firmware.md §2.1, §5.2)`, tail(trace0));
    }
  });
}

forEachVariant((v) => crashApplies(v, session().board.profile.soc), (v: VariantPlan) => {
  afterEach(async () => {
    await leaveAsFound(found, dumpsAtStart);
  });
  for (const path of CRASH_PATHS) scenarios(v, path);
});

test('the board is as it was found: recovery and coredump settings, no coredump left', async () => {
  const now = await readSettings();
  if (now.recovery !== found.recovery || now.coredump !== found.coredump) {
    throw mismatch(`recovery ${found.recovery}, coredump ${found.coredump} as found before the crash tests (DESIGN §7: the board is left as found)`, `recovery ${now.recovery}, coredump ${now.coredump}`);
  }
  const left = (await session().remoteproc.listCoredumps()).filter((d) => !dumpsAtStart.has(d));
  if (left.length > 0) throw mismatch('no devcoredump made by the crash tests is left on the board (remoteproc.md §5.2: writing to data frees it)', left.join(', '));
});
