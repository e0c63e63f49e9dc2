// remoteproc.md §3.3: the boot pipeline's dmesg lines in kernel order and the errno the `state` write returns.
import { MUTATIONS, analyzeFirmware, applyMutation, buildElf, buildResourceTable, encodeResourceTable } from '../../../harness/firmware';
import { boardRulesOf } from '../../../harness/config';
import { MP15, dmesg, disposeBoards, exists, firmwareImage, makeBoard, oldEra, read, start, traceEntry, until, vdevEntry, write } from './fixtures';

afterAll(disposeBoards);

async function size(b: Awaited<ReturnType<typeof makeBoard>>): Promise<number> {
  return (await b.fs.readFile('/lib/firmware/fw.elf')).length;
}

function withVersion(version: number): Uint8Array {
  const bytes = encodeResourceTable(buildResourceTable({ address: MP15.table, entries: [vdevEntry()] }));
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(0, version, true);
  return bytes;
}

describe('remoteproc.md §3.3 STM32: the resource table is optional', () => {
  test('remoteproc.md §3.3 no .resource_table: "no resource table found for this firmware", the core runs without rpmsg', async () => {
    const b = await makeBoard();
    const { mark, errno } = await start(b, firmwareImage({ table: null }));
    expect(errno).toBeNull();
    expect(dmesg(b, mark)).toEqual([
      'remoteproc remoteproc0: powering up m4',
      `remoteproc remoteproc0: Booting fw image fw.elf, size ${await size(b)}`,
      'remoteproc remoteproc0: no resource table found for this firmware',
      'remoteproc remoteproc0: remote processor m4 is now up',
    ]);
    expect(b.fs.readdir(b.dbg)).not.toContain('trace0');
    await new Promise((r) => setTimeout(r, 80));
    expect(b.fs.readdir('/dev').filter((d) => d.startsWith('ttyRPMSG'))).toEqual([]);
  });

  test('remoteproc.md §3.3 a bad table version is printed twice around the driver warning and the boot goes on', async () => {
    const b = await makeBoard();
    const { mark, errno } = await start(b, firmwareImage({ table: withVersion(2) }));
    expect(errno).toBeNull();
    expect(dmesg(b, mark)).toEqual([
      'remoteproc remoteproc0: powering up m4',
      `remoteproc remoteproc0: Booting fw image fw.elf, size ${await size(b)}`,
      'remoteproc remoteproc0: unsupported fw ver: 2',
      'remoteproc remoteproc0: no resource table found for this firmware',
      'remoteproc remoteproc0: unsupported fw ver: 2',
      'remoteproc remoteproc0: remote processor m4 is now up',
    ]);
    expect(await read(b, `${b.dbg}/resource_table`)).toBe('No resource table found\n');
  });

  test('remoteproc.md §3.3 a header-less table: "header-less resource table" twice (the OpenSTLinux log)', async () => {
    const b = await makeBoard();
    const { mark } = await start(b, firmwareImage({ table: new Uint8Array(8) }));
    expect(dmesg(b, mark).slice(2)).toEqual([
      'remoteproc remoteproc0: header-less resource table',
      'remoteproc remoteproc0: no resource table found for this firmware',
      'remoteproc remoteproc0: header-less resource table',
      'remoteproc remoteproc0: remote processor m4 is now up',
    ]);
  });

  test('remoteproc.md §3.3 non zero reserved bytes in the header: printed twice, boot continues', async () => {
    const b = await makeBoard();
    const bytes = encodeResourceTable(buildResourceTable({ address: MP15.table, entries: [vdevEntry()] }));
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(8, 1, true);
    const { mark } = await start(b, firmwareImage({ table: bytes }));
    expect(dmesg(b, mark).filter((l) => l.endsWith('non zero reserved bytes'))).toHaveLength(2);
    expect(await read(b, `${b.sys}/state`)).toBe('running\n');
  });
});

describe('remoteproc.md §3.3 ELF sanity', () => {
  test('remoteproc.md §3.3 bad magic: "Image is corrupted (bad magic)", Boot failed: -22, EINVAL, no "Booting fw image"', async () => {
    const b = await makeBoard();
    const bytes = firmwareImage();
    bytes[1] = 0x00;
    const { mark, errno } = await start(b, bytes);
    expect(errno).toBe('EINVAL');
    expect(dmesg(b, mark)).toEqual([
      'remoteproc remoteproc0: powering up m4',
      'remoteproc remoteproc0: Image is corrupted (bad magic)',
      'remoteproc remoteproc0: Boot failed: -22',
    ]);
    expect(await read(b, `${b.sys}/state`)).toBe('offline\n');
  });

  test('remoteproc.md §3.3 an image shorter than the ELF header: "Image is too small"', async () => {
    const b = await makeBoard();
    const { mark, errno } = await start(b, new Uint8Array(20));
    expect(errno).toBe('EINVAL');
    expect(dmesg(b, mark)).toContain('remoteproc remoteproc0: Image is too small');
  });

  test('remoteproc.md §3.3 no program headers: "No loadable segments"', async () => {
    const b = await makeBoard();
    const bytes = buildElf({ sections: [{ name: '.text', addr: MP15.text, data: new Uint8Array(16) }] });
    const { mark, errno } = await start(b, bytes);
    expect(errno).toBe('EINVAL');
    expect(dmesg(b, mark)).toEqual([
      'remoteproc remoteproc0: powering up m4',
      'remoteproc remoteproc0: No loadable segments',
      'remoteproc remoteproc0: Boot failed: -22',
    ]);
  });
});

describe('remoteproc.md §3.3 resource processing', () => {
  test('remoteproc.md §3.3 a devmem entry fails on STM32 (no IOMMU): Failed to process resources: -22', async () => {
    const b = await makeBoard();
    const table = buildResourceTable({
      address: MP15.table,
      entries: [vdevEntry(), { type: 'devmem', da: 0x40000000, pa: 0x40000000, len: 0x1000, flags: 0, reserved: 0, name: 'uart' } as never],
    });
    const { mark, errno } = await start(b, firmwareImage({ table }));
    expect(errno).toBe('EINVAL');
    expect(dmesg(b, mark)).toEqual([
      'remoteproc remoteproc0: powering up m4',
      `remoteproc remoteproc0: Booting fw image fw.elf, size ${await size(b)}`,
      'remoteproc remoteproc0: Failed to process resources: -22',
      'remoteproc remoteproc0: Boot failed: -22',
    ]);
    expect(await read(b, `${b.sys}/state`)).toBe('offline\n');
    expect(b.fs.readdir(b.dbg)).not.toContain('trace0');
  });

  test('remoteproc.md §3.3 trace entry with non zero reserved bytes aborts the boot', async () => {
    const b = await makeBoard();
    const table = buildResourceTable({ address: MP15.table, entries: [{ type: 'trace', da: MP15.log, len: 64, reserved: 3, name: 'cm4_log' } as never] });
    const { mark, errno } = await start(b, firmwareImage({ table }));
    expect(errno).toBe('EINVAL');
    expect(dmesg(b, mark).slice(2)).toEqual([
      'remoteproc remoteproc0: trace rsc has non zero reserved bytes',
      'remoteproc remoteproc0: Failed to process resources: -22',
      'remoteproc remoteproc0: Boot failed: -22',
    ]);
  });

  test('remoteproc.md §3.3 vdev checks before 6.1: "invalid qsz" aborts the boot', async () => {
    const b = await makeBoard('virtual-mp157', oldEra);
    const table = buildResourceTable({ address: MP15.table, entries: [vdevEntry({ num: 0 })] });
    const { mark, errno } = await start(b, firmwareImage({ table }));
    expect(errno).toBe('EINVAL');
    expect(dmesg(b, mark).slice(2)).toEqual([
      'remoteproc remoteproc0: invalid qsz (0) or alignment (16)',
      'remoteproc remoteproc0: Failed to process resources: -22',
      'remoteproc remoteproc0: Boot failed: -22',
    ]);
  });

  test('remoteproc.md §3.3 vdev checks from 6.1 run at probe: "invalid qsz" is printed, the core comes up without rpmsg', async () => {
    const b = await makeBoard();
    const table = buildResourceTable({ address: MP15.table, entries: [vdevEntry({ num: 0 }), traceEntry(MP15.log, MP15.logSize)] });
    const { mark, errno } = await start(b, firmwareImage({ table }));
    expect(errno).toBeNull();
    const lines = dmesg(b, mark);
    expect(lines).toContain('remoteproc remoteproc0: invalid qsz (0) or alignment (16)');
    expect(lines).not.toContain('virtio_rpmsg_bus virtio0: rpmsg host is online');
    expect(lines[lines.length - 1]).toBe('remoteproc remoteproc0: remote processor m4 is now up');
    expect(b.fs.readdir(b.dbg)).toContain('trace0');
  });
});

describe('remoteproc.md §3.3 segment load', () => {
  test('remoteproc.md §3.3 a PT_LOAD outside every region: "bad phdr da", Failed to load program segments: -22', async () => {
    const b = await makeBoard();
    const bytes = buildElf({
      entry: 0x60000000,
      sections: [{ name: '.text', addr: 0x60000000, data: new Uint8Array(0x40) }],
      segments: [{ sections: ['.text'] }],
    });
    const { mark, errno } = await start(b, bytes);
    expect(errno).toBe('EINVAL');
    expect(dmesg(b, mark)).toEqual([
      'remoteproc remoteproc0: powering up m4',
      `remoteproc remoteproc0: Booting fw image fw.elf, size ${bytes.length}`,
      'remoteproc remoteproc0: no resource table found for this firmware',
      'remoteproc remoteproc0: bad phdr da 0x60000000 mem 0x40',
      'remoteproc remoteproc0: Failed to load program segments: -22',
      'remoteproc remoteproc0: Boot failed: -22',
    ]);
  });
});

describe('remoteproc.md §3.3 vring allocation', () => {
  test('remoteproc.md §3.3 vring da ANY is placed at the vdev0vring0/1 carveouts; the core gets buffers from vdev0buffer', async () => {
    const b = await makeBoard();
    const seen: Array<{ vrings: unknown; bufferDa: number | null; ns: boolean }> = [];
    const original = b.cop.start.bind(b.cop);
    b.cop.start = async (image) => {
      seen.push({ vrings: image.vrings, bufferDa: image.bufferDa, ns: image.nameService });
      return original(image);
    };
    await start(b, firmwareImage());
    expect(seen).toEqual([{
      vrings: [{ da: 0x10040000, num: 16, align: 16, notifyId: 0 }, { da: 0x10041000, num: 16, align: 16, notifyId: 1 }],
      bufferDa: 0x10042000,
      ns: true,
    }]);
  });

  test('remoteproc.md §3.3 the loaded copy of the table in device memory is the live one', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage());
    const words = b.cop.readMemory(MP15.table + 0x34, 8);
    // vring0 da (filled by the kernel) follows the vdev header at 0x18 + 28
    expect(words && Buffer.from(words).readUInt32LE(0)).toBe(0x10040000);
  });
});

describe('remoteproc.md §1.3 asynchronous ttys after a start', () => {
  test('remoteproc.md §1.3 /dev/ttyRPMSG* appear after the start returned, with "creating channel" lines', async () => {
    const b = await makeBoard();
    const { mark } = await start(b, firmwareImage());
    expect(exists(b, '/dev/ttyRPMSG0')).toBe(false);
    await until(b, () => exists(b, '/dev/ttyRPMSG0') && exists(b, '/dev/ttyRPMSG1'), 'ttys');
    expect(dmesg(b, mark).slice(5)).toEqual([
      'virtio_rpmsg_bus virtio0: creating channel rpmsg-tty addr 0x0',
      'virtio_rpmsg_bus virtio0: creating channel rpmsg-tty addr 0x1',
    ]);
    expect(b.fs.stat('/dev/ttyRPMSG0')?.type).toBe('chardev');
  });

  test('remoteproc.md §1.3 a failed boot leaves the state offline and the write fails (no refcount kept)', async () => {
    const b = await makeBoard();
    const bytes = firmwareImage();
    bytes[0] = 0;
    expect((await start(b, bytes)).errno).toBe('EINVAL');
    await b.fs.writeFile('/lib/firmware/fw.elf', firmwareImage());
    expect(await write(b, `${b.sys}/state`, 'start\n')).toBeNull();
    expect(await write(b, `${b.sys}/state`, 'stop\n')).toBeNull();
    expect(await read(b, `${b.sys}/state`)).toBe('offline\n');
  });
});

describe('remoteproc.md §3.3 the board agrees with the linter on every mutation', () => {
  test.each(MUTATIONS.map((m) => m.name))('remoteproc.md §3.3 mutation %s: the board boots or fails exactly as `rsc lint` predicts', async (name) => {
    const b = await makeBoard();
    const mutated = applyMutation(firmwareImage(), name);
    const verdict = analyzeFirmware(mutated, { file: 'fw.elf', board: boardRulesOf(b.profile) }).verdict;
    const { errno } = await start(b, mutated);
    expect(errno === null).toBe(verdict.boots);
    expect(await read(b, `${b.sys}/state`)).toBe(verdict.boots ? 'running\n' : 'offline\n');
  });
});
