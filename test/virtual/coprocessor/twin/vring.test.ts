// Split-ring layout and the host's ring walk, checked byte by byte on a plain Buffer (TWIN-PROTOCOL.md "Vrings").
import { BufferMemory } from '../../../../harness/virtual/coprocessor/twin/memory';
import { DriverRing, vringLayout, VRING_DESC_F_WRITE } from '../../../../harness/virtual/coprocessor/twin/vring';
import { RscError } from '../../../../harness/errors';

const BASE = 0x21040000;

describe('vringLayout (virtio_ring.h vring_size, legacy split layout)', () => {
  test('num 16, align 16 (STM32Cube MP15): avail after 16 descriptors, used at the next 16-byte boundary', () => {
    const l = vringLayout(BASE, 16, 16);
    expect(l.availDa - BASE).toBe(256);
    // avail = flags + idx + ring[16] + used_event = 38 bytes -> ends at 294 -> aligned to 304
    expect(l.usedDa - BASE).toBe(304);
    expect(l.size).toBe(304 + 6 + 8 * 16);
  });

  test('align 4096 puts used on the next page, as the legacy virtio_mmio layout does', () => {
    const l = vringLayout(BASE, 8, 4096);
    expect(l.usedDa - BASE).toBe(4096);
    expect(l.size).toBe(4096 + 6 + 64);
  });

  test('num 256 with align 16 needs more than the 4 KiB carveout (remoteproc.md §3.3 vdev arithmetic)', () => {
    expect(vringLayout(BASE, 256, 16).size).toBeGreaterThan(4096);
    expect(vringLayout(BASE, 64, 16).size).toBeLessThanOrEqual(4096);
  });

  test.each([
    [0, 16, 'vring num 0 is not a usable queue size'],
    [16, 0, 'vring align 0 is not a power of two'],
    [16, 24, 'vring align 24 is not a power of two'],
  ])('num %i align %i is refused with a message', (num, align, msg) => {
    expect(() => vringLayout(BASE, num, align)).toThrow(RscError);
    expect(() => vringLayout(BASE, num, align)).toThrow(msg);
  });
});

describe('DriverRing on a Buffer', () => {
  const mem = (): BufferMemory => new BufferMemory(BASE, Buffer.alloc(0x2000, 0xaa));

  test('reset zeroes the ring; descriptors and avail entries land at the spec offsets', () => {
    const m = mem();
    const r = new DriverRing(m, BASE, 4, 16);
    r.reset();
    expect(m.bytes.subarray(0, r.layout.size).every((b) => b === 0)).toBe(true);
    expect(m.bytes[r.layout.size]).toBe(0xaa); // nothing written past the ring
    r.setDesc(2, 0x21042400, 512, VRING_DESC_F_WRITE);
    r.pushAvail(2);
    const d = m.bytes.subarray(32, 48);
    expect(d.readBigUInt64LE(0)).toBe(0x21042400n);
    expect(d.readUInt32LE(8)).toBe(512);
    expect(d.readUInt16LE(12)).toBe(VRING_DESC_F_WRITE);
    const avail = r.layout.availDa - BASE;
    expect(m.bytes.readUInt16LE(avail + 2)).toBe(1); // idx
    expect(m.bytes.readUInt16LE(avail + 4)).toBe(2); // ring[0]
  });

  test('takeUsed returns what the device wrote, in order, across the 16-bit index wrap', () => {
    const m = mem();
    const r = new DriverRing(m, BASE, 4, 16);
    r.reset();
    const used = r.layout.usedDa - BASE;
    let devIdx = 0;
    const seen: number[] = [];
    for (let round = 0; round < 70000; round += 1) {
      m.bytes.writeUInt32LE(round % 4, used + 4 + 8 * (devIdx % 4));
      m.bytes.writeUInt32LE(16 + (round % 100), used + 8 + 8 * (devIdx % 4));
      devIdx = (devIdx + 1) & 0xffff;
      m.bytes.writeUInt16LE(devIdx, used + 2);
      const e = r.takeUsed();
      if (e === null) throw new Error(`lost used entry at round ${round}`);
      if (round % 9999 === 0) seen.push(e.len);
      if (r.takeUsed() !== null) throw new Error(`phantom used entry at round ${round}`);
    }
    expect(seen).toEqual([16, 16 + (9999 % 100), 16 + (19998 % 100), 16 + (29997 % 100), 16 + (39996 % 100), 16 + (49995 % 100), 16 + (59994 % 100), 16 + (69993 % 100)]);
  });

  test('a used id beyond num is a broken remote, reported with the ring address', () => {
    const m = mem();
    const r = new DriverRing(m, BASE, 4, 16);
    r.reset();
    const used = r.layout.usedDa - BASE;
    m.bytes.writeUInt32LE(9, used + 4);
    m.bytes.writeUInt16LE(1, used + 2);
    expect(() => r.takeUsed()).toThrow('vring at 0x21040000: used id 9 out of range (num 4)');
  });

  test('a ring that does not fit the memory is refused before anything is written', () => {
    const m = new BufferMemory(BASE, Buffer.alloc(256));
    expect(() => new DriverRing(m, BASE, 16, 16)).toThrow('is outside the shared window');
  });
});
