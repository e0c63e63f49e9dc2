// Where a mutation writes: a private copy of the firmware with its parsed ELF, `.resource_table` and patch helpers.
import { RscError } from '../errors';
import { hex, putLe32 } from './bytes';
import { readElf } from './elf';
import { decodeResourceTable } from './rsc-codec';
import { RESOURCE_TABLE_SECTION } from './rules-table';
import type { ElfFile, ElfSection, ResourceTable, RscEntry } from './types';

export interface TableTarget {
  section: ElfSection;
  table: ResourceTable;
  /** file offset of the table's first byte */
  base: number;
}

export class MutationTarget {
  readonly bytes: Uint8Array;
  readonly elf: ElfFile;

  constructor(
    original: Uint8Array,
    private readonly mutation: string,
  ) {
    this.bytes = Uint8Array.from(original);
    this.elf = readElf(this.bytes).elf;
  }

  lacks(what: string): RscError {
    return new RscError(`mutation ${this.mutation} needs firmware with ${what}`, { mutation: this.mutation });
  }

  /** The `.resource_table` the kernel would pick, decoded; throws when there is none or it is not inside the file. */
  table(): TableTarget {
    const section = this.elf.sections.find((s) => s.name === RESOURCE_TABLE_SECTION);
    if (!section) throw this.lacks(`a ${RESOURCE_TABLE_SECTION} section`);
    if (section.offset + section.size > this.bytes.length || section.size < 16) {
      throw this.lacks(`a readable ${RESOURCE_TABLE_SECTION} (offset ${hex(section.offset)} size ${hex(section.size)} in a ${hex(this.bytes.length)}-byte file)`);
    }
    const table = decodeResourceTable(this.bytes.subarray(section.offset, section.offset + section.size), section.addr);
    return { section, table, base: section.offset };
  }

  /** The first entry of `type` whose body lies wholly inside the table. */
  entry<T extends RscEntry['type']>(type: T, what: string): { t: TableTarget; e: Extract<RscEntry, { type: T }> } {
    const t = this.table();
    const e = t.table.entries.find((x): x is Extract<RscEntry, { type: T }> => x.type === type && x.offset < t.table.size);
    if (!e) throw this.lacks(what);
    return { t, e };
  }

  /** Writes a little-endian u32 (the table's byte order) at `rel` bytes into the table. */
  putTable(t: TableTarget, rel: number, value: number): void {
    if (rel + 4 > t.table.size) throw this.lacks(`room for the field at table offset ${hex(rel)}`);
    putLe32(this.bytes, t.base + rel, value);
  }

  putTableByte(t: TableTarget, rel: number, value: number): void {
    if (rel >= t.table.size) throw this.lacks(`room for the byte at table offset ${hex(rel)}`);
    this.bytes[t.base + rel] = value;
  }

  /** Rewrites sh_size of a section header in the ELF's own class and byte order. */
  setSectionSize(section: ElfSection, size: number): void {
    const h = this.elf.header;
    const w = h.class === 64 ? 8 : 4;
    this.putWord(h.shoff + section.index * h.shentsize + 8 + 3 * w, size);
  }

  /** Rewrites p_paddr of a program header. */
  setSegmentPaddr(index: number, paddr: number): void {
    const h = this.elf.header;
    this.putWord(h.phoff + index * h.phentsize + (h.class === 64 ? 24 : 12), paddr);
  }

  /** Overwrites the first character of a section's name in the section-name string table (same length, same layout). */
  renameSection(section: ElfSection, firstChar: string): void {
    const h = this.elf.header;
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    const nameOffset = view.getUint32(h.shoff + section.index * h.shentsize, h.littleEndian);
    const strtab = this.elf.sections[h.shstrndx];
    if (!strtab) throw this.lacks('a section-name string table');
    this.bytes[strtab.offset + nameOffset] = firstChar.charCodeAt(0);
  }

  private putWord(offset: number, value: number): void {
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    const le = this.elf.header.littleEndian;
    if (this.elf.header.class === 64) view.setBigUint64(offset, BigInt(value), le);
    else view.setUint32(offset, value >>> 0, le);
  }
}
