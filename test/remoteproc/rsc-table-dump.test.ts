// Parser of debugfs resource_table on the exact kernel format (remoteproc.md §2).
import { parseResourceTableDump } from '../../harness/remoteproc';

// rproc_rsc_table_show output for an ST table (vdev + trace) plus a carveout, as the kernel prints it
const DUMP = [
  'Entry 0 is of type vdev',
  '  ID 7',
  '  Notify ID 2',
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
  '    Physical Address 0x0',
  '',
  '  Vring 1',
  '    Device Address 0x10041000',
  '    Alignment 16',
  '    Number of buffers 16',
  '    Notify ID 1',
  '    Physical Address 0x0',
  '',
  'Entry 1 is of type trace',
  '  Device Address 0x100200e4',
  '  Length 0x800 Bytes',
  '  Reserved (should be zero) [0]',
  '  Name cm4_log',
  '',
  'Entry 2 is of type carveout',
  '  Device Address 0x10000000',
  '  Physical Address 0x10000000',
  '  Length 0x20000 Bytes',
  '  Flags 0x0',
  '  Reserved (should be zero) [-1]',
  '  Name retram',
  '',
  'Unknown resource type found: 9 [hdr: 00000000]',
  '',
].join('\n');

test('remoteproc.md §2 every entry kind with its fields', () => {
  const entries = parseResourceTableDump(DUMP);
  expect(entries).toEqual([
    {
      index: 0, type: 'vdev', id: 7, notifyId: 2, dfeatures: 1, gfeatures: 1, configLen: 0, status: 7, numOfVrings: 2, reserved: [0, 0],
      vrings: [
        { index: 0, da: 0x10040000, align: 16, num: 16, notifyId: 0, pa: 0 },
        { index: 1, da: 0x10041000, align: 16, num: 16, notifyId: 1, pa: 0 },
      ],
    },
    { index: 1, type: 'trace', da: 0x100200e4, len: 0x800, reserved: 0, name: 'cm4_log' },
    { index: 2, type: 'carveout', da: 0x10000000, pa: 0x10000000, len: 0x20000, flags: 0, reserved: -1, name: 'retram' },
    { index: 3, type: 'unknown', rawType: 9 },
  ]);
});

test('remoteproc.md §2 "No resource table found" is an empty table', () => {
  expect(parseResourceTableDump('No resource table found\n')).toEqual([]);
});

test('a malformed line is an E_REMOTE naming the line and what was expected', () => {
  const bad = DUMP.replace('  Length 0x800 Bytes', '  Length 2048');
  expect(() => parseResourceTableDump(bad)).toThrow(
    'resource_table dump line 27 is "  Length 2048"; expected "  Length 0x…" (kernel format, remoteproc.md §2)',
  );
  expect(() => parseResourceTableDump(DUMP.split('\n').slice(0, 12).join('\n'))).toThrow(/^resource_table dump line 13 is missing; expected " {4}Alignment <number>"/);
  expect(() => parseResourceTableDump('Entry 0 is of type firmware\n')).toThrow(/line 1 is "Entry 0 is of type firmware"; expected "Entry <i> is of type carveout\|devmem\|trace\|vdev"/);
});
