// Fuzz (100k cases in CI): analyzeFirmware, parseElf and decodeResourceTable on arbitrary and structure-aware hostile bytes.
import fc from 'fast-check';
import { analyzeFirmware, decodeResourceTable, encodeResourceTable, parseElf } from '../../harness/firmware';
import { DK2 } from '../firmware/fixtures';
import { elfPrefixed, elfWithMutatedTable, mutatedElf, mutatedTable, SEEDS } from './elf-mutators';
import { HangWatchdog, must, params, retainedPerCase, runs, Tally, transientBytes, typedOnly } from './fuzz-kit';

const watchdog = new HangWatchdog();
afterEach(() => watchdog.disarm());

/** analyzeFirmware is documented never to throw for bad bytes (ELF problems become findings); the other two throw only their own codes. */
function allThree(bytes: Uint8Array, tally: Tally): void {
  watchdog.beat();
  const report = analyzeFirmware(bytes, { file: 'fuzz.elf', board: DK2 });
  // DESIGN §4.1: a board that boots has no errno, one that does not has the kernel's
  must((report.verdict.errno === null) === report.verdict.boots, 'verdict.errno is null exactly when the firmware boots');
  tally.add(`elf:${typedOnly(() => parseElf(bytes), ['E_ELF'])}`);
  tally.add(`rsc:${typedOnly(() => decodeResourceTable(bytes, 0), ['E_RSC'])}`);
}

describe('firmware inputs: only typed errors, never a crash or a hang', () => {
  test(`arbitrary bytes and ELF-magic-prefixed garbage (${runs(20_000)} cases)`, () => {
    watchdog.arm('arbitrary bytes');
    const tally = new Tally();
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 2048 }), elfPrefixed), (b) => allThree(b, tally)), params(20_000));
    // the generator reaches both sides of the header parser
    expect(tally.has('elf:E_ELF')).toBe(true);
    expect(tally.has('rsc:ok')).toBe(true);
  });

  test(`structure-aware mutations of ${SEEDS.length} seed ELFs: header, program/section header and table fields set to hostile values (${runs(50_000)} cases)`, () => {
    watchdog.arm('mutated ELFs');
    const tally = new Tally();
    fc.assert(
      fc.property(mutatedElf, fc.constantFrom(DK2, undefined), (b, board) => {
        watchdog.beat();
        const report = analyzeFirmware(b, board ? { file: 'm.elf', board } : { file: 'm.elf' });
        must((report.verdict.errno === null) === report.verdict.boots, 'verdict.errno is null exactly when the firmware boots');
        tally.add(`boots:${report.verdict.boots}`);
        tally.add(`elf:${typedOnly(() => parseElf(b), ['E_ELF'])}`);
      }),
      params(50_000),
    );
    // mutations are neither all harmless nor all fatal: both verdicts and both parser outcomes occur
    expect([tally.has('boots:true'), tally.has('boots:false'), tally.has('elf:ok'), tally.has('elf:E_ELF')]).toEqual([true, true, true, true]);
  });

  test(`generated resource tables with hostile words, alone and inside an ELF (${runs(30_000)} cases)`, () => {
    watchdog.arm('mutated tables');
    const tally = new Tally();
    fc.assert(
      fc.property(mutatedTable, (t) => {
        watchdog.beat();
        tally.add(typedOnly(() => {
          const decoded = decodeResourceTable(t, 0x10020000);
          // what decodes re-encodes to a table of the same size that decodes the same (bytes after a name's NUL are not kept)
          const again = encodeResourceTable(decoded);
          must(again.length === t.length, 're-encoded table has the decoded size');
          must(JSON.stringify(decodeResourceTable(again, 0x10020000)) === JSON.stringify(decoded), 'decode(encode(decode(b))) equals decode(b)');
        }, ['E_RSC']));
      }),
      params(25_000),
    );
    fc.assert(
      fc.property(elfWithMutatedTable, (b) => {
        watchdog.beat();
        const report = analyzeFirmware(b, { file: 't.elf', board: DK2 });
        tally.add(`boots:${report.verdict.boots}`);
      }),
      params(5_000),
    );
    expect([tally.has('ok'), tally.has('E_RSC'), tally.has('boots:true'), tally.has('boots:false')]).toEqual([true, true, true, true]);
  });
});

describe('firmware inputs: memory stays bounded whatever the size fields claim', () => {
  const HOSTILE = [0xffff, 0x7fffffff, 0xffffffff];

  /** every 16/32-bit count or size slot of every seed set to a hostile value, one slot per file */
  function hostileFiles(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const seed of SEEDS.slice(0, 7)) {
      for (const slot of seed.slots) {
        if (slot.width === 8) continue;
        for (const value of HOSTILE) {
          const b = Uint8Array.from(seed.bytes);
          const v = new DataView(b.buffer);
          if (slot.width === 2) v.setUint16(slot.offset, value & 0xffff, seed.littleEndian);
          else v.setUint32(slot.offset, value, seed.littleEndian);
          out.push(b);
        }
      }
    }
    return out;
  }

  test('the reports of thousands of files with huge claimed counts retain a small multiple of the file, not of the claim', () => {
    const files = hostileFiles();
    const largest = Math.max(...files.map((f) => f.length));
    const { perCase, kept } = retainedPerCase(files.length, () => files.map((f) => analyzeFirmware(f, { file: 'h.elf', board: DK2 })));
    expect(kept).toHaveLength(files.length);
    // a report holds the file's sha256, findings and the decoded table: tens of KiB at most for these 3-6 KiB files
    expect(perCase).toBeLessThan(64 * 1024 + 16 * largest);
  });

  test('no single call allocates by a claimed size: e_shnum/e_phnum/sh_size/num/num_of_vrings = max', () => {
    const files = hostileFiles();
    let worst = 0;
    // a collection costs ~0.1 s, so a spread sample of the files rather than all of them
    const step = Math.ceil(files.length / 24);
    for (let i = 0; i < files.length; i += step) {
      const f = files[i] as Uint8Array;
      worst = Math.max(worst, transientBytes(() => {
        analyzeFirmware(f, { file: 'h.elf', board: DK2 });
        try {
          parseElf(f);
        } catch {
          // typed refusals are covered above; this measures allocation only
        }
      }));
    }
    // 0xffffffff entries of anything is gigabytes; the bound is what a few copies of a small file and its report cost
    expect(worst).toBeLessThan(8 * 1024 * 1024);
  });
});
