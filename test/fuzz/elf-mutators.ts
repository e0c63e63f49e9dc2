// Structure-aware generators of hostile firmware: seed ELFs, their header/table field slots, and mutations aimed at them.
import fc from 'fast-check';
import { applyMutation, buildResourceTable, encodeResourceTable, MUTATIONS, parseElf, type EntrySpec } from '../../harness/firmware';
import { stFirmware } from '../firmware/fixtures';
import { firmwareImage, MP25 } from '../virtual/kernel/fixtures';

/** A place in a seed file where a number lives: ELF header, program/section header fields, resource-table words. */
export interface Slot {
  offset: number;
  width: 2 | 4 | 8;
}

export interface Seed {
  name: string;
  bytes: Uint8Array;
  littleEndian: boolean;
  slots: Slot[];
  /** file offset and size of `.resource_table` (for table-only mutations), if any */
  table?: { offset: number; size: number };
}

const ELF32 = { header: [[16, 2], [18, 2], [20, 4], [24, 4], [28, 4], [32, 4], [36, 4], [40, 2], [42, 2], [44, 2], [46, 2], [48, 2], [50, 2]], ph: 32, phFields: [[0, 4], [4, 4], [8, 4], [12, 4], [16, 4], [20, 4], [24, 4], [28, 4]], sh: 40, shFields: [[0, 4], [4, 4], [8, 4], [12, 4], [16, 4], [20, 4], [24, 4], [28, 4], [32, 4], [36, 4]] } as const;
const ELF64 = { header: [[16, 2], [18, 2], [20, 4], [24, 8], [32, 8], [40, 8], [48, 4], [52, 2], [54, 2], [56, 2], [58, 2], [60, 2], [62, 2]], ph: 56, phFields: [[0, 4], [4, 4], [8, 8], [16, 8], [24, 8], [32, 8], [40, 8], [48, 8]], sh: 64, shFields: [[0, 4], [4, 4], [8, 8], [16, 8], [24, 8], [32, 8], [40, 4], [44, 4], [48, 8], [56, 8]] } as const;

export function seedOf(name: string, bytes: Uint8Array): Seed {
  const elf = parseElf(bytes);
  const layout = elf.header.class === 64 ? ELF64 : ELF32;
  const slots: Slot[] = layout.header.map(([offset, width]) => ({ offset, width }));
  for (let i = 0; i < elf.header.phnum; i++) for (const [o, w] of layout.phFields) slots.push({ offset: elf.header.phoff + i * layout.ph + o, width: w });
  for (let i = 0; i < elf.header.shnum; i++) for (const [o, w] of layout.shFields) slots.push({ offset: elf.header.shoff + i * layout.sh + o, width: w });
  const rsc = elf.sections.find((s) => s.name === '.resource_table');
  if (rsc) for (let o = 0; o + 4 <= rsc.size; o += 4) slots.push({ offset: rsc.offset + o, width: 4 });
  return { name, bytes, littleEndian: elf.header.littleEndian, slots, ...(rsc ? { table: { offset: rsc.offset, size: rsc.size } } : {}) };
}

const base = stFirmware();
/** ST-like ELF32/ELF64/big-endian images, MP15/MP25 twin-like images, no table, a big table, and the catalogue's negative variants */
export const SEEDS: Seed[] = [
  seedOf('st32', base),
  seedOf('st64', stFirmware({ class: 64 })),
  seedOf('st32-be', stFirmware({ littleEndian: false })),
  seedOf('mp15', firmwareImage()),
  seedOf('mp25', firmwareImage({ map: MP25 })),
  seedOf('no-table', stFirmware({ table: null })),
  seedOf('vendor-table', stFirmware({ table: encodeResourceTable(buildResourceTable({ entries: Array.from({ length: 24 }, (_, i) => ({ type: 'vendor' as const, typeId: 128 + i, data: 'aabbccdd' })) })) })),
  ...MUTATIONS.flatMap((m) => {
    try {
      return [seedOf(`mut-${m.name}`, applyMutation(base, m.name))];
    } catch {
      return []; // a mutation whose result is not parseable is still reached by the byte-level mutators
    }
  }),
];

/** Values that break size and offset arithmetic, resolved against the slot width and the file length when applied. */
const SPECIAL = ['0', '1', '2', '4', '0x7f', '0x80', '0xff', '0x100', '0x7fff', '0x8000', '0xffff', 'len-1', 'len', 'len+1', '2len', '16', '52', '64', 'max', 'half', 'half+1', 'max-1'] as const;
type Special = (typeof SPECIAL)[number];

function resolve(v: Special | bigint, width: 2 | 4 | 8, fileLength: number): bigint {
  const max = (1n << BigInt(width * 8)) - 1n;
  if (typeof v === 'bigint') return v & max;
  const len = BigInt(fileLength);
  const named: Partial<Record<Special, bigint>> = { 'len-1': len - 1n, len, 'len+1': len + 1n, '2len': 2n * len, max, half: max >> 1n, 'half+1': (max >> 1n) + 1n, 'max-1': max - 1n };
  return (named[v] ?? BigInt(v)) & max;
}

/** A number field value: mostly the special values, sometimes any 64-bit pattern. */
export const hostileValue: fc.Arbitrary<Special | bigint> = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...SPECIAL) }, { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) });

function putSlot(b: Uint8Array, slot: Slot, value: bigint, le: boolean): void {
  if (slot.offset + slot.width > b.length) return;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (slot.width === 2) v.setUint16(slot.offset, Number(value), le);
  else if (slot.width === 4) v.setUint32(slot.offset, Number(value), le);
  else v.setBigUint64(slot.offset, value, le);
}

/** Edits are plain data drawn independently of the seed (cheap to generate and to shrink) and applied modulo its size. */
type EditSpec =
  | { k: 'field'; slot: number; value: Special | bigint }
  | { k: 'byte'; at: number; value: number }
  | { k: 'truncate'; keep: number }
  | { k: 'extend'; tail: Uint8Array }
  | { k: 'splice'; from: number; to: number; len: number }
  | { k: 'table'; fill: Uint8Array };

const fieldEdit = fc.record({ k: fc.constant('field' as const), slot: fc.nat(), value: hostileValue });
const editSpec: fc.Arbitrary<EditSpec> = fc.oneof(
  { weight: 4, arbitrary: fieldEdit },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('byte' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('truncate' as const), keep: fc.nat({ max: 1000 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('extend' as const), tail: fc.uint8Array({ maxLength: 256 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('splice' as const), from: fc.nat(), to: fc.nat(), len: fc.integer({ min: 1, max: 128 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('table' as const), fill: fc.uint8Array({ maxLength: 200 }) }) },
);

function applyEdit(b: Uint8Array, e: EditSpec, seed: Seed): Uint8Array {
  switch (e.k) {
    case 'field': {
      const slot = seed.slots[e.slot % seed.slots.length] as Slot;
      putSlot(b, slot, resolve(e.value, slot.width, b.length), seed.littleEndian);
      return b;
    }
    case 'byte':
      if (b.length > 0) b[e.at % b.length] = e.value;
      return b;
    case 'truncate':
      return b.subarray(0, Math.floor((b.length * e.keep) / 1000));
    case 'extend': {
      const out = new Uint8Array(b.length + e.tail.length);
      out.set(b);
      out.set(e.tail, b.length);
      return out;
    }
    case 'splice': {
      if (b.length === 0) return b;
      const from = e.from % b.length;
      const to = e.to % b.length;
      b.copyWithin(to, from, Math.min(b.length, from + e.len));
      return b;
    }
    case 'table':
      if (seed.table) b.set(e.fill.subarray(0, Math.max(0, Math.min(seed.table.size, b.length - seed.table.offset))), Math.min(seed.table.offset, b.length));
      return b;
  }
}

/** One of `seeds` with 1 to 8 edits, the first one aimed at a structure field. */
export function mutatedFrom(seeds: readonly Seed[]): fc.Arbitrary<Uint8Array> {
  return fc.tuple(fc.nat({ max: seeds.length - 1 }), fieldEdit, fc.array(editSpec, { maxLength: 7 })).map(([i, first, rest]) => {
    const seed = seeds[i] as Seed;
    return [first, ...rest].reduce<Uint8Array>((b, e) => applyEdit(b, e, seed), Uint8Array.from(seed.bytes));
  });
}

export const mutatedElf: fc.Arbitrary<Uint8Array> = mutatedFrom(SEEDS);

/** Bytes that pass the magic check (so the header parser is reached), then anything. */
export const elfPrefixed: fc.Arbitrary<Uint8Array> = fc
  .tuple(fc.constantFrom(1, 2, 0, 3), fc.constantFrom(1, 2, 0), fc.uint8Array({ maxLength: 1024 }))
  .map(([cls, data, rest]) => Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, cls, data, ...rest]));

const u32 = fc.oneof(fc.constantFrom(0, 1, 0xffffffff, 0x80000000, 0x7fffffff, 0x10000000), fc.nat({ max: 0xffffffff }));
const name = fc.string({ maxLength: 40 });
const hexData = fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('hex'));
const vring = fc.record({ da: u32, align: u32, num: u32, notifyId: u32, pa: u32 });
const entrySpec: fc.Arbitrary<EntrySpec> = fc.oneof(
  fc.record({ type: fc.constant('carveout' as const), da: u32, pa: u32, len: u32, flags: u32, reserved: u32, name }),
  fc.record({ type: fc.constant('devmem' as const), da: u32, pa: u32, len: u32, flags: u32, reserved: u32, name }),
  fc.record({ type: fc.constant('trace' as const), da: u32, len: u32, reserved: u32, name }),
  fc.record({ type: fc.constant('vdev' as const), id: fc.constantFrom(7, 0, 3), dfeatures: u32, vrings: fc.array(vring, { maxLength: 4 }), config: hexData }),
  fc.record({ type: fc.constant('vendor' as const), typeId: fc.integer({ min: 128, max: 511 }), data: hexData }),
  fc.record({ type: fc.constant('unknown' as const), typeId: fc.integer({ min: 4, max: 127 }), data: hexData }),
);

/** A well-formed table from random entries, then hostile 32-bit words written over header, offsets and fields. */
export const mutatedTable: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.array(entrySpec, { maxLength: 8 }),
    fc.nat({ max: 64 }),
    fc.array(fc.tuple(fc.nat(), u32), { maxLength: 6 }),
    fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  )
  .map(([entries, padding, words, cut]) => {
    const b = encodeResourceTable(buildResourceTable({ entries, padding, version: 1 }));
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const nWords = Math.floor(b.length / 4);
    for (const [at, value] of words) if (nWords > 0) v.setUint32((at % nWords) * 4, value, true);
    return cut === undefined ? b : b.subarray(0, Math.floor(b.length * cut));
  });

/** A seed ELF carrying a generated (then mutated) table: the table rules and the board rules run on it. */
export const elfWithMutatedTable: fc.Arbitrary<Uint8Array> = fc.tuple(mutatedTable, fc.boolean()).map(([table, is64]) => stFirmware({ table, class: is64 ? 64 : 32 }));
