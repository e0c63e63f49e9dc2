// A long-lived remote command (e.g. `cat /dev/ttyRPMSG0`): data events, write(), close(), and a promise of its exit.
import { EventEmitter } from 'node:events';
import type { ClientChannel } from 'ssh2';
import { sendSignal } from './send-signal';

export interface StreamExit {
  code: number | null;
  signal?: string;
  /** true when the channel ended because the SSH connection was lost */
  connectionLost: boolean;
}

export interface SshStreamEvents {
  data: [chunk: Buffer];
  stderr: [chunk: Buffer];
}

export class SshStream extends EventEmitter<SshStreamEvents> {
  /** settles (never rejects) when the remote command ends or the channel closes */
  readonly exit: Promise<StreamExit>;
  private closed = false;

  constructor(
    readonly command: string,
    private readonly ch: ClientChannel,
    connectionLost: () => boolean,
  ) {
    super();
    let code: number | null = null;
    let signal: string | undefined;
    ch.on('data', (chunk: Buffer) => this.emit('data', chunk));
    ch.stderr.on('data', (chunk: Buffer) => this.emit('stderr', chunk));
    ch.on('exit', (c: number | null, sig?: string) => {
      if (typeof c === 'number') code = c;
      if (typeof sig === 'string') signal = sig;
    });
    this.exit = new Promise((resolve) => {
      ch.on('close', (c?: number | null, sig?: string) => {
        if (code === null && typeof c === 'number') code = c;
        if (signal === undefined && typeof sig === 'string') signal = sig;
        this.closed = true;
        resolve({ code, ...(signal !== undefined ? { signal } : {}), connectionLost: connectionLost() });
      });
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Resolves once the bytes are handed to the channel (respecting its flow control). */
  write(data: string | Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`stream "${this.command}" is closed`));
    return new Promise((resolve, reject) => {
      this.ch.write(data, (err?: Error | null) => (err ? reject(err) : resolve()));
    });
  }

  /**
   * Ends the remote command: the signal first, because closing the channel alone leaves a blocked reader
   * (a `cat` of an rpmsg tty) running on the board and holding the device open. Waits up to `graceMs`
   * for the command's own exit status, then closes the channel anyway.
   */
  async close(signal = 'TERM', graceMs = 1000): Promise<StreamExit> {
    if (!this.closed) {
      sendSignal(this.ch, signal);
      const timer = setTimeout(() => this.ch.close(), graceMs);
      await this.exit;
      clearTimeout(timer);
    }
    return this.exit;
  }
}
