// Binary-safe reads of a remote file over exec: `base64` where the board has it, else `hexdump -v -C` (busybox has both).
import { InfraError } from '../errors';
import type { CommandRunner } from './capabilities';
import { shq } from './shell-words';

/** a coprocessor core is a few MiB at most; anything claiming more is garbage */
const MAX_DUMP_BYTES = 64 * 1024 * 1024;

/** Growable byte buffer: one byte per byte (a number[] costs 8-16). */
class ByteSink {
  private buf = new Uint8Array(4096);
  length = 0;
  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  push(bytes: readonly number[]): void {
    this.room(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }
  /** repeats the last `row` bytes until `end` (hexdump's `*`), doubling with copyWithin */
  repeat(row: number, end: number): void {
    if (end <= this.length) return;
    this.room(end - this.length);
    const start = this.length - row;
    while (this.length < end) {
      const n = Math.min(this.length - start, end - this.length);
      this.buf.copyWithin(this.length, start, start + n);
      this.length += n;
    }
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
/** Decodes `hexdump -C` canonical output (a `*` line repeats the previous row up to the next offset). */
export function decodeHexdump(text: string, where: string): Uint8Array {
  let prev: { offset: number; bytes: number[] } | undefined;
  let pendingStar = false;
  let total: number | undefined;
  const out = new ByteSink();
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n] ?? '';
    if (line === '') continue;
    if (line === '*') {
      pendingStar = true;
      continue;
    }
    const m = /^([0-9a-f]{7,16})((?:\s+[0-9a-f]{2}){0,16})\s*(?:\|.*\|)?$/.exec(line);
    if (!m) throw new InfraError('E_REMOTE', `hexdump of ${where} line ${n + 1} is ${JSON.stringify(line.slice(0, 100))}, not canonical hexdump -C output`, { where, line: n + 1 });
    const offset = parseInt(m[1] ?? '', 16);
    if (offset > MAX_DUMP_BYTES) throw new InfraError('E_REMOTE', `hexdump of ${where} line ${n + 1} claims offset 0x${offset.toString(16)}, beyond the ${MAX_DUMP_BYTES} byte limit`, { where });
    const bytes = (m[2] ?? '').trim() === '' ? [] : (m[2] ?? '').trim().split(/\s+/).map((h) => parseInt(h, 16));
    if (pendingStar) {
      if (!prev || prev.bytes.length === 0) throw new InfraError('E_REMOTE', `hexdump of ${where}: "*" with no row before it (line ${n + 1})`, { where });
      const rows = Math.max(0, Math.ceil((offset - (prev.offset + prev.bytes.length)) / prev.bytes.length));
      out.repeat(prev.bytes.length, out.length + rows * prev.bytes.length);
      pendingStar = false;
    }
    if (out.length !== offset) throw new InfraError('E_REMOTE', `hexdump of ${where} line ${n + 1} starts at offset 0x${offset.toString(16)} but ${out.length} bytes came before it`, { where });
    if (bytes.length === 0) total = offset;
    else {
      out.push(bytes);
      prev = { offset, bytes };
    }
  }
  if (total !== undefined && total !== out.length) throw new InfraError('E_REMOTE', `hexdump of ${where} ends at 0x${total.toString(16)} but holds ${out.length} bytes`, { where });
  return out.bytes();
}

export type ByteTool = 'base64' | 'hexdump';

/** Reads a remote file's bytes; remembers which tool the board has. */
export class RemoteBytes {
  private tool: ByteTool | undefined;

  constructor(
    private readonly runner: CommandRunner,
    private readonly board: string,
  ) {}

  async read(path: string, opts: { phase: string; timeoutMs: number }): Promise<Uint8Array> {
    if (this.tool !== 'hexdump') {
      const r = await this.runner.exec(`base64 ${shq(path)}`, opts);
      if (r.code === 0) {
        this.tool = 'base64';
        return Uint8Array.from(Buffer.from(r.stdout.replace(/\s+/g, ''), 'base64'));
      }
      if (r.code !== 127) throw this.failed(path, 'base64', r.stderr);
      this.tool = 'hexdump';
    }
    const r = await this.runner.exec(`hexdump -v -C ${shq(path)}`, opts);
    if (r.code !== 0) throw this.failed(path, 'hexdump', r.stderr);
    return decodeHexdump(r.stdout, path);
  }

  private failed(path: string, tool: ByteTool, stderr: string): InfraError {
    const why = stderr.trim().split('\n').pop() ?? '';
    return new InfraError('E_REMOTE', `reading ${path} on ${this.board} with ${tool} failed: ${why || 'no error text'}`, { path, tool, stderr });
  }
}
