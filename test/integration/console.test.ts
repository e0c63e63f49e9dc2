// Issue 5 "Prove it": ConsoleCapture on the virtual board's serial console (a pty through socat) opened by connectBoard.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeWithTools, TOOLS } from '../helpers/tools';
import { firmwareImage } from '../virtual/kernel/fixtures';
import { startFarm, type Farm } from './virtual-farm';
import type { ConnectedBoard } from '../../harness/board/connect';

describeWithTools([TOOLS.socat], 'console of a virtual board reached like a farm instance (console: { path })', () => {
  let farm: Farm;
  let c: ConnectedBoard;
  let log: string;

  beforeAll(async () => {
    farm = await startFarm('console', { console: 'pty' });
    log = path.join(farm.stateDir, 'console.log');
    c = await farm.connect({ consoleLog: log, lease: { owner: 'int', host: 'h11', pid: 1, leaseWaitS: 0 } });
  }, 30_000);

  afterAll(async () => {
    await farm?.stop();
  });

  test('the instance has a pty console and connectBoard opened it', () => {
    expect(farm.instance().console).toEqual({ path: expect.stringMatching(/^\//) });
    expect(c.console?.isOpen).toBe(true);
  });

  test('login on the console and run a command', async () => {
    const con = c.console;
    if (!con) throw new Error('no console');
    await con.write('\r');
    await con.expect(/stm32mp1 login: /, { phase: 'login prompt', timeoutMs: 5000 });
    await con.write('root\r');
    await con.expect(/root@stm32mp1:~# /, { phase: 'shell prompt', timeoutMs: 5000 });
    await con.write('echo console-42\r');
    await con.expect(/\r?\nconsole-42\r?\n/, { phase: 'echo', timeoutMs: 5000 });
  }, 30_000);

  test('power cycle: the boot lines and the login prompt come again on the same capture, and all of it is in the log file', async () => {
    const con = c.console;
    if (!con) throw new Error('no console');
    const mark = con.mark();
    await c.board.power.cycle();
    await con.expect(/Booting Linux on physical CPU 0x0/, { phase: 'boot', timeoutMs: 10_000, since: mark });
    await con.expect(/remoteproc remoteproc0: m4 is available/, { phase: 'boot', timeoutMs: 10_000 });
    await con.expect(/stm32mp1 login: /, { phase: 'login prompt', timeoutMs: 10_000 });
    expect(con.since(mark)).toMatch(/Booting Linux[\s\S]*stm32mp1 login: /);
    await new Promise((r) => setTimeout(r, 200)); // the log file is appended asynchronously
    const text = fs.readFileSync(log, 'utf8');
    expect(text).toContain('console-42');
    expect(text).toContain('Booting Linux on physical CPU 0x0');
  }, 30_000);

  test('a coprocessor crash on the board is flagged as a death by the console capture (crash detected in)', async () => {
    const con = c.console;
    if (!con) throw new Error('no console');
    await c.board.acquire();
    await c.board.prepare();
    const rp = c.board.remoteproc;
    await rp.deploy(firmwareImage(), 'int-console.elf');
    if ((await rp.state()) !== 'offline') await rp.stop();
    await rp.setFirmware('int-console.elf');
    await rp.start();
    const mark = con.mark();
    await rp.crash(2);
    await con.expect(/crash detected in/, { phase: 'crash', timeoutMs: 5000, since: mark });
    expect(con.deathsSince(mark).map((d) => d.name)).toContain('rproc-crash');
    await c.board.release();
  }, 30_000);
});
