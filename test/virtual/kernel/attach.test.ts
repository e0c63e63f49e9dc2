// remoteproc.md §1.3 (attach/detach rows), §1.4, §4, §7.2, §7.3: a core the boot loader started, attached and detached by Linux.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadProfile } from '../../../harness/config';
import { MP15, MP25, dmesg, disposeBoards, exists, firmwareImage, makeBoard, makeDetachedBoard, oldEra, openTty, read, readErr, stTable, until, write, type TestBoard } from './fixtures';

afterAll(disposeBoards);

const BANNER = 'rproc-hil test firmware';

/** the firmware's own log in device memory (system_log_buf), read straight from the core */
function coreLog(b: TestBoard, map = MP15): string {
  const bytes = b.cop.readMemory(map.log, map.logSize) ?? new Uint8Array();
  const nul = bytes.indexOf(0);
  return Buffer.from(nul < 0 ? bytes : bytes.subarray(0, nul)).toString('latin1');
}

const count = (text: string, word: string) => text.split(word).length - 1;

/** console lines the core prints from now on (a restart prints the banner again) */
function consoleFrom(b: TestBoard): string[] {
  const lines: string[] = [];
  b.cop.on('console', (l) => lines.push(l));
  return lines;
}

async function attached(profile = 'virtual-mp157'): Promise<TestBoard> {
  const map = profile === 'virtual-mp257' ? MP25 : MP15;
  const b = await makeDetachedBoard(profile, firmwareImage({ map, table: stTable(map) }), { autoBoot: true });
  expect(await read(b, `${b.sys}/state`)).toBe('attached\n');
  return b;
}

describe('remoteproc.md §7.2 a core started by U-Boot', () => {
  test('remoteproc.md §7.2 probe state is detached, the image runs, nothing was loaded by Linux', async () => {
    const b = await makeDetachedBoard('virtual-mp157', firmwareImage());
    expect(await read(b, `${b.sys}/state`)).toBe('detached\n');
    expect(await read(b, `${b.sys}/firmware`)).toBe('fw.elf\n');
    const lines = dmesg(b);
    expect(lines).toContain('remoteproc remoteproc0: m4 is available');
    expect(lines.some((l) => /powering up|Booting fw image|attaching to/.test(l))).toBe(false);
    expect(coreLog(b)).toContain(BANNER);
    // remoteproc.md §4: no trace files before the attach
    expect(exists(b, `${b.dbg}/trace0`)).toBe(false);
    expect(await write(b, `${b.sys}/firmware`, 'other.elf\n')).toBe('EBUSY');
  });

  test('remoteproc.md §7.2 st,auto-boot attaches at once: attaching to m4 / remote processor m4 is now attached', async () => {
    const b = await attached();
    const lines = dmesg(b);
    const available = lines.indexOf('remoteproc remoteproc0: m4 is available');
    const attaching = lines.indexOf('remoteproc remoteproc0: attaching to m4');
    const now = lines.indexOf('remoteproc remoteproc0: remote processor m4 is now attached');
    expect(available).toBeGreaterThanOrEqual(0);
    expect(attaching).toBeGreaterThan(available);
    expect(now).toBeGreaterThan(attaching);
    expect(lines.slice(attaching, now)).toContain('virtio_rpmsg_bus virtio0: rpmsg host is online');
    expect(lines.some((l) => /powering up|Booting fw image/.test(l))).toBe(false);
  });

  test('remoteproc.md §7.2 with bootState offline (the default) the core is off at probe', async () => {
    const b = await makeBoard();
    expect(await read(b, `${b.sys}/state`)).toBe('offline\n');
    expect(coreLog(b)).toBe('');
  });
});

describe('remoteproc.md §7.2 profile key virtual.bootState', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'attach-profile-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const profileFile = (name: string, bootState: string) => {
    const file = path.join(dir, `${name}.yaml`);
    writeFileSync(file, `extends: virtual-mp157\nfirmware: { defaultName: st-default.elf, autoBoot: st-default.elf }\nvirtual: { bootState: ${bootState} }\n`);
    return file;
  };

  test('remoteproc.md §7.2 a profile extending virtual-mp157 sets bootState detached and keeps the base virtual keys', () => {
    const p = loadProfile(profileFile('my-detached', 'detached'));
    expect(p.virtual?.bootState).toBe('detached');
    expect(p.virtual?.coprocessor).toBe('model');
    expect(p.firmware.autoBoot).toBe('st-default.elf');
  });

  test('remoteproc.md §7.2 any other bootState is refused, naming the key', () => {
    expect(() => loadProfile(profileFile('my-bad', 'running'))).toThrow(/virtual\.bootState: expected one of 'offline', 'detached', found "running"/);
  });
});

describe('remoteproc.md §1.3 start in detached → attach', () => {
  test('remoteproc.md §1.3 start in detached attaches without a firmware load; trace0 and ttys come up, the core is not restarted', async () => {
    const b = await makeDetachedBoard('virtual-mp157', firmwareImage());
    const before = coreLog(b);
    const printed = consoleFrom(b);
    const mark = b.kernel.dmesgLines().length;
    expect(await write(b, `${b.sys}/state`, 'start\n')).toBeNull();
    expect(await read(b, `${b.sys}/state`)).toBe('attached\n');
    const lines = dmesg(b, mark);
    expect(lines[0]).toBe('remoteproc remoteproc0: attaching to m4');
    expect(lines).toContain('remoteproc remoteproc0: remote processor m4 is now attached');
    expect(lines.some((l) => /powering up|Booting fw image|is now up/.test(l))).toBe(false);
    // remoteproc.md §4: trace files are created on attach; the log is the one the running firmware wrote since U-Boot
    const trace = await read(b, `${b.dbg}/trace0`);
    expect(trace.startsWith(before)).toBe(true);
    expect(count(trace, BANNER)).toBe(1);
    expect(printed.some((l) => l.includes(BANNER))).toBe(false);
    await until(b, () => exists(b, '/dev/ttyRPMSG0') && exists(b, '/dev/ttyRPMSG1'), 'ttys after attach');
    const t = openTty(b, '/dev/ttyRPMSG1');
    await t.stream.write(Buffer.from('ping\n'));
    await until(b, () => t.text().endsWith('\n'), 'pong');
    t.stream.close();
    expect(t.text()).toBe('pong\n');
  });

  test('remoteproc.md §1.4 firmware reads unknown while attached', async () => {
    const b = await attached();
    expect(await read(b, `${b.sys}/firmware`)).toBe('unknown\n');
    expect(await write(b, `${b.sys}/firmware`, 'other.elf\n')).toBe('EBUSY');
  });

  test('remoteproc.md §1.3 start while attached (new rules) takes a power reference: the first stop keeps it attached', async () => {
    const b = await attached();
    expect(await write(b, `${b.sys}/state`, 'start\n')).toBeNull();
    expect(await write(b, `${b.sys}/state`, 'stop\n')).toBeNull();
    expect(await read(b, `${b.sys}/state`)).toBe('attached\n');
    expect(await write(b, `${b.sys}/state`, 'stop\n')).toBeNull();
    expect(await read(b, `${b.sys}/state`)).toBe('offline\n');
  });

  test('remoteproc.md §1.3 old rules: start while attached is EBUSY', async () => {
    const b = await makeDetachedBoard('virtual-mp157', firmwareImage(), { autoBoot: true, tweak: oldEra });
    expect(await read(b, `${b.sys}/state`)).toBe('attached\n');
    expect(await write(b, `${b.sys}/state`, 'start\n')).toBe('EBUSY');
    expect(await read(b, `${b.sys}/state`)).toBe('attached\n');
  });
});

describe('remoteproc.md §1.3 stop / detach in attached', () => {
  test('remoteproc.md §1.3 stop in attached really stops the core → offline, stopped remote processor m4', async () => {
    const b = await attached();
    await until(b, () => exists(b, '/dev/ttyRPMSG0'), 'tty');
    const tty = openTty(b, '/dev/ttyRPMSG0');
    const mark = b.kernel.dmesgLines().length;
    expect(await write(b, `${b.sys}/state`, 'stop\n')).toBeNull();
    expect(await read(b, `${b.sys}/state`)).toBe('offline\n');
    expect(dmesg(b, mark)).toContain('remoteproc remoteproc0: stopped remote processor m4');
    expect(coreLog(b)).toContain('shutdown requested');
    expect(exists(b, `${b.dbg}/trace0`)).toBe(false);
    expect(tty.hungUp()).toBe(true);
    expect(await read(b, `${b.sys}/firmware`)).toBe('fw.elf\n');
    // a later start is a normal boot from /lib/firmware
    const again = b.kernel.dmesgLines().length;
    expect(await write(b, `${b.sys}/state`, 'start\n')).toBeNull();
    expect(dmesg(b, again)).toContain('remoteproc remoteproc0: powering up m4');
    expect(await read(b, `${b.sys}/state`)).toBe('running\n');
  });

  test('remoteproc.md §1.3 detach in attached → detached: trace files removed, ttys hung up, the core keeps running', async () => {
    const b = await attached();
    await until(b, () => exists(b, '/dev/ttyRPMSG0'), 'tty');
    const tty = openTty(b, '/dev/ttyRPMSG0');
    const mark = b.kernel.dmesgLines().length;
    expect(await write(b, `${b.sys}/state`, 'detach\n')).toBeNull();
    expect(await read(b, `${b.sys}/state`)).toBe('detached\n');
    expect(dmesg(b, mark)).toContain('remoteproc remoteproc0: detached remote processor m4');
    expect(dmesg(b, mark).some((l) => l.includes('stopped remote processor'))).toBe(false);
    expect(exists(b, `${b.dbg}/trace0`)).toBe(false);
    expect(tty.hungUp()).toBe(true);
    expect(coreLog(b)).not.toContain('shutdown requested');
    // attach again: same running firmware, ttys come back
    const printed = consoleFrom(b);
    expect(await write(b, `${b.sys}/state`, 'start\n')).toBeNull();
    expect(await read(b, `${b.sys}/state`)).toBe('attached\n');
    expect(count(await read(b, `${b.dbg}/trace0`), BANNER)).toBe(1);
    await until(b, () => exists(b, '/dev/ttyRPMSG0'), 'tty after re-attach');
    expect(printed.some((l) => l.includes(BANNER))).toBe(false);
  });

  test('remoteproc.md §7.3 MP25: TEE ops have no detach, detach in attached is EINVAL and the core stays attached', async () => {
    const b = await attached('virtual-mp257');
    expect(coreLog(b, MP25)).toContain(BANNER);
    expect(await write(b, `${b.sys}/state`, 'detach\n')).toBe('EINVAL');
    expect(await read(b, `${b.sys}/state`)).toBe('attached\n');
    expect(exists(b, `${b.dbg}/trace0`)).toBe(true);
  });

  test('remoteproc.md §1.3 detach in any other state is EINVAL', async () => {
    const off = await makeBoard();
    expect(await write(off, `${off.sys}/state`, 'detach\n')).toBe('EINVAL');
    expect(await read(off, `${off.sys}/state`)).toBe('offline\n');
    const det = await makeDetachedBoard('virtual-mp157', firmwareImage());
    expect(await write(det, `${det.sys}/state`, 'detach\n')).toBe('EINVAL');
    expect(await read(det, `${det.sys}/state`)).toBe('detached\n');
    // stop in detached: EINVAL, no dmesg line
    const mark = det.kernel.dmesgLines().length;
    expect(await write(det, `${det.sys}/state`, 'stop\n')).toBe('EINVAL');
    expect(dmesg(det, mark)).toEqual([]);
    const run = await makeBoard();
    await write(run, `${run.sys}/firmware`, 'fw.elf\n');
    await run.fs.writeFile('/lib/firmware/fw.elf', firmwareImage());
    expect(await write(run, `${run.sys}/state`, 'start\n')).toBeNull();
    expect(await write(run, `${run.sys}/state`, 'detach\n')).toBe('EINVAL');
    expect(await readErr(run, `${run.sys}/state`)).toBe('running\n');
  });
});
