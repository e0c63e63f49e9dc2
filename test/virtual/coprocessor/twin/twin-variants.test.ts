// Issue "test firmware in a QEMU twin": every qemu-* variant, booted by the kernel model on its twin board, shows what
// firmware/variants.yaml promises (state, channels, ttys, control, traces); st-default's log reaches trace0 and the
// devcoredump's trace segment after a crash.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { parseElf } from '../../../../harness/firmware';
import { MemFs } from '../../../../harness/virtual/fs/memfs';
import { FsError } from '../../../../harness/virtual/fs/types';
import { KernelModel } from '../../../../harness/virtual/kernel';
import { TwinCoprocessor } from '../../../../harness/virtual/coprocessor/twin';
import { describeWithTools, TOOLS } from '../../../helpers/tools';
import { buildFirmware, loadProfile } from './twin-rig';

jest.setTimeout(120000);

interface Expect { boots: boolean; channels: number; ttys: number; control: boolean; traces: string[]; logSize: number }
interface Variant { name: string; ports: string[]; expect: Record<string, Expect> }

const manifest = parse(fs.readFileSync(path.join(__dirname, '../../../../firmware/variants.yaml'), 'utf8')) as { variants: Variant[] };
const BOARDS = [
  { board: 'twin-mp157', port: 'qemu-m4', soc: 'stm32mp15', crashWired: true },
  { board: 'twin-mp257', port: 'qemu-m33', soc: 'stm32mp25', crashWired: false }, // firmware.md §5.4: no M33 crash wiring
] as const;

describe.each(BOARDS)('$board', ({ board, port, soc, crashWired }) => {
describeWithTools([TOOLS.qemu, TOOLS.armGcc, TOOLS.make], `every ${port} variant on ${board} behaves as variants.yaml says`, () => {
  const VARIANTS = manifest.variants.filter((v) => v.ports.includes(port));
  const profile = loadProfile(board);
  let fwDir = '';
  let stateDir = '';
  let vfs: MemFs;
  let twin: TwinCoprocessor;
  let kernel: KernelModel;
  const text = async (p: string): Promise<string> => Buffer.from(await vfs.readFile(p)).toString('latin1');
  const dmesgCount = (s: string): number => kernel.dmesgLines().filter((l) => l.includes(s)).length;

  async function until(what: string, cond: () => boolean, ms = 30000): Promise<void> {
    const t0 = Date.now();
    while (!cond()) {
      if (Date.now() - t0 > ms) throw new Error(`waited for ${what}; dmesg tail:\n${kernel.dmesgLines().slice(-10).join('\n')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async function ask(tty: string, line: string): Promise<string> {
    const s = vfs.openChar(tty);
    const chunks: Buffer[] = [];
    s.onData((c) => c !== null && chunks.push(Buffer.from(c)));
    await s.write(Buffer.from(`${line}\n`));
    const t0 = Date.now();
    while (!Buffer.concat(chunks).toString().endsWith('\n') && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 10));
    s.close();
    return Buffer.concat(chunks).toString();
  }

  const ttys = (): string[] => vfs.readdir('/dev').filter((d) => d.startsWith('ttyRPMSG')).sort();

  beforeAll(async () => {
    fwDir = buildFirmware([port], VARIANTS.map((v) => v.name));
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-variants-'));
    vfs = new MemFs();
    twin = new TwinCoprocessor({ profile, stateDir });
    kernel = new KernelModel({ profile, fs: vfs, coprocessor: () => twin });
    await kernel.boot();
  }, 240000);

  afterAll(async () => {
    await kernel?.dispose();
    await twin?.dispose();
    fs.rmSync(fwDir, { recursive: true, force: true });
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  test.each(VARIANTS.map((v) => [v.name, v] as const))('%s', async (name, variant) => {
    const want = variant.expect[soc];
    if (want === undefined) throw new Error(`variants.yaml: ${name} has no ${soc} expectation`);
    const sys = kernel.sysfsDir;
    await vfs.writeFile(`/lib/firmware/${name}.elf`, new Uint8Array(fs.readFileSync(path.join(fwDir, port, `${name}.elf`))));
    await vfs.writeFile(`${sys}/firmware`, Buffer.from(`${name}.elf\n`));
    const channelsBefore = dmesgCount('creating channel');
    let errno: string | null = null;
    try {
      await vfs.writeFile(`${sys}/state`, Buffer.from('start\n'));
    } catch (e) {
      errno = e instanceof FsError ? e.errno : String(e);
    }
    expect(errno === null).toBe(want.boots);
    if (!want.boots) return;
    try {
      await until(`${want.channels} channels`, () => dmesgCount('creating channel') - channelsBefore >= want.channels);
      await until(`${want.ttys} ttys`, () => ttys().length >= want.ttys);
      await new Promise((r) => setTimeout(r, 200)); // nothing more may appear
      expect(dmesgCount('creating channel') - channelsBefore).toBe(want.channels);
      expect(ttys()).toHaveLength(want.ttys);
      const answers = await Promise.all(ttys().map((t) => ask(`/dev/${t}`, 'ping')));
      expect(answers.includes('pong\n')).toBe(want.control);
      expect(vfs.readdir(kernel.debugfsDir).filter((f) => f.startsWith('trace')).sort()).toEqual(want.traces);
      if (want.traces.length > 0) {
        const log = await text(`${kernel.debugfsDir}/trace0`);
        // firmware.md §2.1: at most logSize-1 characters are visible; a small buffer has already wrapped past the boot line
        expect(log.length).toBeGreaterThan(0);
        expect(log.length).toBeLessThan(want.logSize);
        if (want.logSize >= 1024) expect(log).toContain(`variant=${name}`);
      }
    } finally {
      if ((await text(`${sys}/state`)) === 'running\n') await vfs.writeFile(`${sys}/state`, Buffer.from('stop\n'));
    }
    expect(await text(`${sys}/state`)).toBe('offline\n');
    expect(ttys()).toEqual([]);
  });

  (crashWired ? test : test.skip)((crashWired ? '' : '[skipped: no M33 watchdog reaches Linux on MP25, firmware.md §5.4] ') + 'st-default: `log` lands in trace0; after `crash hardfault` the devcoredump trace segment holds the last log line (remoteproc.md §4.1, §5.2)', async () => {
    const sys = kernel.sysfsDir;
    await vfs.writeFile(`${sys}/firmware`, Buffer.from('st-default.elf\n'));
    await vfs.writeFile(`${sys}/recovery`, Buffer.from('enabled\n'));
    await vfs.writeFile(`${sys}/coredump`, Buffer.from('enabled\n'));
    await vfs.writeFile(`${sys}/state`, Buffer.from('start\n'));
    await until('control tty', () => ttys().length === 2);
    const control = (await ask('/dev/ttyRPMSG1', 'ping')) === 'pong\n' ? '/dev/ttyRPMSG1' : '/dev/ttyRPMSG0';
    const nonce = `nonce-${process.pid}-${Date.now()}`;
    expect(await ask(control, `log ${nonce}`)).toBe('ok\n');
    expect(await text(`${kernel.debugfsDir}/trace0`)).toContain(nonce);
    const traceDa = parseElf(new Uint8Array(fs.readFileSync(path.join(fwDir, port, 'st-default.elf')))).symbols.find((s) => s.name === 'system_log_buf')?.value;
    expect(traceDa).toBeDefined();
    expect(await ask(control, 'crash hardfault')).toBe('ok\n');
    await until('crash report', () => dmesgCount('crash detected in m4: type watchdog') > 0);
    const devcds = (): string[] => (vfs.stat('/sys/class/devcoredump') === null ? [] : vfs.readdir('/sys/class/devcoredump').filter((d) => d.startsWith('devcd')));
    await until('devcoredump', () => devcds().length > 0, 30000);
    const dev = devcds()[0];
    const core = parseElf(await vfs.readFile(`/sys/class/devcoredump/${dev}/data`));
    expect(core.header.type).toBe(4); // ET_CORE
    const seg = core.segments.find((s) => s.type === 1 && s.vaddr === traceDa);
    expect(seg).toBeDefined();
    const log = Buffer.from(core.bytes.subarray(seg!.offset, seg!.offset + seg!.filesz)).toString('latin1');
    expect(log).toContain(nonce);
    expect(log).toContain('[ERR  ] crash hardfault requested');
    await until('recovered', () => dmesgCount('remote processor m4 is now up') >= 2);
  });
});
});
