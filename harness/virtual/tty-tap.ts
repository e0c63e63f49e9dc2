// Counts the rpmsg messages Linux sends through /dev/ttyRPMSG* (fault knob crashAfterMessages), by interposing on the fs's openChar.
import * as path from 'node:path';
import type { CharStream, VirtualFs } from './fs/types';

/** rpmsg_get_mtu (remoteproc.md §6.1): a tty write becomes one message per 496 bytes (§6.3) */
const RPMSG_MTU = 496;
const TTY = /^\/dev\/ttyRPMSG\d+$/;

export type MessageListener = (messages: number) => void;

/** messages the kernel makes of one write(2) to an rpmsg tty (remoteproc.md §6.3: min(len, MTU) per message) */
export function messagesOf(bytes: number): number {
  return bytes <= 0 ? 0 : Math.ceil(bytes / RPMSG_MTU);
}

/**
 * Wraps `fs.openChar` once per fs: every stream opened on an rpmsg tty reports the messages each write makes, just
 * before the write reaches the tty (so a listener that crashes the core lands inside that very write).
 */
export class TtyTap {
  private readonly listeners = new Set<MessageListener>();

  private constructor(fs: VirtualFs) {
    const open = fs.openChar.bind(fs);
    fs.openChar = (p: string): CharStream => {
      const stream = open(p);
      if (!TTY.test(path.posix.normalize(p))) return stream;
      return {
        onData: (cb) => stream.onData(cb),
        write: (data) => {
          const n = messagesOf(data.length);
          if (n > 0) for (const l of [...this.listeners]) l(n);
          return stream.write(data);
        },
        close: () => stream.close(),
      };
    };
  }

  private static readonly taps = new WeakMap<VirtualFs, TtyTap>();

  /** the tap of this fs (installed on first use, kept for the fs's life) */
  static of(fs: VirtualFs): TtyTap {
    let tap = TtyTap.taps.get(fs);
    if (!tap) {
      tap = new TtyTap(fs);
      TtyTap.taps.set(fs, tap);
    }
    return tap;
  }

  /** returns the unsubscribe function */
  onMessages(listener: MessageListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
