// Helpers shared by the external commands: opening operands, streaming lines, option parsing, error lines.
import { FsError } from '../../fs/types';
import { strerror } from '../../fs/errno';
import { bytesReader, charReader, concatBytes, dec } from '../streams';
import type { Reader } from '../streams';
import type { CommandContext } from '../types';

export { strerror };

/** An operand opened for reading: '-' is stdin, a char device streams, anything else is read whole. */
export async function openSource(ctx: CommandContext, arg: string): Promise<{ reader: Reader; close(): void }> {
  if (arg === '-') return { reader: ctx.stdin, close: () => undefined };
  const path = ctx.resolve(arg);
  const st = ctx.fs.stat(path);
  if (!st) throw new FsError('ENOENT', arg);
  if (st.type === 'dir') throw new FsError('EISDIR', arg);
  if (st.type === 'chardev') {
    const r = charReader(ctx.fs.openChar(path), ctx.signal);
    return { reader: r, close: () => r.close() };
  }
  try {
    return { reader: bytesReader(await ctx.fs.readFile(path)), close: () => undefined };
  } catch (e) {
    if (e instanceof FsError) throw new FsError(e.errno, arg);
    throw e;
  }
}

/** Reads a whole operand (stops early on abort). */
export async function readSource(ctx: CommandContext, arg: string): Promise<Uint8Array> {
  const { reader, close } = await openSource(ctx, arg);
  try {
    const parts: Uint8Array[] = [];
    for (let c = await reader.read(); c !== null; c = await reader.read()) parts.push(c);
    return concatBytes(parts);
  } finally {
    close();
  }
}

/** Calls `cb` per line (with its '\n') as lines arrive; cb returns false to stop early. */
export async function eachLine(reader: Reader, cb: (line: string) => Promise<boolean | void>): Promise<void> {
  let pending: Uint8Array[] = [];
  for (let c = await reader.read(); c !== null; c = await reader.read()) {
    let start = 0;
    for (let nl = c.indexOf(10); nl >= 0; nl = c.indexOf(10, start)) {
      pending.push(c.subarray(start, nl + 1));
      start = nl + 1;
      const line = dec.decode(concatBytes(pending));
      pending = [];
      if ((await cb(line)) === false) {
        reader.unread(c.subarray(start));
        return;
      }
    }
    if (start < c.length) pending.push(c.subarray(start));
  }
  if (pending.length) await cb(dec.decode(concatBytes(pending)));
}

export async function fail(ctx: CommandContext, text: string): Promise<void> {
  await ctx.stderr.write(`${ctx.argv[0]}: ${text}\n`);
}

export function errText(e: unknown): string {
  if (e instanceof FsError) return strerror(e.errno);
  return e instanceof Error ? e.message : String(e);
}

/** GNU-style short options: returns flags, option values and operands, or the bad option letter. */
export function parseOpts(
  args: string[],
  flags: string,
  withValue = '',
): { flags: Set<string>; values: Map<string, string>; operands: string[]; bad?: string } {
  const out = { flags: new Set<string>(), values: new Map<string, string>(), operands: [] as string[] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      out.operands.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      out.operands.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const f = a[j] as string;
      if (withValue.includes(f)) {
        const v = a.slice(j + 1) || args[++i];
        if (v === undefined) return { ...out, bad: f };
        out.values.set(f, v);
        break;
      }
      if (!flags.includes(f)) return { ...out, bad: f };
      out.flags.add(f);
    }
  }
  return out;
}

export async function badOption(ctx: CommandContext, letter: string): Promise<number> {
  await ctx.stderr.write(`${ctx.argv[0]}: invalid option -- '${letter}'\nTry '${ctx.argv[0]} --help' for more information.\n`);
  return ctx.argv[0] === 'ls' || ctx.argv[0] === 'grep' ? 2 : 1;
}
