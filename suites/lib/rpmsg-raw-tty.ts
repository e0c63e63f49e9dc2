// A bare rpmsg tty client for the split test: one raw write of any length, then reply lines read back as they come.
import type { CommandRunner, RemoteStream } from '../../harness/remoteproc';
import { openTtyStreams } from '../../harness/remoteproc';

/**
 * Opened as harness RpmsgTty is (openTtyStreams: reader ready before any reply, writer `cat > tty` so each write is one
 * write(2)), but without its one-command-one-line rule: the split test sends one write that draws several reply lines.
 */
export class RawTty {
  private buf = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private ended = false;

  private constructor(
    readonly device: string,
    private readonly reader: RemoteStream,
    private readonly writer: RemoteStream,
  ) {
    reader.onData((c) => {
      this.buf = Buffer.concat([this.buf, c]);
      this.notify();
    });
    const end = (): void => {
      this.ended = true;
      this.notify();
    };
    void reader.exited.then(end, end);
  }

  static async open(runner: CommandRunner, device: string, timeoutMs: number): Promise<RawTty> {
    const { reader, writer } = await openTtyStreams(runner, device, { timeoutMs });
    return new RawTty(device, reader, writer);
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  write(data: string | Uint8Array): Promise<void> {
    return this.writer.write(data);
  }

  /** `n` lines (without their line break); on timeout the error shows the lines and bytes seen so far */
  async lines(n: number, timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.buf.toString('latin1');
      const parts = text.split('\n');
      if (parts.length - 1 >= n) {
        const got = parts.slice(0, n);
        this.buf = Buffer.from(parts.slice(n).join('\n'), 'latin1');
        return got.map((l) => l.replace(/\r$/, ''));
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.ended) {
        throw new Error(`${parts.length - 1} of ${n} reply lines arrived on ${this.device} within ${timeoutMs} ms: ${JSON.stringify(text.slice(0, 400))}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  close(): void {
    this.writer.close();
    this.reader.close();
  }
}
