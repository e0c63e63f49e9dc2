// dd if= of= bs= ibs= obs= skip= seek= count= conv=notrunc status=none: enough to cut a coredump or a trace buffer.
import { FsError } from '../../fs/types';
import { concatBytes } from '../streams';
import type { CommandContext, ShellCommand } from '../types';
import { errText, fail, openSource } from './util';

function parseSize(s: string): number | null {
  const m = /^(\d+)(c|w|b|kB|k|K|KiB|MB|M|MiB|GB|G|GiB)?$/.exec(s);
  if (!m) return null;
  const mult: Record<string, number> = { c: 1, w: 2, b: 512, kB: 1000, k: 1024, K: 1024, KiB: 1024, MB: 1e6, M: 1 << 20, MiB: 1 << 20, GB: 1e9, G: 1 << 30, GiB: 1 << 30 };
  return Number(m[1]) * (mult[m[2] ?? 'c'] ?? 1);
}

function human(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  const si = ['kB', 'MB', 'GB'];
  const iec = ['KiB', 'MiB', 'GiB'];
  let i = 0;
  let s = bytes / 1000;
  while (s >= 1000 && i < 2) {
    s /= 1000;
    i++;
  }
  let b = bytes / 1024;
  let j = 0;
  while (b >= 1024 && j < 2) {
    b /= 1024;
    j++;
  }
  const fmt = (x: number): string => (x < 10 ? x.toFixed(1) : String(Math.round(x)));
  return `${bytes} bytes (${fmt(s)} ${si[i]}, ${fmt(b)} ${iec[j]})`;
}

async function dd(ctx: CommandContext): Promise<number> {
  const ops = new Map<string, string>();
  for (const a of ctx.argv.slice(1)) {
    const eq = a.indexOf('=');
    if (eq < 0) {
      await fail(ctx, `unrecognized operand '${a}'\nTry 'dd --help' for more information.`);
      return 1;
    }
    ops.set(a.slice(0, eq), a.slice(eq + 1));
  }
  const sizes: Record<string, number> = {};
  for (const k of ['bs', 'ibs', 'obs', 'count', 'skip', 'seek']) {
    const v = ops.get(k);
    if (v === undefined) continue;
    const n = parseSize(v);
    if (n === null) {
      await fail(ctx, `invalid number: '${v}'`);
      return 1;
    }
    sizes[k] = n;
  }
  const ibs = sizes.bs ?? sizes.ibs ?? 512;
  const obs = sizes.bs ?? sizes.obs ?? 512;
  const skip = (sizes.skip ?? 0) * ibs;
  const limit = sizes.count === undefined ? Infinity : sizes.count * ibs;
  const input = ops.get('if') ?? '-';
  let src;
  try {
    src = await openSource(ctx, input);
  } catch (e) {
    await fail(ctx, `failed to open '${input}': ${errText(e)}`);
    return 1;
  }
  const parts: Uint8Array[] = [];
  let seen = 0;
  let taken = 0;
  try {
    for (let c = await src.reader.read(); c !== null && taken < limit; c = taken < limit ? await src.reader.read() : null) {
      const from = Math.max(0, skip - seen);
      seen += c.length;
      if (from >= c.length) continue;
      const piece = c.subarray(from, from + Math.min(c.length - from, limit - taken));
      parts.push(piece);
      taken += piece.length;
    }
  } finally {
    src.close();
  }
  const data = concatBytes(parts);
  const output = ops.get('of');
  if (output === undefined) await ctx.stdout.write(data);
  else {
    const path = ctx.resolve(output);
    const seek = (sizes.seek ?? 0) * obs;
    const notrunc = (ops.get('conv') ?? '').split(',').includes('notrunc');
    try {
      if (seek === 0 && !notrunc) await ctx.fs.writeFile(path, data);
      else {
        const old = ctx.fs.stat(path) ? await ctx.fs.readFile(path) : new Uint8Array(0);
        const size = notrunc ? Math.max(old.length, seek + data.length) : seek + data.length;
        const merged = new Uint8Array(size);
        merged.set(old.subarray(0, Math.min(old.length, size)));
        merged.set(data, seek);
        await ctx.fs.writeFile(path, merged);
      }
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      await fail(ctx, `${e.errno === 'ENOSPC' ? `error writing '${output}'` : `failed to open '${output}'`}: ${errText(e)}`);
      return 1;
    }
  }
  const status = ops.get('status');
  if (status !== 'none') {
    const rec = (n: number, bs: number): string => `${Math.floor(n / bs)}+${n % bs ? 1 : 0}`;
    let text = `${rec(data.length, ibs)} records in\n${rec(data.length, obs)} records out\n`;
    if (status !== 'noxfer') text += `${human(data.length)} copied, 0.000100 s, ${human(data.length * 10000).replace(/^\d+ bytes \(([^,]+),.*$/, '$1').replace(/^(\d+) bytes$/, '$1 B')}/s\n`;
    await ctx.stderr.write(text);
  }
  return 0;
}

/** hexdump -C / xxd-style canonical dump. */
async function hexdump(ctx: CommandContext): Promise<number> {
  const files = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
  const chunks: Uint8Array[] = [];
  for (const f of files.length ? files : ['-']) {
    try {
      const s = await openSource(ctx, f);
      for (let c = await s.reader.read(); c !== null; c = await s.reader.read()) chunks.push(c);
      s.close();
    } catch (e) {
      await fail(ctx, `${f}: ${errText(e)}`);
      return 1;
    }
  }
  const data = concatBytes(chunks);
  let out = '';
  for (let off = 0; off < data.length; off += 16) {
    const row = data.subarray(off, off + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0'));
    const left = hex.slice(0, 8).join(' ').padEnd(23);
    const right = hex.slice(8).join(' ').padEnd(23);
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    out += `${off.toString(16).padStart(8, '0')}  ${left}  ${right}  |${ascii}|\n`;
  }
  if (data.length) out += `${data.length.toString(16).padStart(8, '0')}\n`;
  await ctx.stdout.write(out);
  return 0;
}

export const DD_COMMANDS: Record<string, ShellCommand> = { dd, hexdump };
