// The host half of virtio rpmsg, as virtio_rpmsg_bus does it on Linux: buffers, RX re-posting, TX with ENOMEM (remoteproc.md §6.1).
import { InputError } from '../../../errors';
import type { NsAnnouncement, RpmsgMessage } from '../types';
import type { DeviceMemory } from './memory';
import { hex } from './memory';
import {
  decodeNsMessage,
  decodeRpmsgHeader,
  encodeRpmsg,
  RPMSG_ADDR_ANY,
  RPMSG_BUF_SIZE,
  RPMSG_HDR_SIZE,
  RPMSG_MAX_BUFS,
  RPMSG_MTU,
  RPMSG_NS_ADDR,
} from './rpmsg';
import { DriverRing, VRING_AVAIL_F_NO_INTERRUPT, VRING_DESC_F_WRITE } from './vring';

export interface VringSpec {
  da: number;
  num: number;
  align: number;
  notifyId: number;
}

export interface RpmsgHostOptions {
  mem: DeviceMemory;
  /** vring0: firmware -> host (the host posts its receive buffers here) */
  rx: VringSpec;
  /** vring1: host -> firmware */
  tx: VringSpec;
  /** vdev0buffer: 2 x bufsPerDirection buffers of 512 bytes, RX first */
  bufferDa: number;
  /** VIRTIO_RPMSG_F_NS negotiated: messages to 0x35 are announcements */
  nameService: boolean;
  /** ring the firmware's doorbell for a vring (the byte is the notify id, TWIN-PROTOCOL.md "Doorbells") */
  kick(notifyId: number): void;
  onMessage(msg: RpmsgMessage): void;
  onAnnounce(ns: NsAnnouncement): void;
  /** what the kernel would print to dmesg for a misbehaving remote (`inbound msg too big`, `malformed ns msg`) */
  onDiagnostic(text: string): void;
}

type Delivery = { kind: 'message'; msg: RpmsgMessage } | { kind: 'announce'; ns: NsAnnouncement };

export class RpmsgHost {
  /** the doorbell byte of vring1 (TX-done kicks from the firmware) */
  readonly txNotifyId: number;
  /** buffers per direction: 2 x vring size, capped at MAX_RPMSG_NUM_BUFS (remoteproc.md §6.1) */
  readonly bufsPerDirection: number;
  readonly txCount: number;
  private readonly rxRing: DriverRing;
  private readonly txRing: DriverRing;
  private freshTx = 0;
  private readonly txOutstanding: boolean[];
  received = 0;
  sent = 0;

  constructor(private readonly o: RpmsgHostOptions) {
    this.txNotifyId = o.tx.notifyId;
    this.bufsPerDirection = Math.min(o.rx.num, RPMSG_MAX_BUFS / 2);
    this.txCount = Math.min(this.bufsPerDirection, o.tx.num);
    this.rxRing = new DriverRing(o.mem, o.rx.da, o.rx.num, o.rx.align);
    this.txRing = new DriverRing(o.mem, o.tx.da, o.tx.num, o.tx.align);
    this.txOutstanding = new Array<boolean>(this.txCount).fill(false);
    const poolSize = 2 * this.bufsPerDirection * RPMSG_BUF_SIZE;
    if (!o.mem.contains(o.bufferDa, poolSize)) {
      throw new InputError('E_RSC', `rpmsg buffer pool at ${hex(o.bufferDa)} (${poolSize} bytes) is outside the shared window`, {
        bufferDa: o.bufferDa,
        poolSize,
      });
    }
  }

  /** rpmsg_probe: fresh rings, every RX buffer posted in vring0 avail; TX buffers are handed out on send */
  setup(): void {
    this.rxRing.reset();
    this.txRing.reset();
    this.freshTx = 0;
    this.txOutstanding.fill(false);
    for (let i = 0; i < this.bufsPerDirection; i++) {
      this.rxRing.setDesc(i, this.rxBuffer(i), RPMSG_BUF_SIZE, VRING_DESC_F_WRITE);
      this.rxRing.pushAvail(i);
    }
    this.setTxInterrupts(false); // rpmsg_probe: "suppress tx interrupts", virtqueue_disable_cb(svq)
  }

  /** rpmsg_upref_sleepers / rpmsg_downref_sleepers: TX-done kicks are wanted only while a sender waits */
  setTxInterrupts(enabled: boolean): void {
    this.txRing.setAvailFlags(enabled ? 0 : VRING_AVAIL_F_NO_INTERRUPT);
  }

  /** a doorbell byte from the firmware */
  doorbell(notifyId: number): void {
    if (notifyId === this.o.rx.notifyId) this.drainRx();
  }

  /** rpmsg_trysend: false when no TX buffer is free (the caller reports ENOMEM) */
  send(msg: RpmsgMessage): boolean {
    if (msg.payload.length > RPMSG_MTU) {
      throw new InputError('E_USAGE', `message is too big (${msg.payload.length}): the rpmsg MTU is ${RPMSG_MTU} bytes`, {
        len: msg.payload.length,
      });
    }
    if (msg.src === RPMSG_ADDR_ANY || msg.dst === RPMSG_ADDR_ANY) {
      throw new InputError('E_USAGE', `invalid addr (src ${hex(msg.src)}, dst ${hex(msg.dst)})`, { src: msg.src, dst: msg.dst });
    }
    const j = this.takeTxBuffer();
    if (j === null) return false;
    const bytes = encodeRpmsg(msg.src, msg.dst, msg.payload);
    this.o.mem.write(this.txBuffer(j), bytes);
    this.txRing.setDesc(j, this.txBuffer(j), bytes.length, 0);
    this.txOutstanding[j] = true;
    this.txRing.pushAvail(j);
    this.sent++;
    if (this.txRing.deviceWantsKick()) this.o.kick(this.o.tx.notifyId);
    return true;
  }

  /** a send() now would find a buffer (never used, or returned by the firmware in vring1 used) */
  hasFreeTx(): boolean {
    return this.freshTx < this.txCount || this.txRing.pendingUsed() > 0;
  }

  /** get_a_tx_buf: never-used buffers first, then the ones the firmware returned */
  private takeTxBuffer(): number | null {
    if (this.freshTx < this.txCount) return this.freshTx++;
    const used = this.txRing.takeUsed();
    if (used === null) return null;
    if (used.id >= this.txCount || !this.txOutstanding[used.id]) {
      this.o.onDiagnostic(`vring1: firmware returned descriptor ${used.id} that was not in flight`);
      return null;
    }
    this.txOutstanding[used.id] = false;
    return used.id;
  }

  /** rpmsg_recv_done: take every used RX buffer, re-post it, kick once, then deliver */
  private drainRx(): void {
    const deliveries: Delivery[] = [];
    let reposted = 0;
    for (;;) {
      const used = this.rxRing.takeUsed();
      if (used === null) break;
      if (used.id >= this.bufsPerDirection) {
        this.o.onDiagnostic(`vring0: used id ${used.id} is not an rpmsg buffer`);
        break;
      }
      const addr = this.rxBuffer(used.id);
      const header = decodeRpmsgHeader(this.o.mem.read(addr, RPMSG_HDR_SIZE));
      if (used.len > RPMSG_BUF_SIZE || used.len < RPMSG_HDR_SIZE || header.len > used.len - RPMSG_HDR_SIZE) {
        // rpmsg_recv_single returns -EINVAL before re-adding the buffer: it is lost, as on Linux
        this.o.onDiagnostic(`inbound msg too big: (${used.len}, ${header.len})`);
        break;
      }
      const payload = new Uint8Array(this.o.mem.read(addr + RPMSG_HDR_SIZE, header.len));
      const delivery = this.classify(header.src, header.dst, payload);
      if (delivery !== null) deliveries.push(delivery);
      this.rxRing.setDesc(used.id, addr, RPMSG_BUF_SIZE, VRING_DESC_F_WRITE);
      this.rxRing.pushAvail(used.id);
      reposted++;
    }
    if (reposted > 0 && this.rxRing.deviceWantsKick()) this.o.kick(this.o.rx.notifyId);
    this.received += deliveries.length;
    for (const d of deliveries) {
      if (d.kind === 'announce') this.o.onAnnounce(d.ns);
      else this.o.onMessage(d.msg);
    }
  }

  /** null when the name-service endpoint swallows a malformed announcement (rpmsg_ns_cb) */
  private classify(src: number, dst: number, payload: Uint8Array): Delivery | null {
    if (dst === RPMSG_NS_ADDR && this.o.nameService) {
      const ns = decodeNsMessage(payload);
      if (ns !== null) return { kind: 'announce', ns };
      this.o.onDiagnostic(`malformed ns msg (${payload.length})`);
      return null;
    }
    return { kind: 'message', msg: { src, dst, payload } };
  }

  private rxBuffer(i: number): number {
    return this.o.bufferDa + i * RPMSG_BUF_SIZE;
  }

  private txBuffer(j: number): number {
    return this.o.bufferDa + (this.bufsPerDirection + j) * RPMSG_BUF_SIZE;
  }
}
