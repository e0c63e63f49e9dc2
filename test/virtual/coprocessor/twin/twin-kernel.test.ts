// End to end without hardware: the kernel model's remoteproc/rpmsg over the twin running the real test firmware (DESIGN §5).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeWithTools, TOOLS } from '../../../helpers/tools';
import { MemFs } from '../../../../harness/virtual/fs/memfs';
import { KernelModel } from '../../../../harness/virtual/kernel';
import { TwinCoprocessor } from '../../../../harness/virtual/coprocessor/twin';
import { buildFirmware, loadProfile } from './twin-rig';

jest.setTimeout(90000);

const BOARDS = [
  { board: 'twin-mp157', port: 'qemu-m4', rproc: 'm4' },
  { board: 'twin-mp257', port: 'qemu-m33', rproc: 'm33' },
] as const;

describeWithTools([TOOLS.qemu, TOOLS.armGcc, TOOLS.make], 'kernel model + TwinCoprocessor + firmware st-default', () => {
  let fwDir = '';
  let stateDir = '';

  beforeAll(() => {
    fwDir = buildFirmware(BOARDS.map((b) => b.port), ['st-default']);
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-kernel-'));
  }, 180000);

  afterAll(() => {
    fs.rmSync(fwDir, { recursive: true, force: true });
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  describe.each(BOARDS)('$board', ({ board, port, rproc }) => {
    const vfs = new MemFs();
    const profile = loadProfile(board);
    const watchdogWired = profile.capabilities.watchdogCrash;
    let twin: TwinCoprocessor;
    const kernel = new KernelModel({ profile, fs: vfs, coprocessor: () => twin });
    const sys = (): string => kernel.sysfsDir;
    const text = async (p: string): Promise<string> => Buffer.from(await vfs.readFile(p)).toString("latin1");

    async function until(what: string, cond: () => boolean, ms = 30000): Promise<void> {
      const t0 = Date.now();
      while (!cond()) {
        if (Date.now() - t0 > ms) throw new Error(`waited for ${what}; dmesg tail:\n${kernel.dmesgLines().slice(-12).join('\n')}\nconsole: ${twin.consoleLines.slice(-5).join(' | ')}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    }

    async function ask(tty: string, line: string): Promise<string> {
      const s = vfs.openChar(tty);
      const chunks: Buffer[] = [];
      s.onData((c) => c !== null && chunks.push(Buffer.from(c)));
      await s.write(Buffer.from(`${line}\n`));
      await until(`reply on ${tty}`, () => Buffer.concat(chunks).toString().endsWith('\n'));
      s.close();
      return Buffer.concat(chunks).toString();
    }

    const dmesgHas = (s: string): boolean => kernel.dmesgLines().some((l) => l.includes(s));

    beforeAll(async () => {
      twin = new TwinCoprocessor({ profile, stateDir });
      await kernel.boot();
      await vfs.writeFile('/lib/firmware/fw.elf', new Uint8Array(fs.readFileSync(path.join(fwDir, port, 'st-default.elf'))));
      await vfs.writeFile(`${sys()}/firmware`, Buffer.from('fw.elf\n'));
    });

    afterAll(async () => {
      await kernel.dispose();
      await twin.dispose();
    });

    test('start: both channels are created and the ttys answer as the firmware does (echo, then control)', async () => {
      await vfs.writeFile(`${sys()}/state`, Buffer.from('start\n'));
      await until('ttyRPMSG1', () => vfs.stat('/dev/ttyRPMSG1') !== null);
      expect(dmesgHas('creating channel rpmsg-tty addr 0x0')).toBe(true);
      expect(dmesgHas('creating channel rpmsg-tty addr 0x1')).toBe(true);
      expect(await text(`${sys()}/state`)).toBe('running\n');
      expect(await ask('/dev/ttyRPMSG0', 'hello twin')).toBe('hello twin\n');
      expect(await ask('/dev/ttyRPMSG1', 'ping')).toBe('pong\n');
      expect(await text(`${kernel.debugfsDir}/trace0`)).toContain(`rproc-hil test firmware variant=st-default`);
    });

    if (watchdogWired) {
      test('crash watchdog through the control tty: the kernel reports a watchdog crash and recovers the firmware (remoteproc.md §5.1)', async () => {
        expect(await ask('/dev/ttyRPMSG1', 'crash watchdog')).toBe('ok\n');
        await until('crash report', () => dmesgHas(`crash detected in ${rproc}: type watchdog`));
        await until('recovered ttys', () => kernel.dmesgLines().filter((l) => l.includes('creating channel rpmsg-tty addr 0x1')).length === 2 && vfs.stat('/dev/ttyRPMSG1') !== null);
        expect(await ask('/dev/ttyRPMSG1', 'ping')).toBe('pong\n');
      });

      test('stop: the firmware acks the shutdown request and the state goes offline', async () => {
        await vfs.writeFile(`${sys()}/state`, Buffer.from('stop\n'));
        expect(await text(`${sys()}/state`)).toBe('offline\n');
        expect(twin.consoleLines.some((l) => l.includes('shutdown requested'))).toBe(true);
        expect(twin.diagnostics).not.toContain('warning: remote FW shutdown without ack');
      });
    } else {
      test('crash watchdog: the twin\'s watchdog fires but MP25 has no crash wiring, so the kernel says nothing (firmware.md §5.4)', async () => {
        const fired = new Promise<void>((resolve) => twin.once('crash', () => resolve()));
        expect(await ask('/dev/ttyRPMSG1', 'crash watchdog')).toBe('ok\n');
        await fired;
        expect(twin.state).toBe('crashed');
        expect(kernel.dmesgLines().some((l) => l.includes('crash detected'))).toBe(false);
        expect(await text(`${sys()}/state`)).toBe('running\n');
      });

      test('stop of the hung core: no shutdown byte is sent to a frozen core, the state goes offline', async () => {
        await vfs.writeFile(`${sys()}/state`, Buffer.from('stop\n'));
        expect(await text(`${sys()}/state`)).toBe('offline\n');
        expect(twin.state).toBe('stopped');
      });
    }
  });
});
