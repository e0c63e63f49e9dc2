// Bytes received from a tty stream, taken by exact length or up to a newline, each wait with a deadline.
import { InfraError } from '../errors';

/** A control reply is one short line (DESIGN §6); a board streaming more than this without a newline is broken. */
export const MAX_LINE_BYTES = 1024 * 1024;

export class RxBuffer {
  private chunks: Buffer[] = [];
  private length = 0;
  private wake: (() => void) | undefined;
  private closed = false;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
    this.notify();
  }

  close(): void {
    this.closed = true;
    this.notify();
  }

  get available(): number {
    return this.length;
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private flat(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private consume(n: number): Buffer {
    const all = this.flat();
    const out = Buffer.from(all.subarray(0, n));
    this.chunks = n < all.length ? [all.subarray(n)] : [];
    this.length -= n;
    return out;
  }

  /** waits until `ready()` says how many bytes to take; throws `timeout()` at the deadline */
  private async until(ready: () => number | undefined, deadline: number, timeout: (seen: Buffer) => InfraError): Promise<Buffer> {
    for (;;) {
      const n = ready();
      if (n !== undefined) return this.consume(n);
      const left = deadline - Date.now();
      if (left <= 0 || this.closed) throw timeout(this.flat());
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  take(n: number, deadline: number, timeout: (seen: Buffer) => InfraError): Promise<Buffer> {
    return this.until(() => (this.length >= n ? n : undefined), deadline, timeout);
  }

  /** one line including its `\n` */
  takeLine(deadline: number, timeout: (seen: Buffer) => InfraError): Promise<Buffer> {
    return this.until(() => {
      const at = this.flat().indexOf(0x0a);
      if (at < 0 && this.length > MAX_LINE_BYTES) {
        throw new InfraError('E_REMOTE', `the tty sent ${this.length} bytes without a newline while a reply line was awaited (more than ${MAX_LINE_BYTES}); is the firmware on the control channel?`, { bytes: this.length });
      }
      return at < 0 ? undefined : at + 1;
    }, deadline, timeout);
  }
}
