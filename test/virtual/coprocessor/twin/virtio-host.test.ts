// The host half of virtio rpmsg against a firmware-side ring walker on a plain Buffer (remoteproc.md §6.1, TWIN-PROTOCOL.md "Vrings").
import { BufferMemory } from '../../../../harness/virtual/coprocessor/twin/memory';
import { RpmsgHost } from '../../../../harness/virtual/coprocessor/twin/virtio-host';
import type { NsAnnouncement, RpmsgMessage } from '../../../../harness/virtual/coprocessor/types';

const BASE = 0x21000000;
const VRING0 = 0x21040000;
const VRING1 = 0x21041000;
const BUFS = 0x21042000;

/** The firmware's view of one ring, offsets written out from the protocol page (not from the code under test). */
class DeviceRing {
  private lastAvail = 0;
  private usedIdx = 0;
  constructor(
    private readonly m: BufferMemory,
    private readonly da: number,
    private readonly num: number,
    private readonly align: number,
  ) {}
  private off(da: number): number {
    return da - this.m.base;
  }
  get availOff(): number {
    return this.off(this.da) + 16 * this.num;
  }
  get usedOff(): number {
    const end = 16 * this.num + 2 * (3 + this.num);
    return this.off(this.da) + Math.ceil(end / this.align) * this.align;
  }
  availIdx(): number {
    return this.m.bytes.readUInt16LE(this.availOff + 2);
  }
  /** next available descriptor: {head, addr, len, flags} or null */
  next(): { head: number; addr: number; len: number; flags: number } | null {
    if (this.lastAvail === this.availIdx()) return null;
    const head = this.m.bytes.readUInt16LE(this.availOff + 4 + 2 * (this.lastAvail % this.num));
    this.lastAvail = (this.lastAvail + 1) & 0xffff;
    const d = this.off(this.da) + 16 * head;
    return { head, addr: Number(this.m.bytes.readBigUInt64LE(d)), len: this.m.bytes.readUInt32LE(d + 8), flags: this.m.bytes.readUInt16LE(d + 12) };
  }
  giveBack(head: number, len: number): void {
    this.m.bytes.writeUInt32LE(head, this.usedOff + 4 + 8 * (this.usedIdx % this.num));
    this.m.bytes.writeUInt32LE(len, this.usedOff + 8 + 8 * (this.usedIdx % this.num));
    this.usedIdx = (this.usedIdx + 1) & 0xffff;
    this.m.bytes.writeUInt16LE(this.usedIdx, this.usedOff + 2);
  }
  setUsedFlags(flags: number): void {
    this.m.bytes.writeUInt16LE(flags, this.usedOff);
  }
}

function rpmsg(src: number, dst: number, payload: Buffer, lenField = payload.length): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(src, 0);
  h.writeUInt32LE(dst, 4);
  h.writeUInt16LE(lenField, 12);
  return Buffer.concat([h, payload]);
}

function nsMsg(name: string, addr: number, flags = 0): Buffer {
  const b = Buffer.alloc(40);
  b.write(name, 0, 'latin1');
  b.writeUInt32LE(addr, 32);
  b.writeUInt32LE(flags, 36);
  return b;
}

function rig(num = 4, nameService = true) {
  const m = new BufferMemory(BASE, Buffer.alloc(0x50000));
  const kicks: number[] = [];
  const messages: RpmsgMessage[] = [];
  const announces: NsAnnouncement[] = [];
  const diags: string[] = [];
  const host = new RpmsgHost({
    mem: m,
    rx: { da: VRING0, num, align: 16, notifyId: 0 },
    tx: { da: VRING1, num, align: 16, notifyId: 1 },
    bufferDa: BUFS,
    nameService,
    kick: (id) => kicks.push(id),
    onMessage: (msg) => messages.push(msg),
    onAnnounce: (ns) => announces.push(ns),
    onDiagnostic: (t) => diags.push(t),
  });
  host.setup();
  const rx = new DeviceRing(m, VRING0, num, 16);
  const tx = new DeviceRing(m, VRING1, num, 16);
  /** the firmware sends one rpmsg: takes a host RX buffer, fills it, returns it in used */
  const fwSend = (bytes: Buffer, usedLen = bytes.length): void => {
    const d = rx.next();
    if (d === null) throw new Error('firmware found no RX buffer');
    m.write(d.addr, bytes);
    rx.giveBack(d.head, usedLen);
  };
  return { m, host, kicks, messages, announces, diags, rx, tx, fwSend };
}

describe('RpmsgHost (virtio_rpmsg_bus host side)', () => {
  test('probe posts every RX buffer in vring0 avail, device-writable, 512 bytes each, from vdev0buffer', () => {
    const { rx } = rig(4);
    expect(rx.availIdx()).toBe(4);
    const posted = [rx.next(), rx.next(), rx.next(), rx.next()];
    expect(posted.map((d) => d?.addr)).toEqual([BUFS, BUFS + 512, BUFS + 1024, BUFS + 1536]);
    expect(posted.every((d) => d?.len === 512 && d.flags === 2)).toBe(true);
    expect(rx.next()).toBeNull();
  });

  test('TX-done interrupts are suppressed on vring1 until a sender waits (rpmsg_probe / rpmsg_upref_sleepers)', () => {
    const r = rig(4);
    const flags = (ring: 'rx' | 'tx'): number => r.m.bytes.readUInt16LE(r[ring].availOff);
    expect([flags('rx'), flags('tx')]).toEqual([0, 1]);
    r.host.setTxInterrupts(true);
    expect(flags('tx')).toBe(0);
    r.host.setTxInterrupts(false);
    expect(flags('tx')).toBe(1);
  });

  test('a name-service message to 0x35 becomes an announcement; the buffer is re-posted and vring0 kicked', () => {
    const r = rig(4);
    r.fwSend(rpmsg(0x0, 0x35, nsMsg('rpmsg-tty', 0x0)));
    r.fwSend(rpmsg(0x1, 0x35, nsMsg('rpmsg-tty', 0x1)));
    r.host.doorbell(0);
    expect(r.announces).toEqual([
      { name: 'rpmsg-tty', addr: 0, flags: 0 },
      { name: 'rpmsg-tty', addr: 1, flags: 0 },
    ]);
    expect(r.messages).toEqual([]);
    expect(r.rx.availIdx()).toBe(6);
    expect(r.kicks).toEqual([0]);
  });

  test('other messages carry src, dst and an exact copy of the payload', () => {
    const r = rig(4);
    r.fwSend(rpmsg(0x0, 0x400, Buffer.from('hello')));
    r.host.doorbell(0);
    // the buffer is reused for the next message: the first payload must not change
    r.fwSend(rpmsg(0x0, 0x400, Buffer.from('WORLD')));
    r.host.doorbell(0);
    expect(r.messages.map((x) => [x.src, x.dst, Buffer.from(x.payload).toString()])).toEqual([
      [0, 0x400, 'hello'],
      [0, 0x400, 'WORLD'],
    ]);
  });

  test('send writes header + payload into a TX buffer of the second half, kicks vring1, and says false when none is free', () => {
    const r = rig(2);
    expect(r.host.send({ src: 0x400, dst: 0x0, payload: Buffer.from('abc') })).toBe(true);
    expect(r.host.send({ src: 0x400, dst: 0x0, payload: Buffer.alloc(496, 7) })).toBe(true);
    expect(r.host.send({ src: 0x400, dst: 0x0, payload: Buffer.from('x') })).toBe(false);
    expect(r.kicks).toEqual([1, 1]);
    const first = r.tx.next();
    expect(first?.addr).toBe(BUFS + 2 * 512);
    expect(first?.len).toBe(16 + 3);
    const b = r.m.read(first?.addr ?? 0, 19);
    expect([b.readUInt32LE(0), b.readUInt32LE(4), b.readUInt16LE(12), b.subarray(16).toString()]).toEqual([0x400, 0, 3, 'abc']);
    // the firmware returns the first buffer: the host takes it again (get_a_tx_buf reclaims from vring1 used)
    r.tx.giveBack(first?.head ?? -1, 0);
    expect(r.host.hasFreeTx()).toBe(true);
    expect(r.host.send({ src: 0x400, dst: 0x0, payload: Buffer.from('again') })).toBe(true);
    expect(r.host.hasFreeTx()).toBe(false);
  });

  test('payloads beyond the 496-byte MTU and RPMSG_ADDR_ANY are refused with the kernel wording', () => {
    const r = rig(2);
    expect(() => r.host.send({ src: 0x400, dst: 0, payload: Buffer.alloc(497) })).toThrow('message is too big (497)');
    expect(() => r.host.send({ src: 0x400, dst: 0xffffffff, payload: Buffer.alloc(1) })).toThrow('invalid addr (src 0x400, dst 0xffffffff)');
  });

  test('a remote that sets VRING_USED_F_NO_NOTIFY is not kicked', () => {
    const r = rig(2);
    r.tx.setUsedFlags(1);
    expect(r.host.send({ src: 0x400, dst: 0, payload: Buffer.from('q') })).toBe(true);
    expect(r.kicks).toEqual([]);
  });

  test('an inbound message longer than its buffer is dropped and its buffer lost, as rpmsg_recv_single does', () => {
    const r = rig(4);
    r.fwSend(rpmsg(0, 0x400, Buffer.from('abc'), 600), 16 + 3);
    r.host.doorbell(0);
    expect(r.diags).toEqual(['inbound msg too big: (19, 600)']);
    expect(r.messages).toEqual([]);
    expect(r.rx.availIdx()).toBe(4);
  });

  test('a malformed name-service message is swallowed with the kernel text', () => {
    const r = rig(4);
    r.fwSend(rpmsg(0, 0x35, Buffer.alloc(20)));
    r.host.doorbell(0);
    expect(r.diags).toEqual(['malformed ns msg (20)']);
    expect(r.announces).toEqual([]);
    expect(r.messages).toEqual([]);
  });

  test('without VIRTIO_RPMSG_F_NS a message to 0x35 is an ordinary message', () => {
    const r = rig(4, false);
    r.fwSend(rpmsg(0, 0x35, nsMsg('rpmsg-tty', 0)));
    r.host.doorbell(0);
    expect(r.announces).toEqual([]);
    expect(r.messages.map((m) => m.dst)).toEqual([0x35]);
  });

  test('a buffer pool outside the memory is refused at construction', () => {
    const m = new BufferMemory(BASE, Buffer.alloc(0x42000 + 0x800));
    expect(
      () =>
        new RpmsgHost({
          mem: m,
          rx: { da: VRING0, num: 4, align: 16, notifyId: 0 },
          tx: { da: VRING1, num: 4, align: 16, notifyId: 1 },
          bufferDa: BUFS,
          nameService: true,
          kick: () => undefined,
          onMessage: () => undefined,
          onAnnounce: () => undefined,
          onDiagnostic: () => undefined,
        }),
    ).toThrow('rpmsg buffer pool at 0x21042000 (4096 bytes) is outside the shared window');
  });
});
