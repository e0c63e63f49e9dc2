// Small ELF writer (ELF32/ELF64, either byte order) for test fixtures and mutations: sections, segments, symbols.
import { ElfError } from '../errors';
import { SHT_NOBITS, SHT_STRTAB, SHT_SYMTAB } from './elf';
import { StringTable, Writer, symbolTables } from './elf-write-parts';
import type { ElfSymbolType } from './types';

export interface ElfSectionSpec {
  name: string;
  /** default PROGBITS (1), or NOBITS (8) when only `size` is given */
  type?: number;
  /** default SHF_ALLOC (2) */
  flags?: number;
  addr?: number;
  data?: Uint8Array;
  /** size of a NOBITS section (or of a PROGBITS one without data: zero filled) */
  size?: number;
  /** default 4 */
  align?: number;
}

export interface ElfSegmentSpec {
  /** default PT_LOAD (1) */
  type?: number;
  /** default 7 (RWX) */
  flags?: number;
  /** default: address of the first covered section */
  vaddr?: number;
  /** default: vaddr */
  paddr?: number;
  align?: number;
  /** names of the sections the segment covers (contiguous in the file, in this order) */
  sections?: string[];
  /** explicit values win over those derived from `sections` */
  offset?: number;
  filesz?: number;
  memsz?: number;
}

export interface ElfSymbolSpec {
  name: string;
  value: number;
  size?: number;
  type?: ElfSymbolType;
  /** 0 local, 1 global (default), 2 weak */
  bind?: number;
  /** the section it belongs to (default: absolute) */
  section?: string;
}

export interface ElfBuildSpec {
  class?: 32 | 64;
  littleEndian?: boolean;
  /** e_type, default 2 (EXEC) */
  type?: number;
  /** e_machine, default 40 (ARM) */
  machine?: number;
  entry?: number;
  flags?: number;
  sections: ElfSectionSpec[];
  segments?: ElfSegmentSpec[];
  /** when given (even empty), .symtab and .strtab are written */
  symbols?: ElfSymbolSpec[];
}

export interface Placed {
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  data: Uint8Array | null;
  align: number;
  link: number;
  info: number;
  entsize: number;
}

const alignUp = (n: number, a: number): number => (a > 1 ? Math.ceil(n / a) * a : n);

export function buildElf(spec: ElfBuildSpec): Uint8Array {
  const is64 = spec.class === 64;
  const le = spec.littleEndian ?? true;
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const shentsize = is64 ? 64 : 40;
  const segs = spec.segments ?? [];

  const placed: Placed[] = spec.sections.map((s) => {
    const nobits = s.type === SHT_NOBITS || (s.type === undefined && !s.data && s.size !== undefined && s.size > 0);
    return {
      name: s.name,
      type: s.type ?? (nobits ? SHT_NOBITS : 1),
      flags: s.flags ?? 2,
      addr: s.addr ?? 0,
      offset: 0,
      size: s.data?.length ?? s.size ?? 0,
      data: nobits ? null : (s.data ?? new Uint8Array(s.size ?? 0)),
      align: s.align ?? 4,
      link: 0,
      info: 0,
      entsize: 0,
    };
  });
  const shstr = new StringTable();
  if (spec.symbols) {
    const { symtab, strtab, locals } = symbolTables(spec.symbols, placed, is64, le);
    const strIndex = placed.length + 2; // section 0 is NULL, symtab is placed.length + 1
    placed.push({ name: '.symtab', type: SHT_SYMTAB, flags: 0, addr: 0, offset: 0, size: symtab.length, data: symtab, align: is64 ? 8 : 4, link: strIndex, info: locals, entsize: is64 ? 24 : 16 });
    placed.push({ name: '.strtab', type: SHT_STRTAB, flags: 0, addr: 0, offset: 0, size: strtab.length, data: strtab, align: 1, link: 0, info: 0, entsize: 0 });
  }
  const nameOffsets = placed.map((p) => shstr.add(p.name));
  const shstrName = shstr.add('.shstrtab');
  const shstrData = Uint8Array.from(shstr.bytes);
  placed.push({ name: '.shstrtab', type: SHT_STRTAB, flags: 0, addr: 0, offset: 0, size: shstrData.length, data: shstrData, align: 1, link: 0, info: 0, entsize: 0 });
  nameOffsets.push(shstrName);

  let cursor = ehsize + phentsize * segs.length;
  for (const p of placed) {
    cursor = alignUp(cursor, p.align);
    p.offset = cursor;
    if (p.data) cursor += p.data.length;
  }
  const shoff = alignUp(cursor, is64 ? 8 : 4);
  const shnum = placed.length + 1;
  const w = new Writer(shoff + shnum * shentsize, le, is64);

  writeHeader(w, spec, is64, le, { ehsize, phentsize, shentsize, phnum: segs.length, shoff, shnum, shstrndx: shnum - 1 });
  segs.forEach((s, i) => writeSegment(w, ehsize + i * phentsize, resolveSegment(s, placed), is64));
  placed.forEach((p, i) => {
    if (p.data) w.buf.set(p.data, p.offset);
    writeSection(w, shoff + (i + 1) * shentsize, p, nameOffsets[i] ?? 0, is64);
  });
  return w.buf;
}

function writeHeader(
  w: Writer,
  spec: ElfBuildSpec,
  is64: boolean,
  le: boolean,
  t: { ehsize: number; phentsize: number; shentsize: number; phnum: number; shoff: number; shnum: number; shstrndx: number },
): void {
  w.buf.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1], 0);
  w.u16(16, spec.type ?? 2);
  w.u16(18, spec.machine ?? 40);
  w.u32(20, 1);
  const ws = is64 ? 8 : 4;
  w.word(24, spec.entry ?? 0);
  w.word(24 + ws, t.phnum > 0 ? t.ehsize : 0);
  w.word(24 + 2 * ws, t.shoff);
  const o = 24 + 3 * ws;
  w.u32(o, spec.flags ?? 0x05000200); // EABI5, hard-float ABI unspecified: what arm-none-eabi-gcc writes for Cortex-M
  w.u16(o + 4, t.ehsize);
  w.u16(o + 6, t.phentsize);
  w.u16(o + 8, t.phnum);
  w.u16(o + 10, t.shentsize);
  w.u16(o + 12, t.shnum);
  w.u16(o + 14, t.shstrndx);
}

interface SegmentValues {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  paddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

function resolveSegment(s: ElfSegmentSpec, placed: Placed[]): SegmentValues {
  const covered = (s.sections ?? []).map((n) => {
    const p = placed.find((x) => x.name === n);
    if (!p) throw new ElfError(`segment covers section ${JSON.stringify(n)}, which the spec does not define`);
    return p;
  });
  const first = covered[0];
  const inFile = covered.filter((p) => p.data);
  const fileEnd = Math.max(0, ...inFile.map((p) => p.offset + p.size));
  const memEnd = Math.max(0, ...covered.map((p) => p.addr + p.size));
  const offset = s.offset ?? first?.offset ?? 0;
  const vaddr = s.vaddr ?? first?.addr ?? 0;
  return {
    type: s.type ?? 1,
    flags: s.flags ?? 7,
    offset,
    vaddr,
    paddr: s.paddr ?? vaddr,
    filesz: s.filesz ?? (inFile.length > 0 ? fileEnd - offset : 0),
    memsz: s.memsz ?? (first ? memEnd - first.addr : 0),
    align: s.align ?? 4,
  };
}

function writeSegment(w: Writer, b: number, s: SegmentValues, is64: boolean): void {
  if (is64) {
    w.u32(b, s.type);
    w.u32(b + 4, s.flags);
    w.u64(b + 8, s.offset);
    w.u64(b + 16, s.vaddr);
    w.u64(b + 24, s.paddr);
    w.u64(b + 32, s.filesz);
    w.u64(b + 40, s.memsz);
    w.u64(b + 48, s.align);
  } else {
    [s.type, s.offset, s.vaddr, s.paddr, s.filesz, s.memsz, s.flags, s.align].forEach((v, i) => w.u32(b + 4 * i, v));
  }
}

function writeSection(w: Writer, b: number, p: Placed, name: number, is64: boolean): void {
  const ws = is64 ? 8 : 4;
  w.u32(b, name);
  w.u32(b + 4, p.type);
  w.word(b + 8, p.flags);
  w.word(b + 8 + ws, p.addr);
  w.word(b + 8 + 2 * ws, p.offset);
  w.word(b + 8 + 3 * ws, p.size);
  w.u32(b + 8 + 4 * ws, p.link);
  w.u32(b + 12 + 4 * ws, p.info);
  w.word(b + 16 + 4 * ws, p.align);
  w.word(b + 16 + 5 * ws, p.entsize);
}
