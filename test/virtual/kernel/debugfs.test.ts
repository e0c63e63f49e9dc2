// remoteproc.md §2: debugfs files of the kernel model — parse quirks, crash types, resource_table and carveout dumps.
import { FW_RSC_ADDR_ANY, buildResourceTable } from '../../../harness/firmware';
import { MP15, MP25, dmesg, disposeBoards, firmwareImage, makeBoard, read, readErr, start, stTable, traceEntry, until, vdevEntry, write } from './fixtures';

afterAll(disposeBoards);

const ST_TABLE_DUMP = [
  'Entry 0 is of type vdev',
  '  ID 7',
  '  Notify ID 0',
  '  Device features 0x1',
  '  Guest features 0x1',
  '  Config length 0x0',
  '  Status 0x7',
  '  Number of vrings 2',
  '  Reserved (should be zero) [0][0]',
  '',
  '  Vring 0',
  '    Device Address 0x10040000',
  '    Alignment 16',
  '    Number of buffers 16',
  '    Notify ID 0',
  '    Physical Address 0x10040000',
  '',
  '  Vring 1',
  '    Device Address 0x10041000',
  '    Alignment 16',
  '    Number of buffers 16',
  '    Notify ID 1',
  '    Physical Address 0x10041000',
  '',
  'Entry 1 is of type trace',
  '  Device Address 0x100200e4',
  '  Length 0x800 Bytes',
  '  Reserved (should be zero) [0]',
  '  Name cm4_log',
  '',
  '',
].join('\n');

describe('remoteproc.md §2 debugfs files', () => {
  test('remoteproc.md §2 the directory holds name, recovery, crash, resource_table, carveout_memories, coredump', async () => {
    const b = await makeBoard();
    expect(b.fs.readdir(b.dbg).sort()).toEqual(['carveout_memories', 'coredump', 'crash', 'name', 'recovery', 'resource_table']);
    expect(await read(b, `${b.dbg}/name`)).toBe('m4\n');
    expect(b.fs.stat(`${b.dbg}/crash`)?.mode).toBe(0o200);
    expect(await readErr(b, `${b.dbg}/crash`)).toBe('EACCES');
  });

  test('remoteproc.md §2 recovery prefix quirk: "e" without newline enables, "e\\n" is EINVAL', async () => {
    const b = await makeBoard();
    await write(b, `${b.dbg}/recovery`, 'disabled\n');
    expect(await write(b, `${b.dbg}/recovery`, 'e\n')).toBe('EINVAL');
    expect(await write(b, `${b.dbg}/recovery`, 'enable\n')).toBe('EINVAL');
    expect(await read(b, `${b.dbg}/recovery`)).toBe('disabled\n');
    expect(await write(b, `${b.dbg}/recovery`, 'e')).toBeNull();
    expect(await read(b, `${b.dbg}/recovery`)).toBe('enabled\n');
    expect(await write(b, `${b.dbg}/recovery`, 'd')).toBeNull();
    expect(await read(b, `${b.sys}/recovery`)).toBe('disabled\n');
    expect(await write(b, `${b.dbg}/recovery`, 'enabled\n')).toBeNull();
    expect(await read(b, `${b.dbg}/recovery`)).toBe('enabled\n');
  });

  test('remoteproc.md §2 recovery: more than 10 bytes is EINVAL', async () => {
    const b = await makeBoard();
    expect(await write(b, `${b.dbg}/recovery`, 'disabled\n\n\n')).toBe('EINVAL');
  });

  test('remoteproc.md §2 recovery: "rec" written without newline recovers a crashed core', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage());
    await write(b, `${b.dbg}/recovery`, 'disabled');
    await write(b, `${b.dbg}/crash`, '1');
    await until(b, async () => (await read(b, `${b.sys}/state`)) === 'crashed\n', 'crashed');
    expect(await write(b, `${b.dbg}/recovery`, 'rec')).toBeNull();
    expect(await read(b, `${b.sys}/state`)).toBe('running\n');
    expect(await read(b, `${b.dbg}/recovery`)).toBe('disabled\n');
  });

  test('remoteproc.md §2 coredump prefix quirk: "i" gives inline, "in\\n" is EINVAL with the message', async () => {
    const b = await makeBoard();
    expect(await write(b, `${b.dbg}/coredump`, 'i')).toBeNull();
    expect(await read(b, `${b.sys}/coredump`)).toBe('inline\n');
    const mark = b.kernel.dmesgLines().length;
    expect(await write(b, `${b.dbg}/coredump`, 'in\n')).toBe('EINVAL');
    expect(dmesg(b, mark)).toEqual(['remoteproc remoteproc0: Invalid coredump configuration']);
    expect(await write(b, `${b.dbg}/coredump`, 'enabled\n')).toBeNull();
    expect(await read(b, `${b.dbg}/coredump`)).toBe('enabled\n');
    expect(await write(b, `${b.dbg}/coredump`, 'x'.repeat(21))).toBe('EINVAL');
  });

  test('remoteproc.md §2 crash takes numbers with base 0: 1 is watchdog, 0x2 fatal error, 0 mmufault, 7 unknown', async () => {
    const b = await makeBoard();
    const mark = b.kernel.dmesgLines().length;
    for (const v of ['1\n', '0x2', '0', '7\n']) expect(await write(b, `${b.dbg}/crash`, v)).toBeNull();
    // offline: each report is logged, the crash work ignores it
    await new Promise((r) => setTimeout(r, 20));
    expect(dmesg(b, mark)).toEqual([
      'remoteproc remoteproc0: crash detected in m4: type watchdog',
      'remoteproc remoteproc0: crash detected in m4: type fatal error',
      'remoteproc remoteproc0: crash detected in m4: type mmufault',
      'remoteproc remoteproc0: crash detected in m4: type unknown',
    ]);
    expect(await read(b, `${b.sys}/state`)).toBe('offline\n');
  });

  test('remoteproc.md §2 crash refuses words (EINVAL) and values above u32 (ERANGE)', async () => {
    const b = await makeBoard();
    const mark = b.kernel.dmesgLines().length;
    expect(await write(b, `${b.dbg}/crash`, 'watchdog\n')).toBe('EINVAL');
    expect(await write(b, `${b.dbg}/crash`, '4294967296\n')).toBe('ERANGE');
    expect(dmesg(b, mark)).toEqual([]);
  });

  test('remoteproc.md §2 resource_table prints "No resource table found" while offline', async () => {
    const b = await makeBoard();
    expect(await read(b, `${b.dbg}/resource_table`)).toBe('No resource table found\n');
  });

  test('remoteproc.md §2 resource_table dumps the live ST table: vring da in the carveouts, kernel notify ids, status 0x7', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage());
    expect(await read(b, `${b.dbg}/resource_table`)).toBe(ST_TABLE_DUMP);
  });

  test('remoteproc.md §3.3 vring notify ids come from the kernel IDR, not from the firmware', async () => {
    const b = await makeBoard();
    const table = buildResourceTable({
      address: MP15.table,
      entries: [{
        type: 'vdev', id: 7, dfeatures: 1,
        vrings: [{ da: FW_RSC_ADDR_ANY, align: 16, num: 16, notifyId: 5, pa: 0 }, { da: 0x10041000, align: 16, num: 16, notifyId: 9, pa: 0 }],
      } as never],
    });
    await start(b, firmwareImage({ table }));
    const dump = await read(b, `${b.dbg}/resource_table`);
    expect(dump).toContain('  Vring 0\n    Device Address 0x10040000\n    Alignment 16\n    Number of buffers 16\n    Notify ID 0\n');
    expect(dump).toContain('  Vring 1\n    Device Address 0x10041000\n    Alignment 16\n    Number of buffers 16\n    Notify ID 1\n');
  });

  test('remoteproc.md §2 resource_table: carveout entries and unknown types in the kernel format', async () => {
    const b = await makeBoard();
    const table = buildResourceTable({
      address: MP15.table,
      entries: [
        { type: 'carveout', da: FW_RSC_ADDR_ANY, pa: 0, len: 0x1000, flags: 0, reserved: 0, name: 'mcuram2' } as never,
        { type: 'vendor', typeId: 200, data: '00000000' } as never,
        vdevEntry(),
        traceEntry(MP15.log, MP15.logSize),
      ],
    });
    await start(b, firmwareImage({ table }));
    const dump = await read(b, `${b.dbg}/resource_table`);
    // a DT-registered carveout: the kernel writes the region's pa, da and len back
    expect(dump.startsWith([
      'Entry 0 is of type carveout',
      '  Device Address 0x10000000',
      '  Physical Address 0x10000000',
      '  Length 0x40000 Bytes',
      '  Flags 0x0',
      '  Reserved (should be zero) [0]',
      '  Name mcuram2',
      '',
      'Unknown resource type found: 200 [hdr: 00000000]',
      'Entry 2 is of type vdev',
    ].join('\n'))).toBe(true);
    expect(dmesg(b)).toContain('remoteproc remoteproc0: unsupported vendor resource 200');
  });

  test('remoteproc.md §2 resource_table shows "No resource table found" for a firmware without a table', async () => {
    const b = await makeBoard();
    await start(b, firmwareImage({ table: null }));
    expect(await read(b, `${b.sys}/state`)).toBe('running\n');
    expect(await read(b, `${b.dbg}/resource_table`)).toBe('No resource table found\n');
  });

  test('remoteproc.md §2 carveout_memories: empty while offline, one block per DT region while running', async () => {
    const b = await makeBoard();
    expect(await read(b, `${b.dbg}/carveout_memories`)).toBe('');
    await start(b, firmwareImage());
    const text = await read(b, `${b.dbg}/carveout_memories`);
    expect(text.split('Carveout memory entry:\n').length - 1).toBe(6);
    expect(text.startsWith('Carveout memory entry:\n\tName: retram\n\tVirtual address: 00000000\n\tDMA address: 0x38000000\n' +
      '\tDevice address: 0x0\n\tLength: 0x10000 Bytes\n\n')).toBe(true);
    await write(b, `${b.sys}/state`, 'stop\n');
    expect(await read(b, `${b.dbg}/carveout_memories`)).toBe('');
  });

  test('remoteproc.md §2 MP25 (64-bit): %pad prints 16 hex digits', async () => {
    const b = await makeBoard('virtual-mp257');
    await start(b, firmwareImage({ map: MP25, table: stTable(MP25) }));
    expect(await read(b, `${b.dbg}/carveout_memories`)).toContain('\tName: ipc_shmem_1\n\tVirtual address: 0000000000000000\n\tDMA address: 0x0000000081200000\n');
  });
});
