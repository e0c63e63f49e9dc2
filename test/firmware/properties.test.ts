// Property tests: random bytes and random edits of good firmware only ever give ElfError/RscError or findings, never another throw.
import fc from 'fast-check';
import { ElfError, RscError } from '../../harness/errors';
import { analyzeFirmware } from '../../harness/firmware/analyze';
import { parseElf } from '../../harness/firmware/elf';
import { buildResourceTable } from '../../harness/firmware/rsc-build';
import { decodeResourceTable, encodeResourceTable } from '../../harness/firmware/rsc-codec';
import type { VdevEntry } from '../../harness/firmware/types';
import { DK2, DK2_PROBE, stFirmware } from './fixtures';
import { tableBytes } from './rule-helpers';

const good32 = stFirmware();
const good64 = stFirmware({ class: 64 });
const goodTable = tableBytes();

/** Only the project's input errors may escape. */
function onlyInputErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ElfError) && !(e instanceof RscError)) throw e;
  }
}

const edits = (base: Uint8Array) =>
  fc.array(fc.record({ at: fc.nat({ max: base.length - 1 }), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 12 }).map((list) => {
    const b = Uint8Array.from(base);
    for (const { at, value } of list) b[at] = value;
    return b;
  });

/** Overwrites aligned 32-bit words with hostile values (0, 0xffffffff, 2^31, small) rather than single bytes. */
const wordEdits = (base: Uint8Array) =>
  fc.array(fc.record({ word: fc.nat({ max: Math.floor(base.length / 4) - 1 }), value: fc.constantFrom(0, 1, 2, 3, 255, 0x7fffffff, 0x80000000, 0xffffffff, 0x10000) }), { minLength: 1, maxLength: 6 }).map((list) => {
    const b = Uint8Array.from(base);
    const v = new DataView(b.buffer);
    for (const { word, value } of list) v.setUint32(word * 4, value, true);
    return b;
  });

describe('analyzeFirmware never throws', () => {
  test('on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (b) => {
      const r = analyzeFirmware(b, { file: 'r', board: DK2 });
      expect(typeof r.verdict.boots).toBe('boolean');
    }), { numRuns: 300 });
  });

  test('on random byte edits of good ELF32 and ELF64 firmware, with and without a board', () => {
    fc.assert(fc.property(fc.oneof(edits(good32), edits(good64), wordEdits(good32)), fc.constantFrom(DK2, DK2_PROBE, undefined), (b, board) => {
      const r = analyzeFirmware(b, board ? { file: 'e', board } : { file: 'e' });
      // a fatal finding outside vdev/board phases always means no boot, and vice versa
      const bootFatal = r.findings.some((f) => f.severity === 'fatal' && f.phase !== 'vdev' && f.phase !== 'board');
      expect(r.verdict.boots).toBe(!bootFatal);
      expect(r.verdict.errno === null).toBe(r.verdict.boots);
      if (!r.verdict.boots) expect(r.verdict.traces).toEqual([]);
    }), { numRuns: 400 });
  });

  test('on ELF headers with hostile counts (e_shnum, e_phnum, entry sizes)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), (shnum, phnum, entsize) => {
      const b = Uint8Array.from(good32);
      const v = new DataView(b.buffer);
      v.setUint16(48, shnum, true);
      v.setUint16(44, phnum, true);
      v.setUint16(46, entsize, true);
      analyzeFirmware(b, { file: 'h', board: DK2 });
      onlyInputErrors(() => parseElf(b));
    }), { numRuns: 200 });
  });
});

describe('parseElf and the codec only throw their own errors', () => {
  test('parseElf on edited ELFs', () => {
    fc.assert(fc.property(fc.oneof(edits(good32), edits(good64), wordEdits(good64)), (b) => onlyInputErrors(() => parseElf(b))), { numRuns: 400 });
  });

  test('decode on random and edited tables; re-encoding what was decoded never throws either', () => {
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), edits(goodTable), wordEdits(goodTable)), (b) => {
      onlyInputErrors(() => {
        const t = decodeResourceTable(b, 0);
        const again = encodeResourceTable(t);
        expect(again.length).toBe(b.length);
        // what decodes re-encodes to something that decodes to the same table
        expect(decodeResourceTable(again, 0)).toEqual(t);
      });
    }), { numRuns: 400 });
  });
});

describe('hostile counts cost nothing proportional to them', () => {
  test('num = 0xffffffff decodes to at most (size - 16) / 4 offsets', () => {
    fc.assert(fc.property(fc.integer({ min: 16, max: 400 }), (size) => {
      const b = new Uint8Array(size);
      const v = new DataView(b.buffer);
      v.setUint32(0, 1, true);
      v.setUint32(4, 0xffffffff, true);
      const t = decodeResourceTable(b, 0);
      expect(t.offsets.length).toBe(Math.floor((size - 16) / 4));
      expect(t.entries.length).toBeLessThanOrEqual(t.offsets.length);
    }));
  });

  test('num_of_vrings = 255 lists only the vrings whose bytes are present', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 200 }), (extra) => {
      const t = buildResourceTable({ entries: [{ type: 'vdev', id: 7, dfeatures: 1, vrings: [] }], padding: extra });
      const b = encodeResourceTable(t);
      b[20 + 25] = 255;
      const vdev = decodeResourceTable(b, 0).entries[0] as VdevEntry;
      expect(vdev.vrings.length).toBe(Math.ceil(extra / 20));
      const r = analyzeFirmware(stFirmware({ table: b }), { file: 'v', board: DK2 });
      expect(r.findings.map((f) => f.code)).toContain('vdev-truncated');
    }));
  });
});

describe('large tables', () => {
  test('5000 vendor entries (65 KB of table in MCU SRAM2) are all decoded and each draws one warning', () => {
    const entries = Array.from({ length: 5000 }, (_, i) => ({ type: 'vendor' as const, typeId: 128 + (i % 300), data: '00' }));
    const r = analyzeFirmware(stFirmware({ table: encodeResourceTable(buildResourceTable({ entries })) }), { file: 'big', board: DK2 });
    expect(r.table?.entries).toHaveLength(5000);
    expect(r.findings.filter((f) => f.code === 'vendor-resource')).toHaveLength(5000);
    expect(r.verdict).toEqual({ boots: true, rpmsg: false, traces: [], errno: null });
  });
});

describe('round trip of built tables', () => {
  const vring = fc.record({ da: fc.nat({ max: 0xffffffff }), align: fc.nat({ max: 0xffffffff }), num: fc.nat({ max: 0xffffffff }), notifyId: fc.nat({ max: 0xffffffff }), pa: fc.nat({ max: 0xffffffff }) });
  const u32 = fc.nat({ max: 0xffffffff });
  const name = fc.string({ maxLength: 32, unit: fc.integer({ min: 1, max: 0x7e }).map((c) => String.fromCharCode(c)) });
  const hexData = fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b).toString('hex'));
  const entry = fc.oneof(
    fc.record({ type: fc.constant('carveout' as const), da: u32, pa: u32, len: u32, flags: u32, reserved: u32, name }),
    fc.record({ type: fc.constant('devmem' as const), da: u32, pa: u32, len: u32, flags: u32, reserved: u32, name }),
    fc.record({ type: fc.constant('trace' as const), da: u32, len: u32, reserved: u32, name }),
    fc.record({ type: fc.constant('vdev' as const), id: u32, dfeatures: u32, vrings: fc.array(vring, { maxLength: 3 }), config: hexData }),
    fc.record({ type: fc.constant('vendor' as const), typeId: fc.integer({ min: 128, max: 512 }), data: hexData }),
    fc.record({ type: fc.constant('unknown' as const), typeId: fc.integer({ min: 4, max: 127 }), data: hexData }),
  );

  test('decode(encode(t)) equals t and encode(decode(b)) equals b', () => {
    fc.assert(fc.property(fc.array(entry, { maxLength: 6 }), (entries) => {
      const t = buildResourceTable({ address: 0x10020000, entries });
      const b = encodeResourceTable(t);
      expect(decodeResourceTable(b, 0x10020000)).toEqual(t);
      expect(encodeResourceTable(decodeResourceTable(b, 0x10020000))).toEqual(b);
    }), { numRuns: 300 });
  });
});

describe('string tables without NUL bytes', () => {
  test('names are capped at 256 characters instead of running to the end of the table', () => {
    const long = 'q'.repeat(5000);
    const elf = parseElf(stFirmware({ extraSymbols: [{ name: long, value: 0x10000000, type: 'object', section: '.text' }] }));
    const sym = elf.symbols.find((s) => s.name.startsWith('qqq'));
    expect(sym?.name).toHaveLength(256);
  });
});
