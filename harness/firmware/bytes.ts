// Bounds-checked integer access to a byte array in either byte order, plus hex and C-string helpers.
import { ElfError } from '../errors';

export const hex = (n: number): string => `0x${n.toString(16)}`;

/** Reads integers from `bytes`; every read is checked and a miss throws ElfError naming `what`. */
export class ByteReader {
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly littleEndian: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  private check(offset: number, size: number, what: string): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + size > this.bytes.length) {
      throw new ElfError(
        `${what} extends past end of file: offset ${hex(offset)} + size ${hex(size)} > file size ${hex(this.bytes.length)}`,
        { offset },
      );
    }
  }

  u8(offset: number, what: string): number {
    this.check(offset, 1, what);
    return this.view.getUint8(offset);
  }

  u16(offset: number, what: string): number {
    this.check(offset, 2, what);
    return this.view.getUint16(offset, this.littleEndian);
  }

  u32(offset: number, what: string): number {
    this.check(offset, 4, what);
    return this.view.getUint32(offset, this.littleEndian);
  }

  /** A 64-bit field; values above 2^53 cannot be represented exactly and are rejected. */
  u64(offset: number, what: string): number {
    this.check(offset, 8, what);
    const v = this.view.getBigUint64(offset, this.littleEndian);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new ElfError(`${what} at offset ${hex(offset)} is 0x${v.toString(16)}, above 2^53: not a usable firmware value`, {
        offset,
      });
    }
    return Number(v);
  }

  /** u32 for ELF32, u64 for ELF64. */
  word(offset: number, is64: boolean, what: string): number {
    return is64 ? this.u64(offset, what) : this.u32(offset, what);
  }
}

/** Little-endian u32 from `bytes` at `offset`, or undefined when the 4 bytes are not all present. */
export function le32(bytes: Uint8Array, offset: number): number | undefined {
  if (offset < 0 || offset + 4 > bytes.length) return undefined;
  return ((bytes[offset] ?? 0) | ((bytes[offset + 1] ?? 0) << 8) | ((bytes[offset + 2] ?? 0) << 16) | ((bytes[offset + 3] ?? 0) << 24)) >>> 0;
}

export function putLe32(bytes: Uint8Array, offset: number, value: number): void {
  if (offset < 0 || offset + 4 > bytes.length) return;
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = (value >>> 8) & 0xff;
  bytes[offset + 2] = (value >>> 16) & 0xff;
  bytes[offset + 3] = (value >>> 24) & 0xff;
}

/** Longest symbol or section name read: without a cap, a string table lacking NULs makes every lookup scan it. */
export const MAX_NAME_CHARS = 256;

/** Text up to the first NUL (or `end`, at most MAX_NAME_CHARS), decoded as latin1 so every byte maps to one character. */
export function cString(bytes: Uint8Array, start: number, end: number): string {
  const stop = Math.min(end, bytes.length, start + MAX_NAME_CHARS);
  if (start >= stop) return '';
  const span = bytes.subarray(start, stop);
  const nul = span.indexOf(0);
  const text = nul < 0 ? span : span.subarray(0, nul);
  return Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('latin1');
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function fromHex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'hex'));
}
