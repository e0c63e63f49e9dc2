// rproc_coredump's ELF32 core file (remoteproc.md §5.2): ET_CORE, EM_NONE, one PT_LOAD per dump segment.

export interface DumpSegment {
  da: number;
  size: number;
}

const EHDR = 52;
const PHDR = 32;
const PT_LOAD = 1;
const PF_RWX = 7;

/** total file size of a dump with these segments */
export function coredumpSize(segments: readonly DumpSegment[]): number {
  return EHDR + PHDR * segments.length + segments.reduce((n, s) => n + s.size, 0);
}

/** ELF header + program headers (what an inline dump buffers; segment data follows back to back) */
export function coredumpHeaders(entry: number, segments: readonly DumpSegment[]): Uint8Array {
  const out = new Uint8Array(EHDR + PHDR * segments.length);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 1 /* ELFCLASS32 */, 1 /* LSB */, 1 /* EV_CURRENT */], 0);
  v.setUint16(16, 4, true); // ET_CORE
  v.setUint16(18, 0, true); // EM_NONE
  v.setUint32(20, 1, true);
  v.setUint32(24, entry >>> 0, true);
  v.setUint32(28, EHDR, true);
  v.setUint32(32, 0, true);
  v.setUint32(36, 0, true);
  v.setUint16(40, EHDR, true);
  v.setUint16(42, PHDR, true);
  v.setUint16(44, segments.length, true);
  v.setUint16(46, 0, true); // no section headers: e_shentsize stays 0 as in rproc_coredump
  v.setUint16(48, 0, true);
  v.setUint16(50, 0, true);
  let offset = EHDR + PHDR * segments.length;
  segments.forEach((s, i) => {
    const p = EHDR + PHDR * i;
    v.setUint32(p, PT_LOAD, true);
    v.setUint32(p + 4, offset, true);
    v.setUint32(p + 8, s.da >>> 0, true);
    v.setUint32(p + 12, s.da >>> 0, true);
    v.setUint32(p + 16, s.size >>> 0, true);
    v.setUint32(p + 20, s.size >>> 0, true);
    v.setUint32(p + 24, PF_RWX, true);
    v.setUint32(p + 28, 0, true);
    offset += s.size;
  });
  return out;
}

/** the whole dump; `read` returns device memory or null where it is not readable (filled with 0xFF) */
export function buildCoredump(
  entry: number,
  segments: readonly DumpSegment[],
  read: (da: number, len: number) => Uint8Array | null,
): Uint8Array {
  const headers = coredumpHeaders(entry, segments);
  const out = new Uint8Array(coredumpSize(segments));
  out.set(headers, 0);
  let offset = headers.length;
  for (const s of segments) {
    const data = read(s.da, s.size);
    if (data && data.length === s.size) out.set(data, offset);
    else out.fill(0xff, offset, offset + s.size);
    offset += s.size;
  }
  return out;
}
