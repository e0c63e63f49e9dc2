// The virtio rpmsg bus of one vdev (remoteproc.md §6.1–6.3): name-service channels, endpoints, tty devices.
import { FsError, type VirtualFs } from '../fs/types';
import type { NsAnnouncement, RpmsgMessage } from '../coprocessor/types';
import { RpmsgTty } from './tty';

/** first dynamic endpoint address (RPMSG_RESERVED_ADDRESSES) */
const FIRST_LOCAL = 1024;
const RPMSG_ADDR_ANY = 0xffffffff;
const MAX_TTY_RPMSG = 32;

interface Channel {
  name: string;
  addr: number;
  /** our endpoint address; null when no driver bound the channel */
  local: number | null;
  tty: RpmsgTty | null;
  ttyTimer: NodeJS.Timeout | null;
}

export interface RpmsgBusHost {
  fs: VirtualFs;
  /** printk with the `virtio_rpmsg_bus virtio0: ` device prefix already applied by the caller's choice */
  log(line: string): void;
  send(msg: RpmsgMessage): boolean;
  ttyNames: readonly string[];
  ttyDelayMs: number;
}

export class RpmsgBus {
  private channels: Channel[] = [];
  private readonly usedTty = new Set<number>();

  constructor(private readonly host: RpmsgBusHost) {}

  /** rpmsg_ns_cb */
  announce(ns: NsAnnouncement): void {
    const name = ns.name;
    const addr = ns.addr >>> 0;
    if (ns.flags === 1) {
      this.host.log(`destroying channel ${name} addr 0x${addr.toString(16)}`);
      const ch = this.channels.find((c) => c.name === name && c.addr === addr);
      if (ch) this.remove(ch);
      return;
    }
    this.host.log(`creating channel ${name} addr 0x${addr.toString(16)}`);
    if (this.channels.some((c) => c.name === name && c.addr === addr)) {
      this.host.log(`channel ${name}:${RPMSG_ADDR_ANY.toString(16)}:${addr.toString(16)} already exist`);
      this.host.log('rpmsg_create_channel failed');
      return;
    }
    const binds = this.host.ttyNames.includes(name);
    const ch: Channel = { name, addr, local: binds ? this.freeLocal() : null, tty: null, ttyTimer: null };
    this.channels.push(ch);
    if (binds) {
      // the device node shows up a little after the announcement (udev), which is why the harness polls
      ch.ttyTimer = setTimeout(() => this.createTty(ch), this.host.ttyDelayMs);
    }
  }

  /** rpmsg_recv_single: route to the endpoint at dst */
  receive(msg: RpmsgMessage): void {
    const ch = this.channels.find((c) => c.local !== null && c.local === msg.dst);
    if (!ch) {
      this.host.log('msg received with no recipient');
      return;
    }
    ch.tty?.deliver(msg.payload);
  }

  /** virtio device removal: every channel goes, ttys hang up */
  teardown(): void {
    for (const ch of [...this.channels]) this.remove(ch);
  }

  ttys(): Array<{ path: string; channel: string; addr: number }> {
    return this.channels.flatMap((c) => (c.tty ? [{ path: c.tty.path, channel: c.name, addr: c.addr }] : []));
  }

  private freeLocal(): number {
    let local = FIRST_LOCAL;
    while (this.channels.some((c) => c.local === local)) local++;
    return local;
  }

  private createTty(ch: Channel): void {
    ch.ttyTimer = null;
    let index = 0;
    while (this.usedTty.has(index)) index++;
    if (index >= MAX_TTY_RPMSG) return;
    this.usedTty.add(index);
    const path = `/dev/ttyRPMSG${index}`;
    const local = ch.local ?? FIRST_LOCAL;
    ch.tty = new RpmsgTty(index, path, (payload) => this.host.send({ src: local, dst: ch.addr, payload }));
    try {
      this.host.fs.setSpecial(path, ch.tty.node());
    } catch (e) {
      // a plain file left at the node's path (`cat > /dev/ttyRPMSG0` while no tty existed): devtmpfs's mknod fails
      // with EEXIST and the device stays registered without a node, as on a real board
      if (!(e instanceof FsError && e.errno === 'EEXIST')) throw e;
    }
  }

  private remove(ch: Channel): void {
    if (ch.ttyTimer) clearTimeout(ch.ttyTimer);
    if (ch.tty) {
      ch.tty.hangup();
      this.host.fs.setSpecial(ch.tty.path, null);
      this.usedTty.delete(ch.tty.index);
    }
    this.channels = this.channels.filter((c) => c !== ch);
  }
}
