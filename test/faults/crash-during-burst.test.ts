// Fault: the coprocessor crashes (watchdog) in the middle of a 1,000-message echo burst (crashAfterMessages).
// Outcome: that test fails with the crash evidence attached; the next test runs on the recovered board.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openChannels } from '../../harness/remoteproc';
import { TOOLS, describeWithTools } from '../helpers/tools';
import { firmwareImage } from '../virtual/kernel/fixtures';
import { coreBoard, describeE2e, expectLeftAsFound, recordsOf, runHilOn, startRig, type FaultRig } from './rig';

let rig: FaultRig;
beforeEach(async () => {
  rig = await startRig('crash');
});
afterEach(async () => {
  await rig.stop();
});

describe('coprocessor crash during an echo burst (harness core)', () => {
  test('the burst loses messages, dmesg holds the watchdog crash and the recovery, and echo works again afterwards', async () => {
    const c = await coreBoard(rig);
    const rp = c.board.remoteproc;
    await rp.deploy(firmwareImage(), 'rproc-hil-crash.elf');
    await rp.setFirmware('rproc-hil-crash.elf');
    await rp.start();
    const ttys = await rp.waitForTtys(2);
    const ch = await openChannels(c.board.runner, ttys, { board: 'fault-dk2', timeoutMs: 2_000 });
    const mark = await rp.mark();
    await rig.vb.setFault('crashAfterMessages', 100);
    const r = await ch.echo.burst(1000, 64, 8, { timeoutMs: 1_000 });
    ch.close();
    expect(r.received).toBeLessThan(1000);
    expect(r.received).toBeGreaterThanOrEqual(90); // it crashed inside the burst, not before it
    expect(r.lost).toBe(1000 - r.received);
    expect(rig.vb.faults.crashAfterMessages).toBe(0);
    // remoteproc.md §5: crash report, then recovery (enabled on this board) brings the firmware back
    await rp.waitForState('running', { timeoutMs: 5_000 });
    const again = await openChannels(c.board.runner, await rp.waitForTtys(2), { board: 'fault-dk2', timeoutMs: 2_000 });
    expect(await again.echo.echo('after the crash', { timeoutMs: 1_000 })).toBeGreaterThanOrEqual(0);
    again.close();
    const text = (await rp.since(mark)).map((l) => l.text).join('\n');
    expect(text).toMatch(/crash detected in m4: type watchdog[\s\S]*remote processor m4 is now up/);
    await rp.stop();
    await c.board.release();
  }, 30_000);
});

describeWithTools([TOOLS.xmllint], 'coprocessor crash during an echo burst (hil flow)', () => {
  describeE2e(
    'hil',
    () => {
      test('the burst test fails with the crash in its evidence; the test after it passes on the recovered board', async () => {
        const before = await rig.snapshot();
        // the tests before the burst send a few dozen messages (pings, echoes, a split write); the 300th lands in the burst
        await rig.vb.setFault('crashAfterMessages', 300);
        const { code } = await runHilOn(rig, ['--suite', 'rpmsg', '--variant', 'st-default']);
        const records = recordsOf(rig);
        const burst = records.findIndex((r) => /burst/.test(r.id));
        expect(burst).toBeGreaterThan(0);
        const failed = records[burst];
        expect(failed?.status).toBe('failed');
        expect(failed?.failure?.message).toMatch(/lost [1-9]/);
        const evidenceDir = path.dirname(path.join(rig.outDir, failed?.evidence ?? 'missing'));
        const dmesg = fs.readdirSync(evidenceDir).filter((f) => /dmesg/.test(f)).map((f) => fs.readFileSync(path.join(evidenceDir, f), 'utf8')).join('\n');
        expect(dmesg).toMatch(/crash detected in m4: type watchdog/);
        expect(records.slice(0, burst).every((r) => r.status === 'passed')).toBe(true);
        const after = records.slice(burst + 1).filter((r) => r.status !== 'skipped');
        expect(after.length).toBeGreaterThan(0);
        // (the failure text, if any, shows in the diff)
        expect(after.map((r) => `${r.status} ${r.failure?.message ?? ''}`.trim())).toEqual(after.map(() => 'passed'));
        expect(code).toBe(1);
        await expectLeftAsFound(rig, before);
      }, 60_000);
    },
    'rpmsg',
  );
});
