// Byte streams between shell commands: readers (stdin, files, pipes, char devices) and writers that fail like write(2).
import { FsError } from '../fs/types';
import type { CharStream } from '../fs/types';

export const enc = new TextEncoder();
export const dec = new TextDecoder();

export function toBytes(chunk: Uint8Array | string): Uint8Array {
  return typeof chunk === 'string' ? enc.encode(chunk) : chunk;
}

/** A command's input. read() resolves null at end of input (or once the command is aborted). */
export interface Reader {
  read(): Promise<Uint8Array | null>;
  /** give back bytes read too far (so `read` and `head` leave the rest to the next command) */
  unread(chunk: Uint8Array): void;
}

/** A command's output. write() rejects with WriteFailure when the destination refuses the bytes. */
export interface Writer {
  write(chunk: Uint8Array | string): Promise<void>;
  /** true when the destination is the session's terminal */
  readonly tty: boolean;
}

/** A write(2) that failed; the runner prints `<cmd>: write error: <strerror>` (silently for EPIPE). */
export class WriteFailure extends Error {
  constructor(readonly failure: FsError) {
    super(failure.message);
  }
}

/** Unbounded FIFO of chunks with end-of-stream and abort. */
export class ChunkQueue implements Reader {
  private readonly items: Uint8Array[] = [];
  private waiter: ((v: Uint8Array | null) => void) | null = null;
  private ended = false;

  push(chunk: Uint8Array): void {
    if (this.ended || chunk.length === 0) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w(chunk);
    } else this.items.push(chunk);
  }

  end(): void {
    this.ended = true;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w(this.items.shift() ?? null);
    }
  }

  get isEnded(): boolean {
    return this.ended;
  }

  read(): Promise<Uint8Array | null> {
    const next = this.items.shift();
    if (next) return Promise.resolve(next);
    if (this.ended) return Promise.resolve(null);
    return new Promise((r) => (this.waiter = r));
  }

  unread(chunk: Uint8Array): void {
    if (chunk.length > 0) this.items.unshift(chunk);
  }
}

export const emptyReader: Reader = { read: async () => null, unread: () => undefined };

/** Reader over fixed bytes (a file read whole, like sysfs does on each open). */
export function bytesReader(data: Uint8Array): Reader {
  const q = new ChunkQueue();
  q.push(data);
  q.end();
  return q;
}

/** Reader over an AsyncIterable (the SSH channel); pulls only when a command reads. */
export function iterableReader(src: AsyncIterable<Uint8Array>): Reader {
  const it = src[Symbol.asyncIterator]();
  const back: Uint8Array[] = [];
  let done = false;
  return {
    async read() {
      const b = back.shift();
      if (b) return b;
      if (done) return null;
      const r = await it.next();
      if (r.done) {
        done = true;
        return null;
      }
      return toBytes(r.value);
    },
    unread(chunk) {
      if (chunk.length > 0) back.unshift(chunk);
    },
  };
}

/** Reader over a character device: chunks as the device delivers them, null when it hangs up or on abort. */
export function charReader(stream: CharStream, signal: AbortSignal): Reader & { close(): void } {
  const q = new ChunkQueue();
  const onAbort = (): void => q.end();
  stream.onData((chunk) => (chunk === null ? q.end() : q.push(new Uint8Array(chunk))));
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) q.end();
  return {
    read: () => q.read(),
    unread: (c) => q.unread(c),
    close() {
      signal.removeEventListener('abort', onAbort);
      q.end();
      stream.close();
    },
  };
}

/** True for an object that already is a Reader (the interactive terminal's line discipline). */
export function isReader(x: unknown): x is Reader {
  return typeof x === 'object' && x !== null && typeof (x as Reader).read === 'function' && typeof (x as Reader).unread === 'function';
}

/** Reader that stops (returns null) when `signal` aborts, even while the source is waiting. */
export function abortable(src: Reader, signal: AbortSignal): Reader {
  return {
    read() {
      if (signal.aborted) return Promise.resolve(null);
      return new Promise((resolve, reject) => {
        const onAbort = (): void => resolve(null);
        signal.addEventListener('abort', onAbort, { once: true });
        src.read().then(
          (v) => {
            signal.removeEventListener('abort', onAbort);
            if (signal.aborted && v) src.unread(v);
            resolve(signal.aborted ? null : v);
          },
          (e: unknown) => {
            signal.removeEventListener('abort', onAbort);
            reject(e);
          },
        );
      });
    },
    unread: (c) => src.unread(c),
  };
}

/** A pipe: the writer end fails with EPIPE once the reader end has gone away. */
export class Pipe {
  readonly queue = new ChunkQueue();
  private readerClosed = false;
  private readonly closedCbs: Array<() => void> = [];

  readonly writer: Writer = {
    tty: false,
    write: async (chunk) => {
      if (this.readerClosed) throw new WriteFailure(new FsError('EPIPE', 'pipe'));
      this.queue.push(new Uint8Array(toBytes(chunk)));
    },
  };

  closeWriter(): void {
    this.queue.end();
  }

  closeReader(): void {
    this.readerClosed = true;
    for (const cb of this.closedCbs.splice(0)) cb();
  }

  onReaderClosed(cb: () => void): void {
    if (this.readerClosed) cb();
    else this.closedCbs.push(cb);
  }
}

/** Reads everything from a reader. */
export async function readAll(r: Reader): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let c = await r.read(); c !== null; c = await r.read()) {
    parts.push(c);
    total += c.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Reads one line (including its '\n' when present); null at end of input. Leaves the rest in the reader. */
export async function readLine(r: Reader): Promise<string | null> {
  const parts: Uint8Array[] = [];
  for (;;) {
    const c = await r.read();
    if (c === null) return parts.length ? dec.decode(concatBytes(parts)) : null;
    const nl = c.indexOf(10);
    if (nl >= 0) {
      parts.push(c.subarray(0, nl + 1));
      r.unread(c.subarray(nl + 1));
      return dec.decode(concatBytes(parts));
    }
    parts.push(c);
  }
}
