// Resource-table codec: ST layout (firmware.md §1.2), exact round trips, lenient bounded decode, encode refusals.
import { RscError } from '../../harness/errors';
import { buildResourceTable } from '../../harness/firmware/rsc-build';
import { decodeResourceTable, encodeResourceTable } from '../../harness/firmware/rsc-codec';
import type { ResourceTable, VdevEntry } from '../../harness/firmware/types';
import { LOG_BUF, ST_TRACE, ST_VDEV, TABLE_ADDR, stTable } from './fixtures';

const le32 = (b: Uint8Array, o: number): number => new DataView(b.buffer, b.byteOffset).getUint32(o, true);

describe('ST OpenAMP_TTY_echo table bytes (firmware.md §1.2)', () => {
  const bytes = encodeResourceTable(stTable());

  test('is 140 bytes with the documented offsets and fields', () => {
    expect(bytes.length).toBe(0x8c);
    expect([le32(bytes, 0), le32(bytes, 4), le32(bytes, 8), le32(bytes, 12), le32(bytes, 0x10), le32(bytes, 0x14)]).toEqual([1, 2, 0, 0, 0x18, 0x5c]);
    // vdev: type 3, id 7, notifyid 0, dfeatures 1, gfeatures 0, config_len 0, status/num_of_vrings/reserved bytes
    expect([le32(bytes, 0x18), le32(bytes, 0x1c), le32(bytes, 0x20), le32(bytes, 0x24), le32(bytes, 0x28), le32(bytes, 0x2c)]).toEqual([3, 7, 0, 1, 0, 0]);
    expect(Array.from(bytes.subarray(0x30, 0x34))).toEqual([0, 2, 0, 0]);
    expect([le32(bytes, 0x34), le32(bytes, 0x38), le32(bytes, 0x3c), le32(bytes, 0x40)]).toEqual([0xffffffff, 16, 16, 0]);
    expect([le32(bytes, 0x48), le32(bytes, 0x4c), le32(bytes, 0x50), le32(bytes, 0x54)]).toEqual([0xffffffff, 16, 16, 1]);
    expect([le32(bytes, 0x5c), le32(bytes, 0x60), le32(bytes, 0x64), le32(bytes, 0x68)]).toEqual([2, LOG_BUF, 2048, 0]);
    expect(new TextDecoder().decode(bytes.subarray(0x6c, 0x73))).toBe('cm4_log');
    expect(bytes[0x73]).toBe(0);
  });

  test('decode(encode(t)) deep-equals t', () => {
    expect(decodeResourceTable(bytes, TABLE_ADDR)).toEqual(stTable());
  });

  test('encode(decode(b)) equals b', () => {
    expect(encodeResourceTable(decodeResourceTable(bytes, TABLE_ADDR))).toEqual(bytes);
  });
});

describe('every entry kind round-trips', () => {
  const table = buildResourceTable({
    address: 0x81200000,
    entries: [
      { type: 'carveout', da: 0x10000000, pa: 0x10000000, len: 0x1000, flags: 0, reserved: 0, name: 'mcuram2' },
      { type: 'devmem', da: 0x40000000, pa: 0x40000000, len: 0x100, flags: 1, reserved: 0, name: 'uart' },
      ST_TRACE,
      { ...(ST_VDEV as VdevEntry), config: 'deadbeef' },
      { type: 'vendor', typeId: 200, data: '0102030405' },
      { type: 'unknown', typeId: 9, data: 'ff' },
    ],
  });

  test('offsets and size are computed from the entries', () => {
    expect(table.offsets).toEqual([40, 96, 152, 200, 272, 281]);
    expect(table.size).toBe(286);
    expect((table.entries[3] as VdevEntry).configLen).toBe(4);
  });

  test('both directions', () => {
    const bytes = encodeResourceTable(table);
    expect(decodeResourceTable(bytes, 0x81200000)).toEqual(table);
    expect(encodeResourceTable(decodeResourceTable(bytes, 0x81200000))).toEqual(bytes);
  });

  test('vendor and unknown entries keep their raw bytes', () => {
    const decoded = decodeResourceTable(encodeResourceTable(table), 0);
    expect(decoded.entries[4]).toEqual({ index: 4, offset: 272, typeId: 200, type: 'vendor', data: '0102030405' });
    expect(decoded.entries[5]).toEqual({ index: 5, offset: 281, typeId: 9, type: 'unknown', data: 'ff' });
  });
});

describe('lenient, bounded decode', () => {
  test('fewer than 16 bytes is an RscError', () => {
    expect(() => decodeResourceTable(new Uint8Array(12), 0)).toThrow(RscError);
    expect(() => decodeResourceTable(new Uint8Array(12), 0)).toThrow('header-less resource table: 12 bytes, the header needs 16');
  });

  test('hostile num keeps only the offsets present', () => {
    const b = encodeResourceTable(stTable());
    new DataView(b.buffer).setUint32(4, 0xffffffff, true);
    const t = decodeResourceTable(b, 0);
    expect(t.num).toBe(0xffffffff);
    // (140 - 16) / 4 = 31 words follow the header; the first two are the real offsets
    expect(t.offsets).toHaveLength(31);
    expect(t.offsets.slice(0, 2)).toEqual([0x18, 0x5c]);
    expect(encodeResourceTable(t)).toEqual(b);
  });

  test('hostile num_of_vrings lists only the vrings present', () => {
    const b = encodeResourceTable(stTable([ST_VDEV]));
    b[0x14 + 4 + 21] = 255;
    const vdev = decodeResourceTable(b, 0).entries[0] as VdevEntry;
    expect(vdev.numOfVrings).toBe(255);
    expect(vdev.vrings).toHaveLength(2);
  });

  test('a trace entry cut by the table end keeps the fields that fit; missing ones read 0', () => {
    const full = encodeResourceTable(stTable());
    const cut = full.subarray(0, 0x5c + 4 + 6); // type, da and half of len
    const t = decodeResourceTable(cut, 0);
    expect(t.entries[1]).toEqual({ index: 1, offset: 0x5c, typeId: 2, type: 'trace', da: LOG_BUF, len: 0, reserved: 0, name: '', symbol: null });
  });

  test('offsets outside the table yield no entry but stay in `offsets`', () => {
    const b = encodeResourceTable(stTable());
    new DataView(b.buffer).setUint32(0x14, 0x1000, true);
    const t = decodeResourceTable(b, 0);
    expect(t.offsets).toEqual([0x18, 0x1000]);
    expect(t.entries.map((e) => e.index)).toEqual([0]);
  });
});

describe('encode refuses values that cannot be written', () => {
  const base = stTable();
  const bad = (edit: (t: ResourceTable) => void): (() => Uint8Array) => {
    const t = structuredClone(base);
    edit(t);
    return () => encodeResourceTable(t);
  };

  test('an absurd size', () => {
    expect(bad((t) => (t.size = 2 ** 40))).toThrow('resource table size 1099511627776 must be an integer from 16 to 0x1000000');
  });

  test('a field that is not a u32', () => {
    expect(bad((t) => (t.version = -1))).toThrow('version = -1 is not a u32 (0 .. 0xffffffff)');
    expect(bad((t) => ((t.entries[1] as { len: number }).len = 2 ** 32))).toThrow('entry 1 (trace) len = 4294967296 is not a u32');
  });

  test('a name longer than 32 bytes', () => {
    expect(bad((t) => ((t.entries[1] as { name: string }).name = 'x'.repeat(33)))).toThrow(/entry 1 \(trace\) name "x+" must be at most 32 single-byte characters without NUL/);
  });

  test('an entry offset outside the table', () => {
    expect(bad((t) => ((t.entries[0] as { offset: number }).offset = 200))).toThrow('entry 0 (vdev): offset 200 leaves no room for its type word in a table of 140 bytes');
  });

  test('bad hex in vendor data', () => {
    const t = buildResourceTable({ entries: [{ type: 'vendor', typeId: 130, data: 'zz' }] });
    expect(() => encodeResourceTable(t)).toThrow(RscError);
  });

  test('more offsets than the table holds', () => {
    expect(bad((t) => (t.offsets = new Array<number>(40).fill(0x18)))).toThrow('resource table of 140 bytes holds at most 31 offsets, got 40');
  });
});
