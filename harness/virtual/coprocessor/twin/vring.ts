// Split virtqueue (legacy layout) as the Linux virtio driver side lays it out and walks it (TWIN-PROTOCOL.md "Vrings").
import { InfraError, RscError, StateError } from '../../../errors';
import type { DeviceMemory } from './memory';
import { hex } from './memory';

export const VRING_DESC_F_NEXT = 1;
export const VRING_DESC_F_WRITE = 2;
export const VRING_USED_F_NO_NOTIFY = 1;
export const VRING_AVAIL_F_NO_INTERRUPT = 1;

const DESC_SIZE = 16;
const USED_ELEM_SIZE = 8;

export interface VringLayout {
  da: number;
  num: number;
  align: number;
  descDa: number;
  availDa: number;
  usedDa: number;
  /** vring_size(num, align) of the kernel's virtio_ring.h */
  size: number;
}

/** desc[num] | avail {flags, idx, ring[num], used_event} | pad to align | used {flags, idx, ring[num]{id,len}, avail_event} */
export function vringLayout(da: number, num: number, align: number): VringLayout {
  if (!Number.isInteger(num) || num <= 0 || num > 32768) {
    throw new RscError(`vring num ${num} is not a usable queue size (1..32768)`, { num });
  }
  if (!Number.isInteger(align) || align <= 0 || (align & (align - 1)) !== 0) {
    throw new RscError(`vring align ${align} is not a power of two`, { align });
  }
  const availOffset = DESC_SIZE * num;
  const availEnd = availOffset + 2 * (3 + num);
  const usedOffset = Math.ceil(availEnd / align) * align;
  const size = usedOffset + 2 * 3 + USED_ELEM_SIZE * num;
  return { da, num, align, descDa: da, availDa: da + availOffset, usedDa: da + usedOffset, size };
}

export interface UsedElem {
  id: number;
  len: number;
}

/** The driver (host) half of one split ring: it owns desc and avail, the device (firmware) writes used. */
export class DriverRing {
  readonly layout: VringLayout;
  private availIdx = 0;
  private lastUsedIdx = 0;

  constructor(
    private readonly mem: DeviceMemory,
    da: number,
    num: number,
    align: number,
  ) {
    this.layout = vringLayout(da, num, align);
    if (!mem.contains(da, this.layout.size)) {
      throw new RscError(`vring at ${hex(da)} (${this.layout.size} bytes for num ${num}, align ${align}) is outside the shared window`, {
        da,
        size: this.layout.size,
      });
    }
  }

  /** zero the ring (desc, avail, used) as a fresh allocation does, and restart the host's indices */
  reset(): void {
    this.mem.write(this.layout.da, Buffer.alloc(this.layout.size));
    this.availIdx = 0;
    this.lastUsedIdx = 0;
  }

  setDesc(index: number, addr: number, len: number, flags: number): void {
    const b = Buffer.alloc(DESC_SIZE);
    b.writeBigUInt64LE(BigInt(addr), 0);
    b.writeUInt32LE(len, 8);
    b.writeUInt16LE(flags, 12);
    b.writeUInt16LE(0, 14);
    this.mem.write(this.layout.descDa + DESC_SIZE * this.checkIndex(index), b);
  }

  setDescLen(index: number, len: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(len, 0);
    this.mem.write(this.layout.descDa + DESC_SIZE * this.checkIndex(index) + 8, b);
  }

  /** publish a descriptor chain head: ring entry first, then idx (the order the device relies on) */
  pushAvail(head: number): void {
    const entry = Buffer.alloc(2);
    entry.writeUInt16LE(this.checkIndex(head), 0);
    this.mem.write(this.layout.availDa + 4 + 2 * (this.availIdx % this.layout.num), entry);
    this.availIdx = (this.availIdx + 1) & 0xffff;
    const idx = Buffer.alloc(2);
    idx.writeUInt16LE(this.availIdx, 0);
    this.mem.write(this.layout.availDa + 2, idx);
  }

  setAvailFlags(flags: number): void {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(flags, 0);
    this.mem.write(this.layout.availDa, b);
  }

  usedFlags(): number {
    return this.mem.read(this.layout.usedDa, 2).readUInt16LE(0);
  }

  usedIdx(): number {
    return this.mem.read(this.layout.usedDa + 2, 2).readUInt16LE(0);
  }

  /** entries the device has returned and the host has not taken yet */
  pendingUsed(): number {
    return (this.usedIdx() - this.lastUsedIdx) & 0xffff;
  }

  /** take one used element, or null when the device has returned nothing new */
  takeUsed(): UsedElem | null {
    if (this.pendingUsed() === 0) return null;
    const e = this.mem.read(this.layout.usedDa + 4 + USED_ELEM_SIZE * (this.lastUsedIdx % this.layout.num), USED_ELEM_SIZE);
    this.lastUsedIdx = (this.lastUsedIdx + 1) & 0xffff;
    const id = e.readUInt32LE(0);
    if (id >= this.layout.num) {
      throw new InfraError('E_REMOTE', `vring at ${hex(this.layout.da)}: used id ${id} out of range (num ${this.layout.num})`, { id });
    }
    return { id, len: e.readUInt32LE(4) };
  }

  /** the device asked not to be kicked (VRING_USED_F_NO_NOTIFY, honoured by virtqueue_kick_prepare) */
  deviceWantsKick(): boolean {
    return (this.usedFlags() & VRING_USED_F_NO_NOTIFY) === 0;
  }

  private checkIndex(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.layout.num) {
      throw new StateError(`descriptor ${i} out of range (num ${this.layout.num})`, { index: i });
    }
    return i;
  }
}
