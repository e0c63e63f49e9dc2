// Fault: the console cable is pulled mid-run for a second (unplugConsoleMs / ConsoleCable). Outcome: the capture notices,
// reopens the console when it is back, and the log continues with what the board prints afterwards.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BoardFaultControl } from '../../harness/virtual/faults';
import { startConsoleCable } from '../../harness/virtual/console-cable';
import { MemFs } from '../../harness/virtual/fs/memfs';
import type { SshServerHandle } from '../../harness/virtual/ssh/types';
import { TOOLS, describeWithTools } from '../helpers/tools';
import { firmwareImage } from '../virtual/kernel/fixtures';
import { BOARD, coreBoard, describeE2e, expectLeftAsFound, recordsOf, runHilOn, startRig, whenRecord, type FaultRig } from './rig';

const UNPLUG_MS = 1_000;
const RUN_UNPLUG_MS = 300;

let rig: FaultRig;
beforeEach(async () => {
  rig = await startRig('console');
});
afterEach(async () => {
  await rig.stop();
});

describe('console unplugged mid-run (harness core)', () => {
  test('the capture reopens the console after the cable is back and logs the kernel lines printed afterwards', async () => {
    const log = path.join(rig.dir, 'console.log');
    const c = await coreBoard(rig, { consoleLog: log, console: { reopenDelayMs: { min: 50, max: 200 } } });
    const capture = c.console;
    if (!capture) throw new Error('the rig board has a console');
    const lost = new Promise<string>((resolve) => capture.once('disconnected', resolve));
    const reopened = new Promise<{ attempts: number; downMs: number }>((resolve) => capture.once('reopened', resolve));
    await rig.cable.unplug(UNPLUG_MS);
    expect(await lost).toBe('console server closed the connection');
    expect(rig.cable.plugged).toBe(false);
    const back = await reopened;
    expect(back.attempts).toBeGreaterThan(1); // refused while unplugged
    expect(rig.cable.connections).toBe(2);
    const rp = c.board.remoteproc;
    await rp.deploy(firmwareImage(), 'rproc-hil-console.elf');
    await rp.setFirmware('rproc-hil-console.elf');
    await rp.start();
    await capture.expect(/remote processor m4 is now up/, { timeoutMs: 5_000 });
    await rp.stop();
    await c.board.release();
    await c.close();
    const text = fs.readFileSync(log, 'utf8');
    const reopenedAt = text.search(/console tcp:\/\/127\.0\.0\.1:\d+ reopened after \d+ ms \(\d+ attempts\)/);
    expect(text.search(/console tcp:\/\/127\.0\.0\.1:\d+ lost: console server closed the connection; reopening/)).toBeGreaterThan(-1);
    expect(reopenedAt).toBeGreaterThan(-1);
    expect(text.slice(reopenedAt)).toMatch(/remote processor m4 is now up/);
  });

  test('only a TCP console can sit behind a cable; a board without one refuses the knob, naming what to do', async () => {
    await expect(startConsoleCable({ path: '/tmp/console-board' })).rejects.toThrow('the console /tmp/console-board is a pty: only a TCP console (start the board with --console tcp) can be unplugged');
    const ssh = { faults: {} } as unknown as SshServerHandle;
    const control = new BoardFaultControl({ kernel: { faults: { hangStartMs: 0 }, injectCrash: () => undefined }, fs: new MemFs(), ssh: () => ssh, powerOff: async () => undefined, powerOn: async () => undefined });
    await expect(control.set('unplugConsoleMs', 500)).rejects.toThrow('fault unplugConsoleMs needs a console cable: this board serves its console without one (start it with --console tcp)');
  });
});

describeWithTools([TOOLS.xmllint], 'console unplugged mid-run (hil flow)', () => {
  describeE2e('hil', () => {
    test('the run passes; console-<board>.log says lost and reopened, and goes on with later kernel lines', async () => {
      const before = await rig.snapshot();
      // unplugged at the first boot test: boot, trace and rpmsg run for seconds after it (rpmsg alone can end within
      // the ~700 ms the capture's backoff needs to reopen), so the cable is back long before the run ends
      const run = runHilOn(rig, ['--suite', 'boot,trace,rpmsg', '--variant', 'st-default']);
      await whenRecord(rig, () => true);
      await rig.cable.unplug(RUN_UNPLUG_MS);
      const { code, interrupted } = await run;
      expect(interrupted).toBe(false);
      expect(recordsOf(rig).every((r) => r.status === 'passed')).toBe(true);
      expect(code).toBe(0);
      const text = fs.readFileSync(path.join(rig.outDir, `console-${BOARD}.log`), 'utf8');
      expect(text).toMatch(/ lost: console server closed the connection; reopening/);
      const reopenedAt = text.search(/ reopened after \d+ ms/);
      expect(reopenedAt).toBeGreaterThan(-1);
      expect(rig.cable.connections).toBe(2);
      // the suite stops the core at its end, after the unplug: that kernel line is in the log after the reopen
      expect(text.slice(reopenedAt)).toMatch(/stopped remote processor m4/);
      await expectLeftAsFound(rig, before);
    }, 60_000);
  }, 'rpmsg');
});
