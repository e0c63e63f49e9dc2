// The ELF core of a devcoredump (remoteproc.md §5.2): parse it and pull out the bytes at a device address.
import { ElfError, InfraError } from '../errors';
import { parseElf, type ElfFile } from '../firmware';

const PT_LOAD = 1;
const ET_CORE = 4;

export interface CoreSegment {
  vaddr: number;
  size: number;
  data: Uint8Array;
}

export interface Coredump {
  elf: ElfFile;
  entry: number;
  segments: CoreSegment[];
}

/** Parses a remoteproc ELF core; a file that is not ET_CORE or whose segments leave the file is refused. */
export function parseCoredump(bytes: Uint8Array): Coredump {
  let elf: ElfFile;
  try {
    elf = parseElf(bytes);
  } catch (e) {
    // the bytes came from the board, not from the user: a broken core is bad remote output (or a torn fetch)
    if (!(e instanceof ElfError)) throw e;
    throw new InfraError('E_REMOTE', `the devcoredump is not a readable ELF core: ${e.message} (truncated or corrupted fetch?)`, { ...e.details }, { cause: e });
  }
  if (elf.header.type !== ET_CORE) {
    throw new InfraError('E_REMOTE', `the devcoredump is an ELF of type ${elf.header.type}, not a core (type 4); remoteproc.md §5.2`, { type: elf.header.type });
  }
  const segments = elf.segments
    .filter((s) => s.type === PT_LOAD)
    .map((s) => {
      if (s.offset + s.filesz > bytes.length) {
        throw new InfraError('E_REMOTE', `core segment ${s.index} at 0x${s.vaddr.toString(16)} claims bytes 0x${s.offset.toString(16)}..0x${(s.offset + s.filesz).toString(16)} but the dump has ${bytes.length} bytes (truncated fetch?)`, { segment: s.index });
      }
      return { vaddr: s.vaddr, size: s.filesz, data: bytes.subarray(s.offset, s.offset + s.filesz) };
    });
  return { elf, entry: elf.header.entry, segments };
}

/** `length` bytes at device address `address` (default: to the end of the segment holding it). */
export function coreBytesAt(core: Coredump, address: number, length?: number): Uint8Array {
  const seg = core.segments.find((s) => address >= s.vaddr && address < s.vaddr + s.size);
  const list = core.segments.map((s) => `0x${s.vaddr.toString(16)}+0x${s.size.toString(16)}`).join(', ');
  if (!seg) throw new InfraError('E_REMOTE', `no core segment holds address 0x${address.toString(16)} (segments: ${list || 'none'})`, { address });
  const start = address - seg.vaddr;
  const end = length === undefined ? seg.size : start + length;
  if (end > seg.size) {
    throw new InfraError('E_REMOTE', `0x${length?.toString(16)} bytes at 0x${address.toString(16)} run past the end of the core segment 0x${seg.vaddr.toString(16)}+0x${seg.size.toString(16)}`, { address, length });
  }
  return seg.data.subarray(start, end);
}
