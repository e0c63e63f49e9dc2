// remoteproc.md §1: the sysfs attributes of the kernel model, row by row, in both kernel eras.
import { MP25, dmesg, disposeBoards, exists, firmwareImage, install, makeBoard, oldEra, read, start, stTable, until, write, type ProfileTweak } from './fixtures';

const newEra: ProfileTweak = (p) => p;

afterAll(disposeBoards);

describe('remoteproc.md §1.1 device naming', () => {
  test('remoteproc.md §1.1 the instance is remoteproc0 and its name reads "m4\\n" on MP15', async () => {
    const b = await makeBoard('virtual-mp157');
    expect(b.fs.readdir('/sys/class/remoteproc')).toEqual(['remoteproc0']);
    expect(await read(b, '/sys/class/remoteproc/remoteproc0/name')).toBe('m4\n');
    expect(b.fs.readdir(b.sys).sort()).toEqual(['coredump', 'firmware', 'name', 'recovery', 'state']);
  });

  test('remoteproc.md §1.1 the MP25 instance is named "m33"', async () => {
    const b = await makeBoard('virtual-mp257');
    expect(await read(b, `${b.sys}/name`)).toBe('m33\n');
  });

  test('remoteproc.md §1.1 name is read-only (mode 0444)', async () => {
    const b = await makeBoard();
    expect(b.fs.stat(`${b.sys}/name`)?.mode).toBe(0o444);
    expect(await write(b, `${b.sys}/name`, 'm7\n')).toBe('EACCES');
  });
});

describe('remoteproc.md §1.2 state reads', () => {
  test('remoteproc.md §1.2 state reads "offline\\n" after boot and "running\\n" after a start', async () => {
    const b = await makeBoard();
    expect(await read(b, `${b.sys}/state`)).toBe('offline\n');
    expect((await start(b, firmwareImage())).errno).toBeNull();
    expect(await read(b, `${b.sys}/state`)).toBe('running\n');
  });
});

describe('remoteproc.md §1.3 state writes, new rules (>= 5.19)', () => {
  test('remoteproc.md §1.3 new rules: start while offline boots with the kernel dmesg sequence', async () => {
    const b = await makeBoard();
    const { mark, errno } = await start(b, firmwareImage());
    expect(errno).toBeNull();
    const size = (await b.fs.readFile('/lib/firmware/fw.elf')).length;
    expect(dmesg(b, mark)).toEqual([
      'remoteproc remoteproc0: powering up m4',
      `remoteproc remoteproc0: Booting fw image fw.elf, size ${size}`,
      'virtio_rpmsg_bus virtio0: rpmsg host is online',
      'rproc-virtio rproc-virtio.0.auto: registered virtio0 (type 7)',
      'remoteproc remoteproc0: remote processor m4 is now up',
    ]);
  });

  test('remoteproc.md §1.3 new rules: start while running succeeds and increments the refcount', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage());
    const mark = b.kernel.dmesgLines().length;
    expect(await write(b, `${b.sys}/state`, 'start\n')).toBeNull();
    expect(dmesg(b, mark)).toEqual([]);
    // first stop only drops the refcount: still running, no dmesg
    expect(await write(b, `${b.sys}/state`, 'stop\n')).toBeNull();
    expect(await read(b, `${b.sys}/state`)).toBe('running\n');
    expect(dmesg(b, mark)).toEqual([]);
    expect(await write(b, `${b.sys}/state`, 'stop\n')).toBeNull();
    expect(await read(b, `${b.sys}/state`)).toBe('offline\n');
    expect(dmesg(b, mark)).toEqual(['remoteproc remoteproc0: stopped remote processor m4']);
  });

  test('remoteproc.md §1.3 new rules: stop while offline is EINVAL with no dmesg line', async () => {
    const b = await makeBoard();
    const mark = b.kernel.dmesgLines().length;
    expect(await write(b, `${b.sys}/state`, 'stop\n')).toBe('EINVAL');
    expect(dmesg(b, mark)).toEqual([]);
  });

  test('remoteproc.md §1.3 keywords use sysfs_streq: no newline works, a trailing space does not', async () => {
    const b = await makeBoard();
    await install(b, 'fw.elf', firmwareImage());
    await write(b, `${b.sys}/firmware`, 'fw.elf');
    expect(await write(b, `${b.sys}/state`, 'start')).toBeNull();
    expect(await read(b, `${b.sys}/state`)).toBe('running\n');
    const mark = b.kernel.dmesgLines().length;
    expect(await write(b, `${b.sys}/state`, 'stop \n')).toBe('EINVAL');
    expect(dmesg(b, mark)[0]).toBe('remoteproc remoteproc0: Unrecognised option: stop ');
  });

  test('remoteproc.md §1.3 other text is EINVAL with "Unrecognised option" still holding the newline', async () => {
    const b = await makeBoard();
    const mark = b.kernel.dmesgLines().length;
    expect(await write(b, `${b.sys}/state`, 'reboot\n')).toBe('EINVAL');
    // the record keeps the written newline, so dmesg shows an empty continuation line
    expect(dmesg(b, mark)).toEqual(['remoteproc remoteproc0: Unrecognised option: reboot', '']);
  });

  test('remoteproc.md §1.3 detach when not attached is EINVAL', async () => {
    const b = await makeBoard();
    expect(await write(b, `${b.sys}/state`, 'detach\n')).toBe('EINVAL');
    await start(b, firmwareImage());
    expect(await write(b, `${b.sys}/state`, 'detach\n')).toBe('EINVAL');
    expect(await read(b, `${b.sys}/state`)).toBe('running\n');
  });

  test('remoteproc.md §7.3 MP25 has no detach op: detach is EINVAL and the M33 keeps running', async () => {
    const b = await makeBoard('virtual-mp257');
    expect((await start(b, firmwareImage({ map: MP25, table: stTable(MP25) }))).errno).toBeNull();
    expect(await write(b, `${b.sys}/state`, 'detach\n')).toBe('EINVAL');
    expect(await read(b, `${b.sys}/state`)).toBe('running\n');
  });
});

describe('remoteproc.md §1.3 state writes, old rules (< 5.19)', () => {
  test('remoteproc.md §1.3 old rules: start while running is EBUSY', async () => {
    const b = await makeBoard('virtual-mp157', oldEra);
    await start(b, firmwareImage());
    const mark = b.kernel.dmesgLines().length;
    expect(await write(b, `${b.sys}/state`, 'start\n')).toBe('EBUSY');
    expect(dmesg(b, mark)).toEqual([]);
    // no refcount was taken: one stop really stops
    expect(await write(b, `${b.sys}/state`, 'stop\n')).toBeNull();
    expect(await read(b, `${b.sys}/state`)).toBe('offline\n');
  });

  test('remoteproc.md §1.3 old rules: stop when not running is EINVAL', async () => {
    const b = await makeBoard('virtual-mp157', oldEra);
    expect(await write(b, `${b.sys}/state`, 'stop\n')).toBe('EINVAL');
  });

  test('remoteproc.md §1.3 old rules: start while crashed passes the check and is a success no-op', async () => {
    const b = await makeBoard('virtual-mp157', oldEra);
    await start(b, firmwareImage());
    await write(b, `${b.sys}/recovery`, 'disabled\n');
    await write(b, `${b.dbg}/crash`, '1\n');
    await until(b, async () => (await read(b, `${b.sys}/state`)) === 'crashed\n', 'crashed');
    expect(await write(b, `${b.sys}/state`, 'start\n')).toBeNull();
    expect(await read(b, `${b.sys}/state`)).toBe('crashed\n');
  });

  test('remoteproc.md §1.3 old rules: the vdev registers on the rproc device (no rproc-virtio platform device)', async () => {
    const b = await makeBoard('virtual-mp157', oldEra);
    const { mark } = await start(b, firmwareImage());
    expect(dmesg(b, mark)).toContain(' remoteproc0#vdev0buffer: registered virtio0 (type 7)');
  });
});

describe('remoteproc.md §1.3 crashed with recovery disabled', () => {
  test.each([['new', newEra], ['old', oldEra]])(
    'remoteproc.md §1.3 crashed + recovery disabled: stop is EINVAL (%s rules)',
    async (_era, tweak) => {
      const b = await makeBoard('virtual-mp157', tweak);
      await start(b, firmwareImage());
      await write(b, `${b.sys}/recovery`, 'disabled\n');
      await write(b, `${b.dbg}/crash`, '1\n');
      await until(b, async () => (await read(b, `${b.sys}/state`)) === 'crashed\n', 'crashed');
      expect(await write(b, `${b.sys}/state`, 'stop\n')).toBe('EINVAL');
      expect(await read(b, `${b.sys}/state`)).toBe('crashed\n');
    },
  );
});

describe('remoteproc.md §1.4 firmware', () => {
  test('remoteproc.md §1.4 the default name is rproc-<name>-fw', async () => {
    expect(await read(await makeBoard('virtual-mp157'), '/sys/class/remoteproc/remoteproc0/firmware')).toBe('rproc-m4-fw\n');
    expect(await read(await makeBoard('virtual-mp257'), '/sys/class/remoteproc/remoteproc0/firmware')).toBe('rproc-m33-fw\n');
  });

  test('remoteproc.md §1.4 the name is cut at the first newline; other whitespace is kept', async () => {
    const b = await makeBoard();
    expect(await write(b, `${b.sys}/firmware`, 'a.elf\nb.elf\n')).toBeNull();
    expect(await read(b, `${b.sys}/firmware`)).toBe('a.elf\n');
    expect(await write(b, `${b.sys}/firmware`, 'fw.elf \n')).toBeNull();
    expect(await read(b, `${b.sys}/firmware`)).toBe('fw.elf \n');
  });

  test('remoteproc.md §1.4 a name with a trailing space fails at start with ENOENT', async () => {
    const b = await makeBoard();
    await install(b, 'fw.elf', firmwareImage());
    await write(b, `${b.sys}/firmware`, 'fw.elf \n');
    expect(await write(b, `${b.sys}/state`, 'start\n')).toBe('ENOENT');
  });

  test('remoteproc.md §1.4 write while running is EBUSY with the message on the platform device', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage());
    const mark = b.kernel.dmesgLines().length;
    expect(await write(b, `${b.sys}/firmware`, 'other.elf\n')).toBe('EBUSY');
    expect(dmesg(b, mark)).toEqual(["stm32-rproc 10000000.m4: can't change firmware while running"]);
    expect(await read(b, `${b.sys}/firmware`)).toBe('fw.elf\n');
  });

  test('remoteproc.md §1.4 older kernels print "can\'t change firmware while running" on the rproc device', async () => {
    const b = await makeBoard('virtual-mp157', oldEra);
    await start(b, firmwareImage());
    const mark = b.kernel.dmesgLines().length;
    expect(await write(b, `${b.sys}/firmware`, 'other.elf\n')).toBe('EBUSY');
    expect(dmesg(b, mark)).toEqual(["remoteproc remoteproc0: can't change firmware while running"]);
  });

  test('remoteproc.md §1.4 an empty name is EINVAL with "can\'t provide empty string for firmware name"', async () => {
    const b = await makeBoard();
    const mark = b.kernel.dmesgLines().length;
    expect(await write(b, `${b.sys}/firmware`, '\n')).toBe('EINVAL');
    expect(dmesg(b, mark)).toEqual(["stm32-rproc 10000000.m4: can't provide empty string for firmware name"]);
    expect(await read(b, `${b.sys}/firmware`)).toBe('rproc-m4-fw\n');
  });

  test('remoteproc.md §1.4 a missing file is ENOENT at start with the three loader lines', async () => {
    const b = await makeBoard();
    expect(await write(b, `${b.sys}/firmware`, 'missing.elf\n')).toBeNull();
    const mark = b.kernel.dmesgLines().length;
    expect(await write(b, `${b.sys}/state`, 'start\n')).toBe('ENOENT');
    expect(dmesg(b, mark)).toEqual([
      'remoteproc remoteproc0: powering up m4',
      'remoteproc remoteproc0: Direct firmware load for missing.elf failed with error -2',
      'remoteproc remoteproc0: request_firmware failed: -2',
      'remoteproc remoteproc0: Boot failed: -2',
    ]);
    expect(await read(b, `${b.sys}/state`)).toBe('offline\n');
    // the failed boot took no refcount: a later stop is still EINVAL
    expect(await write(b, `${b.sys}/state`, 'stop\n')).toBe('EINVAL');
  });

  test('remoteproc.md §1.4 names in sub-directories of /lib/firmware load', async () => {
    const b = await makeBoard();
    b.fs.mkdir('/lib/firmware/sub', { recursive: true });
    await install(b, 'sub/fw.elf', firmwareImage());
    await write(b, `${b.sys}/firmware`, 'sub/fw.elf\n');
    expect(await write(b, `${b.sys}/state`, 'start\n')).toBeNull();
  });
});

describe('remoteproc.md §1.5 recovery (sysfs)', () => {
  test('remoteproc.md §1.5 recovery reads "enabled\\n" by default and takes the three words', async () => {
    const b = await makeBoard();
    expect(await read(b, `${b.sys}/recovery`)).toBe('enabled\n');
    expect(await write(b, `${b.sys}/recovery`, 'disabled\n')).toBeNull();
    expect(await read(b, `${b.sys}/recovery`)).toBe('disabled\n');
    expect(await write(b, `${b.sys}/recovery`, 'recover\n')).toBeNull();
    expect(await read(b, `${b.sys}/recovery`)).toBe('disabled\n');
    expect(await write(b, `${b.sys}/recovery`, 'enabled')).toBeNull();
    expect(await read(b, `${b.sys}/recovery`)).toBe('enabled\n');
  });

  test('remoteproc.md §1.5 sysfs recovery takes no prefixes: "enable" and "e" are EINVAL without dmesg', async () => {
    const b = await makeBoard();
    const mark = b.kernel.dmesgLines().length;
    expect(await write(b, `${b.sys}/recovery`, 'enable\n')).toBe('EINVAL');
    expect(await write(b, `${b.sys}/recovery`, 'e')).toBe('EINVAL');
    expect(dmesg(b, mark)).toEqual([]);
  });

  test('remoteproc.md §1.5 the profile\'s recoveryDefault sets the boot value', async () => {
    const b = await makeBoard('virtual-mp157', (p) => ({ ...p, kernel: { ...p.kernel, recoveryDefault: 'disabled' } }));
    expect(await read(b, `${b.sys}/recovery`)).toBe('disabled\n');
  });
});

describe('remoteproc.md §1.6 coredump (sysfs)', () => {
  test('remoteproc.md §1.6 coredump reads "disabled\\n" by default and takes disabled/enabled/inline', async () => {
    const b = await makeBoard();
    expect(await read(b, `${b.sys}/coredump`)).toBe('disabled\n');
    for (const w of ['enabled', 'inline', 'disabled']) {
      expect(await write(b, `${b.sys}/coredump`, `${w}\n`)).toBeNull();
      expect(await read(b, `${b.sys}/coredump`)).toBe(`${w}\n`);
    }
  });

  test('remoteproc.md §1.6 an unknown word is EINVAL with "Invalid coredump configuration"', async () => {
    const b = await makeBoard();
    const mark = b.kernel.dmesgLines().length;
    expect(await write(b, `${b.sys}/coredump`, 'default\n')).toBe('EINVAL');
    expect(dmesg(b, mark)).toEqual(['remoteproc remoteproc0: Invalid coredump configuration']);
  });

  test('remoteproc.md §1.6 coredump writes while crashed are EBUSY (sysfs and debugfs) with "can\'t change coredump configuration"', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage());
    await write(b, `${b.sys}/recovery`, 'disabled\n');
    await write(b, `${b.dbg}/crash`, '1\n');
    await until(b, async () => (await read(b, `${b.sys}/state`)) === 'crashed\n', 'crashed');
    const mark = b.kernel.dmesgLines().length;
    expect(await write(b, `${b.sys}/coredump`, 'enabled\n')).toBe('EBUSY');
    // debugfs checks the state before the word, so even a bad word is EBUSY
    expect(await write(b, `${b.dbg}/coredump`, 'bogus')).toBe('EBUSY');
    expect(dmesg(b, mark)).toEqual(["remoteproc remoteproc0: can't change coredump configuration", "remoteproc remoteproc0: can't change coredump configuration"]);
    expect(await read(b, `${b.sys}/coredump`)).toBe('disabled\n');
    expect(exists(b, '/sys/class/devcoredump/devcd1')).toBe(false);
  });
});

describe('remoteproc.md §1.4 write size', () => {
  test('remoteproc.md §1.4 the practical limit is one sysfs page: longer writes are E2BIG; long dmesg lines are cut like printk', async () => {
    const b = await makeBoard();
    expect(await write(b, `${b.sys}/firmware`, `${'a'.repeat(5000)}\n`)).toBe('E2BIG');
    expect(await read(b, `${b.sys}/firmware`)).toBe('rproc-m4-fw\n');
    const mark = b.kernel.dmesgLines().length;
    expect(await write(b, `${b.sys}/state`, 'q'.repeat(4000))).toBe('EINVAL');
    const line = dmesg(b, mark)[0] ?? '';
    expect(line.startsWith('remoteproc remoteproc0: Unrecognised option: qqq')).toBe(true);
    expect(line.length).toBeLessThan(1024);
  });
});

describe('remoteproc.md §1.1 instance numbering', () => {
  test('remoteproc.md §1.1 the profile can put the core at remoteproc1 (probe order); `name` still says m4', async () => {
    const b = await makeBoard('virtual-mp157', (p) => ({ ...p, virtual: { ...p.virtual!, rprocIndex: 1 } }));
    expect(b.sys).toBe('/sys/class/remoteproc/remoteproc1');
    expect(await read(b, '/sys/class/remoteproc/remoteproc1/name')).toBe('m4\n');
    expect(b.fs.readdir('/sys/class/remoteproc')).toEqual(['remoteproc1']);
  });
});
