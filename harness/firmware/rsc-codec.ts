// Resource table bytes <-> ResourceTable (remoteproc.md §3.1–3.2): lenient, bounded decode; exact encode at each entry's offset.
import { RscError } from '../errors';
import { cString, fromHex, hex, le32, putLe32, toHex } from './bytes';
import type { ResourceTable, RscEntry, VdevEntry, Vring } from './types';
import { RSC_CARVEOUT, RSC_DEVMEM, RSC_TRACE, RSC_VDEV, RSC_VENDOR_END, RSC_VENDOR_START } from './types';

export const RSC_HEADER_SIZE = 16;
export const NAME_LEN = 32;
/** sizes including the 4-byte type word (remoteproc.md §3.2) */
export const CARVEOUT_SIZE = 4 + 52;
export const TRACE_SIZE = 4 + 44;
export const VDEV_HEADER_SIZE = 4 + 24;
export const VRING_SIZE = 20;
/** encode refuses bigger tables: a resource table is at most a few KiB, this only stops runaway allocations */
export const MAX_TABLE_SIZE = 16 * 1024 * 1024;

/**
 * Decodes a table the way a reviewer wants to see it, without judging it (the rules do that):
 * - the 16-byte header must be present, else RscError;
 * - `offsets` holds min(num, (size-16)/4) offsets: only those present in the bytes;
 * - an entry is decoded for every offset whose type word lies inside the table; its fields are read up to the table
 *   end (the kernel's `avail`); a field not entirely present reads as 0 (names: the bytes present), a vdev lists the
 *   vrings whose first byte is present (at most num_of_vrings) and `config` the config bytes present.
 * - vendor/unknown entries keep their bytes up to the next entry offset (or the table end) as hex.
 * Every loop is bounded by the bytes present, so hostile `num` or `num_of_vrings` cost nothing.
 */
export function decodeResourceTable(bytes: Uint8Array, address: number): ResourceTable {
  const size = bytes.length;
  if (size < RSC_HEADER_SIZE) {
    throw new RscError(`header-less resource table: ${size} bytes, the header needs ${RSC_HEADER_SIZE}`, { offset: 0 });
  }
  const u32 = (off: number): number => le32(bytes, off) ?? 0;
  const num = u32(4);
  const count = Math.min(num, Math.floor((size - RSC_HEADER_SIZE) / 4));
  const offsets: number[] = [];
  for (let i = 0; i < count; i++) offsets.push(u32(RSC_HEADER_SIZE + 4 * i));
  const starts = [...new Set(offsets.filter((o) => o + 4 <= size))].sort((a, b) => a - b);
  const entries: RscEntry[] = [];
  offsets.forEach((offset, index) => {
    if (offset + 4 > size) return;
    entries.push(decodeEntry(bytes, index, offset, nextStart(starts, offset) ?? size));
  });
  return { address, size, version: u32(0), num, reserved: [u32(8), u32(12)], offsets, entries };
}

/** The smallest start above `offset` (binary search: a hostile table may hold a million offsets). */
function nextStart(sorted: readonly number[], offset: number): number | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? 0) <= offset) lo = mid + 1;
    else hi = mid;
  }
  return sorted[lo];
}

function decodeEntry(bytes: Uint8Array, index: number, offset: number, next: number): RscEntry {
  const u32 = (rel: number): number => le32(bytes, offset + rel) ?? 0;
  const name = (rel: number): string => cString(bytes, offset + rel, Math.min(offset + rel + NAME_LEN, bytes.length));
  const typeId = u32(0);
  const base = { index, offset, typeId };
  switch (typeId) {
    case RSC_CARVEOUT:
    case RSC_DEVMEM:
      return { ...base, type: typeId === RSC_CARVEOUT ? 'carveout' : 'devmem', da: u32(4), pa: u32(8), len: u32(12), flags: u32(16), reserved: u32(20), name: name(24) };
    case RSC_TRACE:
      return { ...base, type: 'trace', da: u32(4), len: u32(8), reserved: u32(12), name: name(16), symbol: null };
    case RSC_VDEV:
      return decodeVdev(bytes, base);
    default: {
      const data = toHex(bytes.subarray(offset + 4, Math.max(offset + 4, next)));
      const vendor = typeId >= RSC_VENDOR_START && typeId <= RSC_VENDOR_END;
      return vendor ? { ...base, type: 'vendor', data } : { ...base, type: 'unknown', data };
    }
  }
}

function decodeVdev(bytes: Uint8Array, base: { index: number; offset: number; typeId: number }): VdevEntry {
  const { offset } = base;
  const u32 = (rel: number): number => le32(bytes, offset + rel) ?? 0;
  const u8 = (rel: number): number => bytes[offset + rel] ?? 0;
  const numOfVrings = u8(25);
  const vringBase = offset + VDEV_HEADER_SIZE;
  const present = Math.max(0, bytes.length - vringBase);
  const vrings: Vring[] = [];
  for (let j = 0; j < Math.min(numOfVrings, Math.ceil(present / VRING_SIZE)); j++) {
    const r = VDEV_HEADER_SIZE + j * VRING_SIZE;
    vrings.push({ da: u32(r), align: u32(r + 4), num: u32(r + 8), notifyId: u32(r + 12), pa: u32(r + 16) });
  }
  const configLen = u32(20);
  const configStart = Math.min(bytes.length, vringBase + numOfVrings * VRING_SIZE);
  const config = toHex(bytes.subarray(configStart, Math.min(bytes.length, configStart + configLen)));
  return {
    ...base,
    type: 'vdev',
    id: u32(4),
    notifyId: u32(8),
    dfeatures: u32(12),
    gfeatures: u32(16),
    configLen,
    status: u8(24),
    numOfVrings,
    reserved: [u8(26), u8(27)],
    vrings,
    config,
  };
}

/**
 * Writes `table.size` bytes: the header, `offsets`, then each entry at its `offset`. Fields past the table end are
 * dropped (the mirror of the lenient decode), so decode(encode(t)) equals t and encode(decode(b)) equals b for
 * tables without gaps between entries. Values that cannot be written throw RscError.
 */
export function encodeResourceTable(table: ResourceTable): Uint8Array {
  const size = table.size;
  if (!Number.isSafeInteger(size) || size < RSC_HEADER_SIZE || size > MAX_TABLE_SIZE) {
    throw new RscError(`resource table size ${String(size)} must be an integer from ${RSC_HEADER_SIZE} to ${hex(MAX_TABLE_SIZE)}`);
  }
  const out = new Uint8Array(size);
  const put = (off: number, value: number, what: string): void => putLe32(out, off, checkU32(value, what));
  put(0, table.version, 'version');
  put(4, table.num, 'num');
  put(8, table.reserved[0], 'reserved[0]');
  put(12, table.reserved[1], 'reserved[1]');
  const room = Math.floor((size - RSC_HEADER_SIZE) / 4);
  if (table.offsets.length > room) {
    throw new RscError(`resource table of ${size} bytes holds at most ${room} offsets, got ${table.offsets.length}`);
  }
  table.offsets.forEach((o, i) => put(RSC_HEADER_SIZE + 4 * i, o, `offset[${i}]`));
  // ascending offsets, so an entry overlapping the tail of an earlier one keeps its own bytes
  for (const e of [...table.entries].sort((a, b) => a.offset - b.offset)) encodeEntry(out, e);
  return out;
}

function checkU32(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RscError(`${what} = ${String(value)} is not a u32 (0 .. 0xffffffff)`);
  }
  return value;
}

function checkU8(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new RscError(`${what} = ${String(value)} is not a u8 (0 .. 255)`);
  return value;
}

function hexBytes(text: string, what: string): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(text)) throw new RscError(`${what} must be hex digits in pairs, got ${JSON.stringify(text.slice(0, 40))}`);
  return fromHex(text);
}

/**
 * The name and its NUL (none when it fills all 32 bytes). The rest of the field is not written: it is zero in a
 * fresh table, and where entries overlap it keeps the other entry's bytes, so every byte encode writes is one
 * decode read, and decode(encode(decode(b))) equals decode(b) for any b.
 */
function nameBytes(name: string, what: string): Uint8Array {
  let ok = name.length <= NAME_LEN;
  for (let i = 0; ok && i < name.length; i++) ok = name.charCodeAt(i) >= 1 && name.charCodeAt(i) <= 0xff;
  if (!ok) {
    throw new RscError(`${what} ${JSON.stringify(name)} must be at most ${NAME_LEN} single-byte characters without NUL`);
  }
  const b = new Uint8Array(Math.min(name.length + 1, NAME_LEN));
  for (let i = 0; i < name.length; i++) b[i] = name.charCodeAt(i);
  return b;
}

function encodeEntry(out: Uint8Array, e: RscEntry): void {
  const where = `entry ${e.index} (${e.type})`;
  if (!Number.isSafeInteger(e.offset) || e.offset < 0 || e.offset + 4 > out.length) {
    throw new RscError(`${where}: offset ${String(e.offset)} leaves no room for its type word in a table of ${out.length} bytes`);
  }
  const at = (rel: number): number => e.offset + rel;
  const put = (rel: number, v: number, f: string): void => putLe32(out, at(rel), checkU32(v, `${where} ${f}`));
  const putBytes = (rel: number, b: Uint8Array): void => {
    if (at(rel) < out.length) out.set(b.subarray(0, out.length - at(rel)), at(rel));
  };
  put(0, e.typeId, 'typeId');
  switch (e.type) {
    case 'carveout':
    case 'devmem':
      put(4, e.da, 'da');
      put(8, e.pa, 'pa');
      put(12, e.len, 'len');
      put(16, e.flags, 'flags');
      put(20, e.reserved, 'reserved');
      putBytes(24, nameBytes(e.name, `${where} name`));
      return;
    case 'trace':
      put(4, e.da, 'da');
      put(8, e.len, 'len');
      put(12, e.reserved, 'reserved');
      putBytes(16, nameBytes(e.name, `${where} name`));
      return;
    case 'vdev': {
      put(4, e.id, 'id');
      put(8, e.notifyId, 'notifyId');
      put(12, e.dfeatures, 'dfeatures');
      put(16, e.gfeatures, 'gfeatures');
      put(20, e.configLen, 'configLen');
      const small = Uint8Array.of(
        checkU8(e.status, `${where} status`),
        checkU8(e.numOfVrings, `${where} numOfVrings`),
        checkU8(e.reserved[0], `${where} reserved[0]`),
        checkU8(e.reserved[1], `${where} reserved[1]`),
      );
      putBytes(24, small);
      e.vrings.forEach((v, j) => {
        const r = VDEV_HEADER_SIZE + j * VRING_SIZE;
        put(r, v.da, `vring ${j} da`);
        put(r + 4, v.align, `vring ${j} align`);
        put(r + 8, v.num, `vring ${j} num`);
        put(r + 12, v.notifyId, `vring ${j} notifyId`);
        put(r + 16, v.pa, `vring ${j} pa`);
      });
      putBytes(VDEV_HEADER_SIZE + e.numOfVrings * VRING_SIZE, hexBytes(e.config, `${where} config`));
      return;
    }
    case 'vendor':
    case 'unknown':
      putBytes(4, hexBytes(e.data, `${where} data`));
      return;
  }
}
