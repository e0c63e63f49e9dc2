// ELF32/ELF64 reader (either byte order): header, named sections, segments, symbols; every offset checked against the file.
import { ElfError } from '../errors';
import { ByteReader, cString, hex } from './bytes';
import type { ElfFile, ElfHeader, ElfSection, ElfSegment, ElfSymbol, ElfSymbolType } from './types';

export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_NOBITS = 8;
export const SHT_DYNSYM = 11;
export const PT_LOAD = 1;

/** A section whose contents lie outside the file: fatal for parseElf, recorded for the lenient reader. */
export interface SectionProblem {
  section: ElfSection;
  message: string;
}

/** Result of the lenient reader: the file plus the sections whose bytes are missing. */
export interface ElfRead {
  elf: ElfFile;
  problems: SectionProblem[];
}

/** Strict reader: any structural problem, including a section past the end of the file, throws ElfError. */
export function parseElf(bytes: Uint8Array): ElfFile {
  const { elf, problems } = readElf(bytes);
  const first = problems[0];
  if (first) throw new ElfError(first.message, { offset: first.section.offset, section: first.section.name });
  return elf;
}

export function findSection(elf: ElfFile, name: string): ElfSection | undefined {
  return elf.sections.find((s) => s.name === name);
}

/** The file bytes of `section` (empty for NOBITS); throws ElfError when they lie outside the file. */
export function sectionBytes(elf: ElfFile, section: ElfSection): Uint8Array {
  if (section.type === SHT_NOBITS) return new Uint8Array(0);
  const problem = sectionProblem(section, elf.bytes.length);
  if (problem) throw new ElfError(problem, { offset: section.offset, section: section.name });
  return elf.bytes.subarray(section.offset, section.offset + section.size);
}

function sectionProblem(s: ElfSection, fileSize: number): string | undefined {
  if (s.type === SHT_NOBITS || s.offset + s.size <= fileSize) return undefined;
  const label = s.name ? ` (${s.name})` : '';
  return `section header ${s.index}${label} extends past end of file: offset ${hex(s.offset)} + size ${hex(s.size)} > file size ${hex(fileSize)}`;
}

/**
 * Lenient reader: the header, section and program header tables and the string tables must be readable (else
 * ElfError); sections whose contents lie outside the file are returned as `problems` instead of thrown, so the
 * kernel rules can report them the way the kernel does (e.g. `resource table truncated`).
 */
export function readElf(bytes: Uint8Array): ElfRead {
  const header = readHeader(bytes);
  const r = new ByteReader(bytes, header.littleEndian);
  const sections = readSections(r, header);
  const problems: SectionProblem[] = [];
  for (const s of sections) {
    const message = sectionProblem(s, bytes.length);
    if (message) problems.push({ section: s, message });
  }
  const segments = readSegments(r, header);
  const elf: ElfFile = { bytes, header, sections, segments, symbols: [] };
  elf.symbols = readSymbols(r, elf, problems);
  return { elf, problems };
}

export function readHeader(bytes: Uint8Array): ElfHeader {
  if (bytes.length < 16) throw new ElfError(`file is ${bytes.length} bytes, too small for an ELF identification (16 bytes)`, { offset: 0 });
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError('not an ELF file: bad magic (expected 7f 45 4c 46 at offset 0)', { offset: 0 });
  }
  const cls = bytes[4];
  if (cls !== 1 && cls !== 2) throw new ElfError(`unsupported ELF class ${String(cls)} at offset 0x4 (expected 1 = ELF32 or 2 = ELF64)`, { offset: 4 });
  const data = bytes[5];
  if (data !== 1 && data !== 2) throw new ElfError(`unsupported ELF data encoding ${String(data)} at offset 0x5 (expected 1 = little or 2 = big endian)`, { offset: 5 });
  const is64 = cls === 2;
  const r = new ByteReader(bytes, data === 1);
  const ehsize = is64 ? 64 : 52;
  if (bytes.length < ehsize) {
    throw new ElfError(`ELF${is64 ? 64 : 32} header extends past end of file: needs ${hex(ehsize)} bytes, file size ${hex(bytes.length)}`, { offset: 0 });
  }
  const w = is64 ? 8 : 4;
  const o = 24 + 3 * w; // offset of e_flags
  const h: ElfHeader = {
    class: is64 ? 64 : 32,
    littleEndian: data === 1,
    type: r.u16(16, 'e_type'),
    machine: r.u16(18, 'e_machine'),
    version: r.u32(20, 'e_version'),
    entry: r.word(24, is64, 'e_entry'),
    phoff: r.word(24 + w, is64, 'e_phoff'),
    shoff: r.word(24 + 2 * w, is64, 'e_shoff'),
    flags: r.u32(o, 'e_flags'),
    ehsize: r.u16(o + 4, 'e_ehsize'),
    phentsize: r.u16(o + 6, 'e_phentsize'),
    phnum: r.u16(o + 8, 'e_phnum'),
    shentsize: r.u16(o + 10, 'e_shentsize'),
    shnum: r.u16(o + 12, 'e_shnum'),
    shstrndx: r.u16(o + 14, 'e_shstrndx'),
  };
  checkTable(bytes.length, 'section header table', h.shoff, h.shnum, h.shentsize, is64 ? 64 : 40);
  checkTable(bytes.length, 'program header table', h.phoff, h.phnum, h.phentsize, is64 ? 56 : 32);
  return h;
}

/** Checks a header table fits in the file before anything proportional to its count is allocated. */
function checkTable(fileSize: number, what: string, offset: number, count: number, entsize: number, minEntsize: number): void {
  if (count === 0) return;
  if (entsize < minEntsize) {
    throw new ElfError(`${what} entry size ${hex(entsize)} is smaller than the ELF minimum ${hex(minEntsize)}`, { offset });
  }
  const end = offset + count * entsize;
  if (end > fileSize) {
    throw new ElfError(
      `${what} extends past end of file: offset ${hex(offset)} + ${count} x ${hex(entsize)} = ${hex(end)} > file size ${hex(fileSize)}`,
      { offset },
    );
  }
}

function readSections(r: ByteReader, h: ElfHeader): ElfSection[] {
  const is64 = h.class === 64;
  const raw: Array<ElfSection & { nameOffset: number }> = [];
  for (let i = 0; i < h.shnum; i++) {
    const b = h.shoff + i * h.shentsize;
    const what = `section header ${i}`;
    const w = is64 ? 8 : 4;
    raw.push({
      index: i,
      name: '',
      nameOffset: r.u32(b, `${what} sh_name`),
      type: r.u32(b + 4, `${what} sh_type`),
      flags: r.word(b + 8, is64, `${what} sh_flags`),
      addr: r.word(b + 8 + w, is64, `${what} sh_addr`),
      offset: r.word(b + 8 + 2 * w, is64, `${what} sh_offset`),
      size: r.word(b + 8 + 3 * w, is64, `${what} sh_size`),
      link: r.u32(b + 8 + 4 * w, `${what} sh_link`),
      info: r.u32(b + 12 + 4 * w, `${what} sh_info`),
      addralign: r.word(b + 16 + 4 * w, is64, `${what} sh_addralign`),
      entsize: r.word(b + 16 + 5 * w, is64, `${what} sh_entsize`),
    });
  }
  if (raw.length === 0) return [];
  const strtab = raw[h.shstrndx];
  if (!strtab) {
    throw new ElfError(`e_shstrndx ${h.shstrndx} names no section (the file has ${h.shnum} section headers)`, { offset: h.shoff });
  }
  const problem = sectionProblem(strtab, r.length);
  if (problem) throw new ElfError(`section name string table: ${problem}`, { offset: strtab.offset });
  return raw.map(({ nameOffset, ...s }) => ({ ...s, name: nameOffset < strtab.size ? cString(r.bytes, strtab.offset + nameOffset, strtab.offset + strtab.size) : '' }));
}

function readSegments(r: ByteReader, h: ElfHeader): ElfSegment[] {
  const is64 = h.class === 64;
  const out: ElfSegment[] = [];
  for (let i = 0; i < h.phnum; i++) {
    const b = h.phoff + i * h.phentsize;
    const what = `program header ${i}`;
    if (is64) {
      out.push({
        index: i,
        type: r.u32(b, `${what} p_type`),
        flags: r.u32(b + 4, `${what} p_flags`),
        offset: r.u64(b + 8, `${what} p_offset`),
        vaddr: r.u64(b + 16, `${what} p_vaddr`),
        paddr: r.u64(b + 24, `${what} p_paddr`),
        filesz: r.u64(b + 32, `${what} p_filesz`),
        memsz: r.u64(b + 40, `${what} p_memsz`),
        align: r.u64(b + 48, `${what} p_align`),
      });
    } else {
      out.push({
        index: i,
        type: r.u32(b, `${what} p_type`),
        offset: r.u32(b + 4, `${what} p_offset`),
        vaddr: r.u32(b + 8, `${what} p_vaddr`),
        paddr: r.u32(b + 12, `${what} p_paddr`),
        filesz: r.u32(b + 16, `${what} p_filesz`),
        memsz: r.u32(b + 20, `${what} p_memsz`),
        flags: r.u32(b + 24, `${what} p_flags`),
        align: r.u32(b + 28, `${what} p_align`),
      });
    }
  }
  return out;
}

const SYMBOL_TYPES: Record<number, ElfSymbolType> = { 0: 'notype', 1: 'object', 2: 'func', 3: 'section', 4: 'file' };

/** Symbols of .symtab, else .dynsym; a symbol table whose bytes are outside the file yields no symbols (it is in `problems`). */
function readSymbols(r: ByteReader, elf: ElfFile, problems: SectionProblem[]): ElfSymbol[] {
  const table = elf.sections.find((s) => s.type === SHT_SYMTAB) ?? elf.sections.find((s) => s.type === SHT_DYNSYM);
  if (!table || problems.some((p) => p.section === table)) return [];
  const is64 = elf.header.class === 64;
  const entsize = is64 ? 24 : 16;
  const strtab = elf.sections[table.link];
  const strOk = strtab !== undefined && !problems.some((p) => p.section === strtab) && strtab.type !== SHT_NOBITS;
  const count = Math.floor(table.size / entsize);
  const out: ElfSymbol[] = [];
  for (let i = 1; i < count; i++) {
    const b = table.offset + i * entsize;
    const what = `symbol ${i} of ${table.name || `section ${table.index}`}`;
    const nameOffset = r.u32(b, `${what} st_name`);
    const info = r.u8(b + (is64 ? 4 : 12), `${what} st_info`);
    const shndx = r.u16(b + (is64 ? 6 : 14), `${what} st_shndx`);
    const value = is64 ? r.u64(b + 8, `${what} st_value`) : r.u32(b + 4, `${what} st_value`);
    const size = is64 ? r.u64(b + 16, `${what} st_size`) : r.u32(b + 8, `${what} st_size`);
    const name = strOk && nameOffset < strtab.size ? cString(r.bytes, strtab.offset + nameOffset, strtab.offset + strtab.size) : '';
    out.push({ name, value, size, type: SYMBOL_TYPES[info & 0xf] ?? 'other', bind: info >> 4, sectionIndex: shndx });
  }
  return out;
}
