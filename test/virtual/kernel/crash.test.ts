// remoteproc.md §5: crash reports, recovery, coredump and /sys/class/devcoredump in the kernel model.
import { MP15, MP25, dmesg, disposeBoards, exists, firmwareImage, install, makeBoard, openTty, read, start, stTable, until, write, type TestBoard } from './fixtures';

afterAll(disposeBoards);

const state = (b: TestBoard) => read(b, `${b.sys}/state`);
const upCount = (b: TestBoard) => b.kernel.dmesgLines().filter((l) => l.endsWith('remote processor m4 is now up')).length;

async function controlCrash(b: TestBoard, kind: 'watchdog' | 'hardfault' = 'watchdog'): Promise<void> {
  await until(b, () => exists(b, '/dev/ttyRPMSG1'), 'control tty');
  expect(await write(b, '/dev/ttyRPMSG1', `crash ${kind}\n`)).toBeNull();
}

function u32(bytes: Uint8Array, off: number): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readUInt32LE(off);
}

function u16(bytes: Uint8Array, off: number): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readUInt16LE(off);
}

describe('remoteproc.md §5.1 crash flow', () => {
  test('remoteproc.md §5.1 recovery disabled: crash detected, handling crash #1, state stays crashed, ttys stay', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage());
    await until(b, () => exists(b, '/dev/ttyRPMSG1'), 'ttys');
    await write(b, `${b.sys}/recovery`, 'disabled\n');
    const mark = b.kernel.dmesgLines().length;
    await write(b, `${b.dbg}/crash`, '1\n');
    await until(b, async () => (await state(b)) === 'crashed\n', 'crashed');
    expect(dmesg(b, mark)).toEqual([
      'remoteproc remoteproc0: crash detected in m4: type watchdog',
      'remoteproc remoteproc0: handling crash #1 in m4',
    ]);
    expect(exists(b, '/dev/ttyRPMSG0')).toBe(true);
    // start: a success no-op; stop: EINVAL (remoteproc.md §1.3)
    expect(await write(b, `${b.sys}/state`, 'start\n')).toBeNull();
    expect(await write(b, `${b.sys}/state`, 'stop\n')).toBe('EINVAL');
    expect(await state(b)).toBe('crashed\n');
  });

  test('remoteproc.md §5.1 a second report while crashed is logged and ignored', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage());
    await write(b, `${b.sys}/recovery`, 'disabled\n');
    await write(b, `${b.dbg}/crash`, '1\n');
    await until(b, async () => (await state(b)) === 'crashed\n', 'crashed');
    const mark = b.kernel.dmesgLines().length;
    await write(b, `${b.dbg}/crash`, '2\n');
    await new Promise((r) => setTimeout(r, 20));
    expect(dmesg(b, mark)).toEqual(['remoteproc remoteproc0: crash detected in m4: type fatal error']);
  });

  test('remoteproc.md §5.1 recovery enabled: recovering, stop, reload, up again; ttys re-created', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage());
    await until(b, () => exists(b, '/dev/ttyRPMSG1'), 'ttys');
    const old = openTty(b, '/dev/ttyRPMSG0');
    const mark = b.kernel.dmesgLines().length;
    await write(b, `${b.dbg}/crash`, '1\n');
    await until(b, () => upCount(b) === 2, 'recovered');
    // the channel announcements of the new boot follow asynchronously
    expect(dmesg(b, mark).filter((l) => !l.includes('creating channel'))).toEqual([
      'remoteproc remoteproc0: crash detected in m4: type watchdog',
      'remoteproc remoteproc0: handling crash #1 in m4',
      'remoteproc remoteproc0: recovering m4',
      'remoteproc remoteproc0: stopped remote processor m4',
      'virtio_rpmsg_bus virtio0: rpmsg host is online',
      'rproc-virtio rproc-virtio.0.auto: registered virtio0 (type 7)',
      'remoteproc remoteproc0: remote processor m4 is now up',
    ]);
    expect(old.hungUp()).toBe(true);
    expect(await state(b)).toBe('running\n');
    await until(b, () => exists(b, '/dev/ttyRPMSG0') && exists(b, '/dev/ttyRPMSG1'), 'ttys again');
    const t = openTty(b, '/dev/ttyRPMSG1');
    await t.stream.write(Buffer.from('ping\n'));
    await until(b, () => t.text() === 'pong\n', 'pong after recovery');
  });

  test('remoteproc.md §5.1 the crash counter is per rproc and never reset: the second crash is #2', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage());
    await write(b, `${b.dbg}/crash`, '1\n');
    await until(b, () => upCount(b) === 2, 'first recovery');
    await write(b, `${b.dbg}/crash`, '1\n');
    await until(b, () => upCount(b) === 3, 'second recovery');
    expect(dmesg(b).filter((l) => l.includes('handling crash'))).toEqual([
      'remoteproc remoteproc0: handling crash #1 in m4',
      'remoteproc remoteproc0: handling crash #2 in m4',
    ]);
  });

  test('firmware.md §5.1 a firmware watchdog on MP15 reaches Linux: `crash watchdog` over the control tty ends in recovery', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage());
    const mark = b.kernel.dmesgLines().length;
    await controlCrash(b, 'hardfault');
    await until(b, () => upCount(b) === 2, 'recovered');
    expect(dmesg(b, mark)).toContain('remoteproc remoteproc0: crash detected in m4: type watchdog');
  });

  test('firmware.md §5.4 MP25 has no watchdog wiring: a firmware crash is not detected, the state stays running', async () => {
    const b = await makeBoard('virtual-mp257');
    await start(b, firmwareImage({ map: MP25, table: stTable(MP25) }));
    await controlCrash(b);
    await new Promise((r) => setTimeout(r, 50));
    expect(await state(b)).toBe('running\n');
    expect(b.kernel.dmesgLines().some((l) => l.includes('crash detected'))).toBe(false);
  });

  test('remoteproc.md §5.1 recovery write "enabled" while crashed recovers at once', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage());
    await write(b, `${b.sys}/recovery`, 'disabled\n');
    await write(b, `${b.dbg}/crash`, '1\n');
    await until(b, async () => (await state(b)) === 'crashed\n', 'crashed');
    expect(await write(b, `${b.sys}/recovery`, 'enabled\n')).toBeNull();
    expect(await state(b)).toBe('running\n');
    expect(dmesg(b).filter((l) => !l.includes('creating channel')).slice(-4)).toEqual([
      'remoteproc remoteproc0: stopped remote processor m4',
      'virtio_rpmsg_bus virtio0: rpmsg host is online',
      'rproc-virtio rproc-virtio.0.auto: registered virtio0 (type 7)',
      'remoteproc remoteproc0: remote processor m4 is now up',
    ]);
  });

  test('remoteproc.md §8 failed recovery (firmware file gone): offline, then start is a no-op and stop is EINVAL', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage());
    await write(b, `${b.sys}/recovery`, 'disabled\n');
    await write(b, `${b.dbg}/crash`, '1\n');
    await until(b, async () => (await state(b)) === 'crashed\n', 'crashed');
    b.fs.unlink('/lib/firmware/fw.elf');
    await write(b, `${b.sys}/recovery`, 'recover\n');
    expect(dmesg(b).slice(-3)).toEqual([
      'remoteproc remoteproc0: stopped remote processor m4',
      'remoteproc remoteproc0: Direct firmware load for fw.elf failed with error -2',
      'remoteproc remoteproc0: request_firmware failed: -2',
    ]);
    expect(await state(b)).toBe('offline\n');
    await install(b, 'fw.elf', firmwareImage());
    const mark = b.kernel.dmesgLines().length;
    expect(await write(b, `${b.sys}/state`, 'start\n')).toBeNull();
    expect(dmesg(b, mark)).toEqual([]);
    expect(await state(b)).toBe('offline\n');
    expect(await write(b, `${b.sys}/state`, 'stop\n')).toBe('EINVAL');
  });
});

describe('remoteproc.md §5.2 coredump', () => {
  test('remoteproc.md §5.2 coredump disabled: recovery makes no devcoredump', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage());
    await write(b, `${b.dbg}/crash`, '1\n');
    await until(b, () => upCount(b) === 2, 'recovered');
    expect(b.fs.readdir('/sys/class/devcoredump')).toEqual(['disabled']);
  });

  test('remoteproc.md §5.2 coredump enabled: devcd1/data is an ELF32 core with the DT regions (no vdev0buffer) and the trace', async () => {
    const b = await makeBoard();
    const code = Uint8Array.from({ length: 256 }, (_, i) => (i * 13 + 1) & 0xff);
    await start(b, firmwareImage({ code }));
    await write(b, `${b.sys}/coredump`, 'enabled\n');
    await controlCrash(b);
    await until(b, () => upCount(b) === 2, 'recovered');
    expect(b.fs.readdir('/sys/class/devcoredump/devcd1')).toContain('data');
    const core = await b.fs.readFile('/sys/class/devcoredump/devcd1/data');
    expect(Array.from(core.subarray(0, 7))).toEqual([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
    expect(u16(core, 16)).toBe(4); // ET_CORE
    expect(u16(core, 18)).toBe(0); // EM_NONE
    expect(u32(core, 24)).toBe(MP15.entry);
    expect(u32(core, 28)).toBe(52);
    const phnum = u16(core, 44);
    const segs = Array.from({ length: phnum }, (_, i) => {
      const p = 52 + 32 * i;
      return { type: u32(core, p), offset: u32(core, p + 4), vaddr: u32(core, p + 8), paddr: u32(core, p + 12),
        filesz: u32(core, p + 16), memsz: u32(core, p + 20), flags: u32(core, p + 24), align: u32(core, p + 28) };
    });
    expect(segs.map((s) => [s.vaddr, s.filesz])).toEqual([
      [0x00000000, 0x10000], [0x30000000, 0x40000], [0x10000000, 0x40000], [0x10040000, 0x1000], [0x10041000, 0x1000], [MP15.log, 0x800],
    ]);
    expect(segs[0]?.offset).toBe(0xf4);
    segs.forEach((s, i) => {
      expect(s).toMatchObject({ type: 1, paddr: s.vaddr, memsz: s.filesz, flags: 7, align: 0 });
      if (i > 0) expect(s.offset).toBe((segs[i - 1]?.offset ?? 0) + (segs[i - 1]?.filesz ?? 0));
    });
    expect(core.length).toBe((segs[5]?.offset ?? 0) + 0x800);
    // the firmware image in mcuram2 and the pre-crash log in the trace segment
    const mcuram2 = segs[2]?.offset ?? 0;
    expect(Buffer.from(core.subarray(mcuram2, mcuram2 + 256)).equals(Buffer.from(code))).toBe(true);
    const trace = segs[5]?.offset ?? 0;
    const log = Buffer.from(core.subarray(trace, trace + 0x800)).toString('latin1').split('\0')[0];
    expect(log).toMatch(/\[ERR {2}\] crash watchdog requested\n$/);
  });

  test('remoteproc.md §5.2 writing anything to devcdN/data frees the dump', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage());
    await write(b, `${b.sys}/coredump`, 'enabled\n');
    await write(b, `${b.dbg}/crash`, '1\n');
    await until(b, () => exists(b, '/sys/class/devcoredump/devcd1'), 'dump');
    expect(await write(b, '/sys/class/devcoredump/devcd1/data', '1\n')).toBeNull();
    expect(exists(b, '/sys/class/devcoredump/devcd1')).toBe(false);
    // numbering continues: the next dump is devcd2
    await until(b, () => upCount(b) === 2, 'recovered');
    await write(b, `${b.dbg}/crash`, '1\n');
    await until(b, () => exists(b, '/sys/class/devcoredump/devcd2'), 'second dump');
  });

  test('remoteproc.md §5.2 an unread dump is freed after the devcoredump timeout', async () => {
    const b = await makeBoard('virtual-mp157', (p) => ({ ...p, virtual: { ...p.virtual!, coredumpTimeoutMs: 30 } }));
    await start(b, firmwareImage());
    await write(b, `${b.sys}/coredump`, 'enabled\n');
    await write(b, `${b.dbg}/crash`, '1\n');
    await until(b, () => exists(b, '/sys/class/devcoredump/devcd1'), 'dump');
    await until(b, () => !exists(b, '/sys/class/devcoredump/devcd1'), 'dump freed by the timeout');
    expect(await state(b)).toBe('running\n');
  });

  test('remoteproc.md §5.2 inline: recovery waits (state offline) until the dump is read and released', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage());
    await write(b, `${b.sys}/coredump`, 'inline\n');
    await write(b, `${b.dbg}/crash`, '1\n');
    await until(b, () => exists(b, '/sys/class/devcoredump/devcd1'), 'dump');
    await new Promise((r) => setTimeout(r, 30));
    expect(await state(b)).toBe('offline\n');
    expect(upCount(b)).toBe(1);
    const core = await b.fs.readFile('/sys/class/devcoredump/devcd1/data');
    expect(u16(core, 16)).toBe(4);
    expect(dmesg(b)).toContain(`remoteproc remoteproc0: Ramdump done, ${core.length} bytes read`);
    await write(b, '/sys/class/devcoredump/devcd1/data', '1');
    await until(b, () => upCount(b) === 2, 'recovery after release');
    expect(await state(b)).toBe('running\n');
  });

  test('remoteproc.md §5.2 inline: a state write blocks behind the held recovery (rproc->lock)', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage());
    await write(b, `${b.sys}/coredump`, 'inline\n');
    await write(b, `${b.dbg}/crash`, '1\n');
    await until(b, () => exists(b, '/sys/class/devcoredump/devcd1'), 'dump');
    let done = false;
    const stopping = write(b, `${b.sys}/state`, 'stop\n').then((r) => {
      done = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(done).toBe(false);
    await write(b, '/sys/class/devcoredump/devcd1/data', '1');
    expect(await stopping).toBeNull();
    expect(await state(b)).toBe('offline\n');
  });

  test('remoteproc.md §5.2 a reboot while an inline dump holds the recovery drops the dump and the pending restart', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage());
    await write(b, `${b.sys}/coredump`, 'inline\n');
    await write(b, `${b.dbg}/crash`, '1\n');
    await until(b, () => exists(b, '/sys/class/devcoredump/devcd1'), 'dump');
    await b.kernel.reset();
    await new Promise((r) => setTimeout(r, 30));
    expect(exists(b, '/sys/class/devcoredump/devcd1')).toBe(false);
    expect(await state(b)).toBe('offline\n');
    expect(dmesg(b).some((l) => l.includes('is now up'))).toBe(false);
  });
});
