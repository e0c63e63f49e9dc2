// Reads symbols and bytes at device addresses out of a firmware ELF, for the firmware's own tests.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ElfSectionInfo {
  name: string;
  type: number;
  addr: number;
  offset: number;
  size: number;
}

export function sections(elf: string): ElfSectionInfo[] {
  const b = readFileSync(elf);
  const shoff = b.readUInt32LE(0x20);
  const shentsize = b.readUInt16LE(0x2e);
  const shnum = b.readUInt16LE(0x30);
  const shstrndx = b.readUInt16LE(0x32);
  const strtab = b.readUInt32LE(shoff + shstrndx * shentsize + 0x10);
  const list: ElfSectionInfo[] = [];
  for (let i = 0; i < shnum; i++) {
    const h = shoff + i * shentsize;
    const nameOff = strtab + b.readUInt32LE(h);
    const name = b.subarray(nameOff, b.indexOf(0, nameOff)).toString('latin1');
    list.push({ name, type: b.readUInt32LE(h + 4), addr: b.readUInt32LE(h + 0x0c), offset: b.readUInt32LE(h + 0x10), size: b.readUInt32LE(h + 0x14) });
  }
  return list;
}

export function symbol(elf: string, name: string): number {
  const nm = execFileSync('arm-none-eabi-nm', [elf], { encoding: 'utf8' });
  const line = nm.split('\n').find((l) => l.endsWith(` ${name}`));
  if (!line) throw new Error(`symbol ${name} not in ${elf}`);
  return parseInt(line.split(' ')[0] ?? '', 16);
}

/** Bytes of the loaded image (PROGBITS) at device address `addr`. */
export function bytesAt(elf: string, addr: number, length: number): Buffer {
  const s = sections(elf).find((x) => x.type === 1 && x.addr !== 0 && addr >= x.addr && addr + length <= x.addr + x.size)
    ?? sections(elf).find((x) => x.type === 1 && addr >= x.addr && addr + length <= x.addr + x.size);
  if (!s) throw new Error(`0x${addr.toString(16)} is not in a loaded section of ${elf}`);
  return readFileSync(elf).subarray(s.offset + addr - s.addr, s.offset + addr - s.addr + length);
}

export function cString(elf: string, name: string): string {
  const addr = symbol(elf, name);
  const s = sections(elf).find((x) => x.type === 1 && addr >= x.addr && addr < x.addr + x.size);
  if (!s) throw new Error(`${name} is not in a loaded section of ${elf}`);
  const bytes = bytesAt(elf, addr, Math.min(64, s.addr + s.size - addr));
  return bytes.subarray(0, bytes.indexOf(0)).toString('latin1');
}
