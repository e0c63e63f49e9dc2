// Binary-safe reads of a remote file over exec: `base64` where the board has it, else `hexdump -v -C` (busybox has both).
import { InfraError } from '../errors';
import type { CommandRunner } from './capabilities';
import { shq } from './shell-words';

/** a coprocessor core is a few MiB at most; anything claiming more is garbage */
const MAX_DUMP_BYTES = 64 * 1024 * 1024;

/** Decodes `hexdump -C` canonical output (a `*` line repeats the previous row up to the next offset). */
export function decodeHexdump(text: string, where: string): Uint8Array {
  const rows: { offset: number; bytes: number[] }[] = [];
  let pendingStar = false;
  let total: number | undefined;
  const out: number[] = [];
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
      const prev = rows[rows.length - 1];
      if (!prev || prev.bytes.length === 0) throw new InfraError('E_REMOTE', `hexdump of ${where}: "*" with no row before it (line ${n + 1})`, { where });
      for (let at = prev.offset + prev.bytes.length; at < offset; at += prev.bytes.length) out.push(...prev.bytes);
      pendingStar = false;
    }
    if (out.length !== offset) throw new InfraError('E_REMOTE', `hexdump of ${where} line ${n + 1} starts at offset 0x${offset.toString(16)} but ${out.length} bytes came before it`, { where });
    if (bytes.length === 0) total = offset;
    else {
      out.push(...bytes);
      rows.push({ offset, bytes });
    }
  }
  if (total !== undefined && total !== out.length) throw new InfraError('E_REMOTE', `hexdump of ${where} ends at 0x${total.toString(16)} but holds ${out.length} bytes`, { where });
  return Uint8Array.from(out);
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
