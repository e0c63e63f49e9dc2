// A bare rpmsg tty client for the split test: one raw write of any length, then reply lines read back as they come.
import type { CommandRunner, RemoteStream } from '../../harness/remoteproc';
import { shq } from '../../harness/remoteproc';

const READY = 'rproc-hil-raw-tty-open';

/**
 * Same shape as harness RpmsgTty (reader opened before the ready marker, writer `cat > tty` so each write is one
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
    if (!/^\/dev\/ttyRPMSG\d+$/.test(device)) throw new Error(`${JSON.stringify(device)} is not an rpmsg tty (/dev/ttyRPMSG<n>)`);
    const dev = shq(device);
    const reader = await runner.stream(`stty -F ${dev} raw -echo && { echo ${READY} >&2; cat; } < ${dev}`);
    let stderr = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`opening ${device} took longer than ${timeoutMs} ms; stderr: ${stderr.trim() || '(none)'}`)), timeoutMs);
        reader.onStderr((c) => {
          stderr += c.toString('latin1');
          if (stderr.includes(READY)) {
            clearTimeout(t);
            resolve();
          }
        });
        void reader.exited.then((code) => {
          clearTimeout(t);
          reject(new Error(`opening ${device} failed (exit ${code}): ${stderr.trim() || 'no error text'}`));
        });
      });
    } catch (e) {
      reader.close();
      throw e;
    }
    return new RawTty(device, reader, await runner.stream(`cat > ${dev}`));
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
