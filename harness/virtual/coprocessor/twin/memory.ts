// Device memory as the virtio host sees it: byte reads and writes at device addresses (the shm window or a plain Buffer).
import { StateError } from '../../../errors';

export interface DeviceMemory {
  /** true when [da, da+len) lies entirely inside this memory */
  contains(da: number, len: number): boolean;
  /** a copy of len bytes at da; throws when the range is outside */
  read(da: number, len: number): Buffer;
  write(da: number, bytes: Uint8Array): void;
}

export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** Shared bounds check: ranges must be integral, non-negative and inside [base, base+size). */
export function rangeInside(base: number, size: number, da: number, len: number): boolean {
  return Number.isSafeInteger(da) && Number.isSafeInteger(len) && len >= 0 && da >= base && da + len <= base + size;
}

export function outOfRange(what: string, base: number, size: number, da: number, len: number): StateError {
  return new StateError(
    `${what}: ${len} bytes at ${hex(da)} lie outside [${hex(base)}, ${hex(base + size)}); only the shared window is reachable`,
    { da, len, base, size },
  );
}

/** A Buffer mapped at a device address: the same accesses as the shm window, for ring-layout tests and tools. */
export class BufferMemory implements DeviceMemory {
  constructor(
    readonly base: number,
    readonly bytes: Buffer,
  ) {}

  contains(da: number, len: number): boolean {
    return rangeInside(this.base, this.bytes.length, da, len);
  }

  read(da: number, len: number): Buffer {
    if (!this.contains(da, len)) throw outOfRange('buffer read', this.base, this.bytes.length, da, len);
    return Buffer.from(this.bytes.subarray(da - this.base, da - this.base + len));
  }

  write(da: number, data: Uint8Array): void {
    if (!this.contains(da, data.length)) throw outOfRange('buffer write', this.base, this.bytes.length, da, data.length);
    this.bytes.set(data, da - this.base);
  }
}
