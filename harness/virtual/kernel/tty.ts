// One rpmsg_tty device (/dev/ttyRPMSG<n>, remoteproc.md §6.3): writes split at the MTU, hang-up on channel removal.
import { FsError, type CharStream, type SpecialNode } from '../fs/types';

/** rpmsg_get_mtu: 512-byte buffers minus the 16-byte header */
export const RPMSG_MTU = 496;

class TtyStream implements CharStream {
  private cb: ((chunk: Uint8Array | null) => void) | null = null;
  private pending: Array<Uint8Array | null> = [];
  closed = false;

  constructor(private readonly tty: RpmsgTty) {}

  onData(cb: (chunk: Uint8Array | null) => void): void {
    this.cb = cb;
    const queued = this.pending;
    this.pending = [];
    for (const chunk of queued) cb(chunk);
  }

  push(chunk: Uint8Array | null): void {
    if (this.closed) return;
    if (this.cb) this.cb(chunk);
    else this.pending.push(chunk);
  }

  write(data: Uint8Array): Promise<void> {
    return this.tty.write(data);
  }

  close(): void {
    this.closed = true;
    this.tty.detach(this);
  }
}

export class RpmsgTty {
  private readonly streams = new Set<TtyStream>();
  private hungUp = false;

  /** @param send try-send of one rpmsg message; false when no TX buffer is free */
  constructor(readonly index: number, readonly path: string, private readonly send: (payload: Uint8Array) => boolean) {}

  node(): SpecialNode {
    // crw-rw---- root dialout, like every tty the kernel creates
    return { kind: 'chardev', mode: 0o660, open: () => this.open() };
  }

  private open(): CharStream {
    if (this.hungUp) throw new FsError('EIO', this.path);
    const s = new TtyStream(this);
    this.streams.add(s);
    return s;
  }

  /** rpmsg_tty_write: one message of min(len, MTU) per chunk; the tty layer loops over the rest */
  async write(data: Uint8Array): Promise<void> {
    for (let off = 0; off < data.length; off += RPMSG_MTU) {
      if (this.hungUp) throw new FsError('EIO', this.path);
      const chunk = data.slice(off, Math.min(off + RPMSG_MTU, data.length));
      if (!this.send(chunk)) throw new FsError('ENOMEM', this.path, `${this.path}: no free rpmsg TX buffer`);
    }
    if (this.hungUp) throw new FsError('EIO', this.path);
  }

  /** a message from the firmware: into the flip buffer of every open reader */
  deliver(payload: Uint8Array): void {
    if (this.hungUp || payload.length === 0) return;
    for (const s of this.streams) s.push(payload.slice());
  }

  /** channel removed (stop, crash recovery): readers get EOF, writes EIO */
  hangup(): void {
    if (this.hungUp) return;
    this.hungUp = true;
    for (const s of this.streams) s.push(null);
    this.streams.clear();
  }

  detach(s: TtyStream): void {
    this.streams.delete(s);
  }
}
