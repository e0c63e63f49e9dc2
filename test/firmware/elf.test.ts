// parseElf reads what buildElf writes (ELF32/64, both byte orders) and rejects malformed files with ElfError naming where.
import { ElfError } from '../../harness/errors';
import { findSection, parseElf, sectionBytes } from '../../harness/firmware/elf';
import { buildElf, type ElfBuildSpec } from '../../harness/firmware/elf-write';
import { LOG_BUF, firmwareSpec, stFirmware } from './fixtures';

function expectElfError(fn: () => unknown, message: string | RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(ElfError);
  expect((thrown as ElfError).code).toBe('E_ELF');
  expect((thrown as Error).message).toMatch(message);
}

describe.each([
  [32, true],
  [32, false],
  [64, true],
  [64, false],
] as const)('ELF%i little-endian=%s round trip through buildElf/parseElf', (cls, le) => {
  const elf = parseElf(stFirmware({ class: cls, littleEndian: le }));

  test('header', () => {
    expect(elf.header).toMatchObject({ class: cls, littleEndian: le, type: 2, machine: 40, entry: 0x10000101, phnum: 3 });
  });

  test('sections carry their names and addresses', () => {
    expect(elf.sections.map((s) => s.name)).toEqual(['', '.isr_vector', '.text', '.data', '.resource_table', '.bss', '.symtab', '.strtab', '.shstrtab']);
    expect(findSection(elf, '.resource_table')).toMatchObject({ addr: 0x10020040, size: 0x8c, type: 1 });
    expect(findSection(elf, '.bss')).toMatchObject({ type: 8, size: 0x1000 });
  });

  test('segments cover the sections they were built from', () => {
    expect(elf.segments.map((s) => [s.type, s.paddr, s.filesz, s.memsz])).toEqual([
      [1, 0x0, 0x298, 0x298],
      [1, 0x10000000, 0x400, 0x400],
      [1, 0x10020000, 0x40 + 0x8c, 0x100200cc + 0x1000 - 0x10020000],
    ]);
  });

  test('symbols with type, bind and section', () => {
    const log = elf.symbols.find((s) => s.name === 'system_log_buf');
    expect(log).toEqual({ name: 'system_log_buf', value: LOG_BUF, size: 2048, type: 'object', bind: 1, sectionIndex: 5 });
    expect(elf.symbols.find((s) => s.name === 'Reset_Handler')?.type).toBe('func');
    expect(elf.symbols.find((s) => s.name === '$d')?.bind).toBe(0);
  });

  test('sectionBytes returns the section contents', () => {
    const text = findSection(elf, '.text');
    expect(text && Array.from(sectionBytes(elf, text).subarray(0, 4))).toEqual([0x22, 0x22, 0x22, 0x22]);
  });
});

describe('parseElf symbol table choice', () => {
  test('falls back to .dynsym when there is no .symtab', () => {
    const bytes = stFirmware();
    const elf = parseElf(bytes);
    const symtab = findSection(elf, '.symtab');
    expect(symtab).toBeDefined();
    // turn SHT_SYMTAB (2) into SHT_DYNSYM (11) in place
    const view = new DataView(bytes.buffer);
    view.setUint32(elf.header.shoff + (symtab?.index ?? 0) * 40 + 4, 11, true);
    expect(parseElf(bytes).symbols.map((s) => s.name)).toContain('system_log_buf');
  });

  test('a file without symbols has an empty list', () => {
    const spec: ElfBuildSpec = { ...firmwareSpec() };
    delete spec.symbols;
    expect(parseElf(buildElf(spec)).symbols).toEqual([]);
  });
});

describe('parseElf rejects malformed files with ElfError, never RangeError', () => {
  const good = stFirmware();
  const patch = (edit: (v: DataView, b: Uint8Array) => void): Uint8Array => {
    const b = Uint8Array.from(good);
    edit(new DataView(b.buffer), b);
    return b;
  };

  test('too short for the identification', () => {
    expectElfError(() => parseElf(new Uint8Array(4)), 'file is 4 bytes, too small for an ELF identification (16 bytes)');
  });

  test('bad magic', () => {
    expectElfError(() => parseElf(patch((_v, b) => (b[1] = 0x46))), 'not an ELF file: bad magic (expected 7f 45 4c 46 at offset 0)');
  });

  test('bad class and data encoding', () => {
    expectElfError(() => parseElf(patch((_v, b) => (b[4] = 3))), 'unsupported ELF class 3 at offset 0x4 (expected 1 = ELF32 or 2 = ELF64)');
    expectElfError(() => parseElf(patch((_v, b) => (b[5] = 0))), 'unsupported ELF data encoding 0 at offset 0x5 (expected 1 = little or 2 = big endian)');
  });

  test('header cut short', () => {
    expectElfError(() => parseElf(good.subarray(0, 40)), 'ELF32 header extends past end of file: needs 0x34 bytes, file size 0x28');
  });

  test('hostile e_shnum is rejected before anything is allocated for it', () => {
    const b = patch((v) => v.setUint16(48, 0xffff, true));
    expectElfError(() => parseElf(b), /^section header table extends past end of file: offset 0x[0-9a-f]+ \+ 65535 x 0x28 = 0x[0-9a-f]+ > file size 0x[0-9a-f]+$/);
  });

  test('program header table past the end', () => {
    expectElfError(() => parseElf(patch((v) => v.setUint32(28, good.length - 8, true))), /^program header table extends past end of file/);
  });

  test('undersized section header entries', () => {
    expectElfError(() => parseElf(patch((v) => v.setUint16(46, 8, true))), 'section header table entry size 0x8 is smaller than the ELF minimum 0x28');
  });

  test('a section whose contents run past the end names the section and the numbers', () => {
    const elf = parseElf(good);
    const text = findSection(elf, '.text');
    const b = patch((v) => v.setUint32(elf.header.shoff + (text?.index ?? 0) * 40 + 20, 0x100000, true));
    expectElfError(() => parseElf(b), `section header 2 (.text) extends past end of file: offset ${'0x' + (text?.offset ?? 0).toString(16)} + size 0x100000 > file size 0x${good.length.toString(16)}`);
  });

  test('e_shstrndx naming no section', () => {
    expectElfError(() => parseElf(patch((v) => v.setUint16(50, 40, true))), 'e_shstrndx 40 names no section (the file has 9 section headers)');
  });

  test('64-bit values above 2^53', () => {
    const b = stFirmware({ class: 64 });
    new DataView(b.buffer).setBigUint64(24, 0xffffffffffffffffn, true);
    expectElfError(() => parseElf(b), 'e_entry at offset 0x18 is 0xffffffffffffffff, above 2^53: not a usable firmware value');
  });

  test('sectionBytes refuses a section outside the file', () => {
    const elf = parseElf(good);
    const text = findSection(elf, '.text');
    expect(text).toBeDefined();
    if (text) expectElfError(() => sectionBytes(elf, { ...text, size: good.length }), /^section header 2 \(\.text\) extends past end of file/);
  });
});

describe('buildElf refuses specs that cannot be written', () => {
  test('a segment naming an unknown section', () => {
    expectElfError(() => buildElf({ sections: [], segments: [{ sections: ['.nope'] }] }), 'segment covers section ".nope", which the spec does not define');
  });

  test('a symbol naming an unknown section', () => {
    expectElfError(() => buildElf({ sections: [], symbols: [{ name: 'x', value: 0, section: '.nope' }] }), 'symbol x names section ".nope", which the spec does not define');
  });
});
