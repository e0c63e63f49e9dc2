// Byte-level pieces of the ELF writer: a sized writer in either byte order, string tables, the symbol table.
import { ElfError } from '../errors';
import type { ElfSymbolSpec, Placed } from './elf-write';
import type { ElfSymbolType } from './types';

const SYMBOL_TYPE_IDS: Record<ElfSymbolType, number> = { notype: 0, object: 1, func: 2, section: 3, file: 4, other: 15 };
const SHN_ABS = 0xfff1;

export class Writer {
  readonly buf: Uint8Array;
  private readonly view: DataView;
  constructor(
    size: number,
    private readonly le: boolean,
    private readonly is64: boolean,
  ) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }
  u8(o: number, v: number): void {
    this.view.setUint8(o, v);
  }
  u16(o: number, v: number): void {
    this.view.setUint16(o, v, this.le);
  }
  u32(o: number, v: number): void {
    this.view.setUint32(o, v >>> 0, this.le);
  }
  u64(o: number, v: number): void {
    this.view.setBigUint64(o, BigInt(v), this.le);
  }
  word(o: number, v: number): void {
    if (this.is64) this.u64(o, v);
    else this.u32(o, v);
  }
}

export class StringTable {
  bytes: number[] = [0];
  add(s: string): number {
    const at = this.bytes.length;
    for (const c of s) this.bytes.push(c.charCodeAt(0) & 0xff);
    this.bytes.push(0);
    return at;
  }
}

export function symbolTables(symbols: ElfSymbolSpec[], placed: Placed[], is64: boolean, le: boolean): { symtab: Uint8Array; strtab: Uint8Array; locals: number } {
  const ordered = [...symbols.filter((s) => (s.bind ?? 1) === 0), ...symbols.filter((s) => (s.bind ?? 1) !== 0)];
  const strings = new StringTable();
  const entsize = is64 ? 24 : 16;
  const w = new Writer((ordered.length + 1) * entsize, le, is64);
  ordered.forEach((s, k) => {
    const b = (k + 1) * entsize;
    const shndx = s.section === undefined ? SHN_ABS : placed.findIndex((p) => p.name === s.section) + 1;
    if (shndx === 0) throw new ElfError(`symbol ${s.name} names section ${JSON.stringify(s.section)}, which the spec does not define`);
    const info = ((s.bind ?? 1) << 4) | SYMBOL_TYPE_IDS[s.type ?? 'object'];
    const name = strings.add(s.name);
    if (is64) {
      w.u32(b, name);
      w.u8(b + 4, info);
      w.u16(b + 6, shndx);
      w.u64(b + 8, s.value);
      w.u64(b + 16, s.size ?? 0);
    } else {
      w.u32(b, name);
      w.u32(b + 4, s.value);
      w.u32(b + 8, s.size ?? 0);
      w.u8(b + 12, info);
      w.u16(b + 14, shndx);
    }
  });
  const locals = 1 + symbols.filter((s) => (s.bind ?? 1) === 0).length;
  return { symtab: w.buf, strtab: Uint8Array.from(strings.bytes), locals };
}
