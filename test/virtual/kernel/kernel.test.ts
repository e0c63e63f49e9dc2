// DESIGN §5 kernel model: boot-time files, the dmesg ring, auto-boot, reboot, fault knobs and MP15/MP25 differences.
import { loadProfile } from '../../../harness/config';
import { MemFs } from '../../../harness/virtual/fs/memfs';
import { KernelModel, formatTimestamp } from '../../../harness/virtual/kernel';
import { ModelCoprocessor } from '../../../harness/virtual/coprocessor/model';
import { MP25, dmesg, disposeBoards, exists, firmwareImage, makeBoard, read, start, stTable, until, write } from './fixtures';

afterAll(disposeBoards);

describe('kernel model boot', () => {
  test('firmware.md §6 /proc/device-tree/compatible is NUL-separated with a trailing NUL', async () => {
    const b = await makeBoard('virtual-mp157');
    expect(await read(b, '/proc/device-tree/compatible')).toBe('st,stm32mp157f-dk2\0st,stm32mp157\0');
    const m = await makeBoard('virtual-mp257');
    expect(await read(m, '/proc/device-tree/compatible')).toBe('st,stm32mp257f-ev1\0st,stm32mp257\0');
    expect(await read(m, '/proc/device-tree/model')).toBe('STMicroelectronics STM32MP257F-EV1 Evaluation Board\0');
  });

  test('DESIGN §5 uname and /proc/version carry the profile kernel release; /etc/os-release exists', async () => {
    const b = await makeBoard();
    const host = b.kernel.shellHost();
    expect(host.uname).toMatchObject({ sysname: 'Linux', nodename: 'stm32mp1', release: '6.6.48-stm32mp-r1', machine: 'armv7l' });
    expect(await read(b, '/proc/version')).toMatch(/^Linux version 6\.6\.48-stm32mp-r1 \(/);
    expect(await read(b, '/etc/os-release')).toMatch(/^ID=openstlinux-weston\n/);
    for (const d of ['/run', '/tmp', '/var/crash', '/lib/firmware']) expect(b.fs.stat(d)?.type).toBe('dir');
  });

  test('DESIGN §5 /lib/firmware has the profile quota: a write beyond it fails with ENOSPC', async () => {
    const b = await makeBoard('virtual-mp157', (p) => ({ ...p, virtual: { ...p.virtual!, firmwareQuotaBytes: 4096 } }));
    expect(await write(b, '/lib/firmware/big.elf', 'x'.repeat(5000))).toBe('ENOSPC');
    expect(await write(b, '/tmp/big.bin', 'x'.repeat(5000))).toBeNull();
  });

  test('remoteproc.md §1.3 dmesg lines carry printk timestamps "[%5lu.%06lu] " and the device prefix', async () => {
    const b = await makeBoard();
    expect(formatTimestamp(0)).toBe('[    0.000000] ');
    expect(formatTimestamp(2_345_678)).toBe('[    2.345678] ');
    expect(formatTimestamp(123_456_789_012)).toBe('[123456.789012] ');
    const lines = b.kernel.dmesgLines();
    expect(lines[0]).toBe('[    0.000000] Booting Linux on physical CPU 0x0');
    expect(lines).toContain('[    2.345678] remoteproc remoteproc0: m4 is available');
    expect(lines).toContain('[    2.345678] stm32-rproc 10000000.m4: wdg irq registered');
    expect(b.kernel.shellHost().dmesg()).toBe(`${lines.join('\n')}\n`);
  });

  test('DESIGN §5 dmesg -c empties the ring after printing it; onDmesg mirrors new lines', async () => {
    const b = await makeBoard();
    const mirrored: string[] = [];
    const off = b.kernel.onDmesg((l) => mirrored.push(l));
    const host = b.kernel.shellHost();
    expect(host.dmesg({ clear: true })).toContain('m4 is available');
    expect(host.dmesg()).toBe('');
    await write(b, `${b.sys}/state`, 'bogus');
    expect(mirrored.map((l) => l.replace(/^\[[ \d.]+\] /, ''))).toEqual(['remoteproc remoteproc0: Unrecognised option: bogus']);
    off();
  });

  test('firmware.md §3.5 profile firmware.autoBoot starts the firmware during boot', async () => {
    const profile = { ...loadProfile('virtual-mp157'), firmware: { ...loadProfile('virtual-mp157').firmware, autoBoot: 'auto.elf' } };
    const fs = new MemFs();
    await fs.writeFile('/lib/firmware/auto.elf', firmwareImage());
    const cop = new ModelCoprocessor({ memory: profile.coprocessor.memory });
    const kernel = new KernelModel({ profile, fs, coprocessor: () => cop });
    try {
      await kernel.boot();
      expect(Buffer.from(await fs.readFile(`${kernel.sysfsDir}/state`)).toString()).toBe('running\n');
      expect(Buffer.from(await fs.readFile(`${kernel.sysfsDir}/firmware`)).toString()).toBe('auto.elf\n');
      const size = (await fs.readFile('/lib/firmware/auto.elf')).length;
      expect(kernel.dmesgLines().some((l) => l.endsWith(`remoteproc remoteproc0: Booting fw image auto.elf, size ${size}`))).toBe(true);
    } finally {
      await kernel.dispose();
    }
  });

  test('DESIGN §5 reset() reboots: offline, default firmware name and settings, no ttys, empty /tmp, fresh dmesg', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage());
    await until(b, () => exists(b, '/dev/ttyRPMSG0'), 'tty');
    await write(b, `${b.sys}/recovery`, 'disabled\n');
    await write(b, `${b.sys}/coredump`, 'enabled\n');
    b.fs.mkdir('/tmp/upload', { recursive: true });
    await write(b, '/tmp/upload/fw.elf', 'x');
    await b.kernel.reset();
    // tmpfs is empty after a reboot, the rootfs keeps its files
    expect(b.fs.readdir('/tmp')).toEqual([]);
    expect(exists(b, '/lib/firmware/fw.elf')).toBe(true);
    expect(await read(b, `${b.sys}/state`)).toBe('offline\n');
    expect(await read(b, `${b.sys}/firmware`)).toBe('rproc-m4-fw\n');
    expect(await read(b, `${b.sys}/recovery`)).toBe('enabled\n');
    expect(await read(b, `${b.sys}/coredump`)).toBe('disabled\n');
    expect(exists(b, '/dev/ttyRPMSG0')).toBe(false);
    expect(dmesg(b)[0]).toBe('Booting Linux on physical CPU 0x0');
    expect(dmesg(b).some((l) => l.includes('powering up'))).toBe(false);
    // the firmware file survives the reboot (it is on the rootfs) and starts again
    expect(await write(b, `${b.sys}/firmware`, 'fw.elf')).toBeNull();
    expect(await write(b, `${b.sys}/state`, 'start')).toBeNull();
  });

  test('DESIGN §5 fault knob hangStartMs: the start write blocks before the core comes up', async () => {
    const b = await makeBoard();
    b.kernel.faults.hangStartMs = 60_000;
    let done = false;
    const started = start(b, firmwareImage()).then((r) => {
      done = true;
      return r;
    });
    await until(b, () => dmesg(b).some((l) => l.includes('Booting fw image')), 'the start to reach the core release');
    await new Promise((r) => setTimeout(r, 30));
    expect(done).toBe(false);
    expect(dmesg(b).some((l) => l.endsWith('is now up'))).toBe(false);
    // lifting the knob releases the hung start
    b.kernel.faults.hangStartMs = 0;
    expect((await started).errno).toBeNull();
    expect(await read(b, `${b.sys}/state`)).toBe('running\n');
  });

  test('DESIGN §5 fault knob injectCrash: the firmware faults and the watchdog report drives recovery', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage());
    b.kernel.injectCrash('hardfault');
    await until(b, () => dmesg(b).filter((l) => l.endsWith('is now up')).length === 2, 'recovery');
    expect(dmesg(b)).toContain('remoteproc remoteproc0: crash detected in m4: type watchdog');
  });

  test('remoteproc.md §7.3 MP25: m33 everywhere, no wdg irq line, vrings in the MP25 vdev0vring carveouts', async () => {
    const b = await makeBoard('virtual-mp257');
    expect(b.kernel.shellHost().uname.machine).toBe('aarch64');
    expect(dmesg(b)).not.toContain('stm32-rproc m33@0: wdg irq registered');
    expect(dmesg(b)).toContain('remoteproc remoteproc0: m33 is available');
    const { mark } = await start(b, firmwareImage({ map: MP25, table: stTable(MP25) }));
    expect(dmesg(b, mark)[0]).toBe('remoteproc remoteproc0: powering up m33');
    expect(await read(b, `${b.dbg}/resource_table`)).toContain('    Device Address 0x812f8000\n');
    expect(await read(b, `${b.dbg}/trace0`)).toMatch(/soc=stm32mp25\n/);
  });
});

describe('remoteproc.md §1.1 instance index', () => {
  test('remoteproc.md §1.1 the rproc index is configurable: remoteproc1 everywhere, prefixes included', async () => {
    const profile = loadProfile('virtual-mp257');
    const fs = new MemFs();
    const kernel = new KernelModel({ profile, fs, coprocessor: () => ModelCoprocessor.forProfile(profile), rprocIndex: 1 });
    try {
      await kernel.boot();
      expect(fs.readdir('/sys/class/remoteproc')).toEqual(['remoteproc1']);
      expect(fs.readdir('/sys/kernel/debug/remoteproc')).toEqual(['remoteproc1']);
      expect(kernel.sysfsDir).toBe('/sys/class/remoteproc/remoteproc1');
      await fs.writeFile(`${kernel.sysfsDir}/state`, Buffer.from('stop')).catch(() => undefined);
      await fs.writeFile(`${kernel.sysfsDir}/state`, Buffer.from('halt\n')).catch(() => undefined);
      expect(kernel.dmesgLines().some((l) => l.endsWith('remoteproc remoteproc1: Unrecognised option: halt'))).toBe(true);
      expect(kernel.dmesgLines().some((l) => l.endsWith('remoteproc remoteproc1: m33 is available'))).toBe(true);
    } finally {
      await kernel.dispose();
    }
  });
});
