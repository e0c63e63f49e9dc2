// The test firmware running for real in the QEMU twin: boot, name service, echo, control, trace, crash, stop/start, cleanup.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeWithTools, TOOLS } from '../../../helpers/tools';
import { TwinCoprocessor } from '../../../../harness/virtual/coprocessor/twin';
import type { BootImage } from '../../../../harness/virtual/coprocessor/types';
import type { ResourceTable } from '../../../../harness/firmware/types';
import { announcements, bootImageOf, buildFirmware, HOST_ADDR, loadProfile, pgrep, request, sendAll, traceText, waitForEvent } from './twin-rig';

const PORTS = [
  { port: 'qemu-m4', board: 'twin-mp157', soc: 'stm32mp15', ctl: 0x21f00000 },
  { port: 'qemu-m33', board: 'twin-mp257', soc: 'stm32mp25', ctl: 0x80f00000 },
] as const;
const VARIANTS = ['st-default', 'vring-4', 'vring-8', 'no-table'];
const EPT_ECHO = 0x0;
const EPT_CONTROL = 0x1;

jest.setTimeout(60000);

describeWithTools([TOOLS.qemu, TOOLS.armGcc, TOOLS.make], 'TwinCoprocessor running the test firmware in QEMU (qemu-twin.md, TWIN-PROTOCOL.md)', () => {
  let fwDir = '';
  let stateDir = '';
  const twins: TwinCoprocessor[] = [];

  beforeAll(() => {
    fwDir = buildFirmware(PORTS.map((p) => p.port), VARIANTS);
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-state-'));
  }, 180000);

  afterAll(async () => {
    await Promise.all(twins.map((t) => t.dispose()));
    fs.rmSync(fwDir, { recursive: true, force: true });
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  function newTwin(board: string): TwinCoprocessor {
    const twin = new TwinCoprocessor({ profile: loadProfile(board), stateDir });
    twins.push(twin);
    return twin;
  }

  describe.each(PORTS)('$port on $board', ({ port, board, soc, ctl }) => {
    let twin: TwinCoprocessor;
    let image: BootImage;

    beforeAll(async () => {
      twin = newTwin(board);
      image = bootImageOf(path.join(fwDir, port, 'st-default.elf'), loadProfile(board));
      const ns = announcements(twin, 2);
      await twin.start(image);
      await ns;
    });

    test('boot: the firmware announces rpmsg-tty at 0x0 (echo) then 0x1 (control) and prints its boot line', async () => {
      twin.removeAllListeners();
      await twin.stop();
      const ns = announcements(twin, 2);
      const bootLine = waitForEvent(twin, 'console', (l) => (l.includes('rproc-hil test firmware variant=st-default') ? l : undefined), 'boot line');
      await twin.start(image);
      expect(await ns).toEqual([
        { name: 'rpmsg-tty', addr: 0x0, flags: 0 },
        { name: 'rpmsg-tty', addr: 0x1, flags: 0 },
      ]);
      expect(await bootLine).toContain(`port=${port} soc=${soc}`);
    });

    test.each([1, 16, 496])('echo returns %i bytes unchanged from address 0x0', async (n) => {
      const payload = Buffer.alloc(n);
      for (let i = 0; i < n; i++) payload[i] = (i * 7 + n) & 0xff;
      const reply = await request(twin, EPT_ECHO, payload);
      expect(reply.equals(payload)).toBe(true);
    });

    test('a 1,000-message burst on the echo channel comes back complete and in order (send false = wait for a TX buffer)', async () => {
      const n = 1000;
      const got: string[] = [];
      const all = waitForEvent(twin, 'message', (m) => (m.src === EPT_ECHO && got.push(Buffer.from(m.payload).toString()) === n ? got : undefined), 'burst echo', 60000);
      for (let i = 0; i < n; i++) await sendAll(twin, { src: HOST_ADDR, dst: EPT_ECHO, payload: Buffer.from(`burst ${i}`) });
      expect(await all).toEqual(Array.from({ length: n }, (_, i) => `burst ${i}`));
    });

    test('control: ping -> pong, info names variant, build and soc, log -> ok and the line is in the trace buffer', async () => {
      expect((await request(twin, EPT_CONTROL, 'ping')).toString()).toBe('pong\n');
      expect((await request(twin, EPT_CONTROL, 'info')).toString()).toMatch(new RegExp(`^info variant=st-default build=[0-9a-f]{8} soc=${soc} vrings=16 trace=1\\n$`));
      expect((await request(twin, EPT_CONTROL, 'log hello from the host')).toString()).toBe('ok\n');
      expect(traceText(twin, image)).toMatch(/\[\d{5}\.\d{3}\]\[INFO \] hello from the host/);
    });

    test('the echo channel does not answer ping with pong (which tty is which is found by asking)', async () => {
      expect((await request(twin, EPT_ECHO, 'ping')).toString()).toBe('ping');
    });

    test('crash hardfault: ok, then the watchdog fires and the twin reports a watchdog crash; the trace keeps the fault', async () => {
      const crash = waitForEvent(twin, 'crash', (c) => c, 'watchdog crash after crash hardfault');
      expect((await request(twin, EPT_CONTROL, 'crash hardfault')).toString()).toBe('ok\n');
      expect(await crash).toEqual({ type: 'watchdog' });
      const trace = traceText(twin, image);
      expect(trace).toMatch(/\[ERR {2}\] crash hardfault requested/);
      expect(trace).toMatch(/hardfault pc=0x[0-9a-f]{8} cfsr=0x[0-9a-f]{8}/);
      expect(twin.state).toBe('crashed');
      // TWIN-PROTOCOL.md control block: fault_kind 1 (HardFault), CFSR UNDEFINSTR, HFSR FORCED, as read by the host
      expect(twin.controlBlock()).toMatchObject({ watchdogArmed: true, faultKind: 1, faultCfsr: 0x10000, faultHfsr: 0x40000000 });
      const raw = Buffer.from(twin.readMemory(ctl + 0x10, 4) ?? []);
      expect(raw.readUInt32LE(0)).toBe(1);
      // the watchdog pause froze the core in its NMI handler (qemu-twin.md §5.3): the registers are evidence
      expect(await twin.cpuRegisters()).toMatch(/R15=[0-9a-f]{8}/);
    });

    test('memory outside the window is read from the snapshot taken while the core was frozen: the vector table', () => {
      const vectorsDa = image.elf.segments.find((s) => s.type === 1 && (s.flags & 1) !== 0)?.paddr ?? -1;
      const seg = twin.readMemory(vectorsDa, 8);
      expect(seg).not.toBeNull();
      const b = Buffer.from(seg ?? []);
      const elfBytes = Buffer.from(image.elf.bytes);
      const text = image.elf.segments.find((s) => s.paddr === vectorsDa);
      expect(b.equals(elfBytes.subarray(text?.offset ?? 0, (text?.offset ?? 0) + 8))).toBe(true);
      expect(twin.readMemory(0x60000000, 4)).toBeNull();
    });

    test('stop after a crash, then start again: the firmware boots afresh and echoes', async () => {
      await twin.stop();
      expect(twin.state).toBe('stopped');
      const ns = announcements(twin, 2);
      await twin.start(image);
      await ns;
      expect((await request(twin, EPT_ECHO, 'again')).toString()).toBe('again');
    });

    test('stop is acknowledged by the firmware (shutdown echo), and a second start works on the same QEMU', async () => {
      const pid = twin.qemuPid;
      const parked = waitForEvent(twin, 'console', (l) => (l.includes('shutdown requested') ? l : undefined), 'shutdown line');
      await twin.stop();
      await parked;
      expect(twin.diagnostics).not.toContain('warning: remote FW shutdown without ack');
      const ns = announcements(twin, 2);
      await twin.start(image);
      await ns;
      expect(twin.qemuPid).toBe(pid);
      expect((await request(twin, EPT_CONTROL, 'ping')).toString()).toBe('pong\n');
    });

    test('injectCrash(watchdog) writes crash_request in the control block: the firmware hangs until its watchdog fires (TWIN-PROTOCOL.md)', async () => {
      const crash = waitForEvent(twin, 'crash', (c) => c, 'watchdog crash after injectCrash');
      twin.injectCrash('watchdog');
      expect(await crash).toEqual({ type: 'watchdog' });
      const faultKind = Buffer.from(twin.readMemory(ctl + 0x10, 4) ?? []).readUInt32LE(0);
      expect(faultKind).toBe(2); // the firmware's own `crash watchdog` path recorded the hang
      expect(twin.diagnostics.join('\n')).not.toContain('core frozen with QMP stop');
      await twin.stop();
    });

    test.each([
      ['vring-4', 4],
      ['vring-8', 8],
    ])('%s: a frozen firmware leaves exactly %i TX buffers, then back-pressure carries a 200-message burst', async (variant, num) => {
      const small = bootImageOf(path.join(fwDir, port, `${variant}.elf`), loadProfile(board));
      const ns = announcements(twin, 2);
      await twin.start(small);
      await ns;
      await twin.pause();
      let accepted = 0;
      while (twin.send({ src: HOST_ADDR, dst: EPT_ECHO, payload: Buffer.from(`held ${accepted}`) })) accepted++;
      expect(accepted).toBe(num);
      const got: string[] = [];
      const total = num + 200;
      const all = waitForEvent(twin, 'message', (m) => (got.push(Buffer.from(m.payload).toString()) === total ? got : undefined), 'vring burst');
      await twin.resume();
      for (let i = 0; i < 200; i++) await sendAll(twin, { src: HOST_ADDR, dst: EPT_ECHO, payload: Buffer.from(`more ${i}`) });
      expect(await all).toEqual([...Array.from({ length: num }, (_, i) => `held ${i}`), ...Array.from({ length: 200 }, (_, i) => `more ${i}`)]);
      await twin.stop();
    });

    test('no-table: the core runs without rpmsg (no announcement), send is refused', async () => {
      const plain = bootImageOf(path.join(fwDir, port, 'no-table.elf'), loadProfile(board));
      expect(plain.table).toBeNull();
      const line = waitForEvent(twin, 'console', (l) => (l.includes('no vdev: running without rpmsg') ? l : undefined), 'no-vdev line');
      let announced = 0;
      twin.on('announce', () => announced++);
      await twin.start(plain);
      await line;
      expect(announced).toBe(0);
      expect(() => twin.send({ src: HOST_ADDR, dst: 0, payload: Buffer.from('x') })).toThrow('send() without an rpmsg device');
      await twin.stop();
    });

    test('a firmware that never acks the shutdown (frozen core) is stopped anyway, and the next start uses a fresh QEMU', async () => {
      const ns = announcements(twin, 2);
      await twin.start(image);
      await ns;
      const pid = twin.qemuPid;
      await twin.pause();
      await twin.stop();
      expect(twin.diagnostics).toContain('warning: remote FW shutdown without ack');
      // the shutdown byte still waits in the old QEMU's socket: a reset in place would hand it to the new boot
      const again = announcements(twin, 2);
      await twin.start(image);
      await again;
      expect(twin.qemuPid).not.toBe(pid);
      expect((await request(twin, EPT_CONTROL, 'ping')).toString()).toBe('pong\n');
      await twin.stop();
    });

    test('dispose ends QEMU and removes the shared window file', async () => {
      const shm = twin.shmPath;
      expect(pgrep(shm)).not.toBe('');
      await twin.dispose();
      expect(pgrep(shm)).toBe('');
      expect(fs.existsSync(shm)).toBe(false);
      expect(twin.readMemory(0x21000000, 4)).toBeNull();
    });
  });
});

describe('TwinCoprocessor without QEMU', () => {
  function fakeImage(over: Partial<BootImage> & { machine?: number } = {}): BootImage {
    return {
      firmwareName: 'x.elf',
      elf: { bytes: new Uint8Array(64), header: { class: 32, machine: over.machine ?? 40 }, sections: [], segments: [], symbols: [] },
      table: null,
      vrings: [],
      bufferDa: null,
      nameService: false,
      ...over,
    } as unknown as BootImage;
  }

  test('a resource table outside the shared window is refused before QEMU starts, saying where to link it', async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-notable-'));
    const twin = new TwinCoprocessor({ profile: loadProfile('twin-mp157'), stateDir });
    const table: ResourceTable = { address: 0x10020000, size: 0x8c, version: 1, num: 0, reserved: [0, 0], offsets: [], entries: [] };
    try {
      await expect(twin.start(fakeImage({ table }))).rejects.toMatchObject({
        code: 'E_RSC',
        message:
          'the resource table at 0x10020000 (140 bytes) is outside the twin\'s shared window: link .resource_table into the window (firmware/TWIN-PROTOCOL.md "Memory maps")',
      });
      expect(twin.qemuPid).toBeUndefined();
    } finally {
      await twin.dispose();
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });

  test('an ELF for another architecture is refused with its e_machine', async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-notarm-'));
    const twin = new TwinCoprocessor({ profile: loadProfile('twin-mp157'), stateDir });
    try {
      await expect(twin.start(fakeImage({ machine: 183 }))).rejects.toMatchObject({
        code: 'E_ELF',
        message: 'x.elf: the twin runs 32-bit ARM ELF files only (e_machine 183)',
      });
    } finally {
      await twin.dispose();
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });

  test('a missing qemu-system-arm is an E_TOOL error naming the Debian package', async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-noqemu-'));
    const oldPath = process.env.PATH;
    const twin = new TwinCoprocessor({ profile: loadProfile('twin-mp157'), stateDir });
    const image = fakeImage();
    process.env.PATH = '/nonexistent';
    try {
      await expect(twin.start(image)).rejects.toMatchObject({
        code: 'E_TOOL',
        message: 'qemu-system-arm not found: apt-get install --no-install-recommends qemu-system-arm',
      });
    } finally {
      process.env.PATH = oldPath;
      await twin.dispose();
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
