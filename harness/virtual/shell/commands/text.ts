// Text filters: head, tail, wc, tr, cut, basename, dirname, seq (streaming where the real tool streams).
import { dec, enc } from '../streams';
import type { CommandContext, ShellCommand } from '../types';
import { badOption, eachLine, errText, fail, openSource, parseOpts, readSource } from './util';

/** `-5` is `-n 5` for head and tail. */
function numericShorthand(args: string[]): string[] {
  return args.map((a) => (/^-\d+$/.test(a) ? `-n${a.slice(1)}` : a));
}

async function head(ctx: CommandContext): Promise<number> {
  const o = parseOpts(numericShorthand(ctx.argv.slice(1)), 'qv', 'nc');
  if (o.bad) return badOption(ctx, o.bad);
  const bytes = o.values.has('c') ? Number(o.values.get('c')) : null;
  const lines = Number(o.values.get('n') ?? 10);
  if (Number.isNaN(lines) || (bytes !== null && Number.isNaN(bytes))) {
    await fail(ctx, `invalid number of ${bytes === null ? 'lines' : 'bytes'}: '${o.values.get(bytes === null ? 'n' : 'c')}'`);
    return 1;
  }
  const operands = o.operands.length ? o.operands : ['-'];
  let status = 0;
  for (const [i, a] of operands.entries()) {
    let src;
    try {
      src = await openSource(ctx, a);
    } catch (e) {
      await fail(ctx, `cannot open '${a}' for reading: ${errText(e)}`);
      status = 1;
      continue;
    }
    if (operands.length > 1) await ctx.stdout.write(`${i > 0 ? '\n' : ''}==> ${a === '-' ? 'standard input' : a} <==\n`);
    try {
      if (bytes !== null) {
        let left = bytes;
        for (let c = left > 0 ? await src.reader.read() : null; c !== null && left > 0; c = left > 0 ? await src.reader.read() : null) {
          await ctx.stdout.write(c.subarray(0, left));
          if (c.length > left) src.reader.unread(c.subarray(left));
          left -= Math.min(left, c.length);
        }
      } else {
        let n = 0;
        if (lines > 0) {
          await eachLine(src.reader, async (line) => {
            await ctx.stdout.write(line);
            return ++n < lines;
          });
        }
      }
    } finally {
      src.close();
    }
  }
  return status;
}

async function tail(ctx: CommandContext): Promise<number> {
  const o = parseOpts(numericShorthand(ctx.argv.slice(1)), 'qvf', 'nc');
  if (o.bad) return badOption(ctx, o.bad);
  const nArg = o.values.get('n') ?? '10';
  const fromStart = nArg.startsWith('+');
  const n = Number(nArg);
  const operands = o.operands.length ? o.operands : ['-'];
  let status = 0;
  for (const [i, a] of operands.entries()) {
    let data: Uint8Array;
    try {
      data = await readSource(ctx, a);
    } catch (e) {
      await fail(ctx, `cannot open '${a}' for reading: ${errText(e)}`);
      status = 1;
      continue;
    }
    if (operands.length > 1) await ctx.stdout.write(`${i > 0 ? '\n' : ''}==> ${a === '-' ? 'standard input' : a} <==\n`);
    if (o.values.has('c')) {
      const c = Number(o.values.get('c'));
      await ctx.stdout.write(data.subarray(Math.max(0, data.length - c)));
      continue;
    }
    const text = dec.decode(data);
    const parts = text.split(/(?<=\n)/);
    const keep = fromStart ? parts.slice(Math.max(0, n - 1)) : n === 0 ? [] : parts.slice(-n);
    await ctx.stdout.write(keep.join(''));
  }
  return status;
}

async function wc(ctx: CommandContext): Promise<number> {
  const o = parseOpts(ctx.argv.slice(1), 'clwm');
  if (o.bad) return badOption(ctx, o.bad);
  const want = o.flags.size ? o.flags : new Set(['l', 'w', 'c']);
  const rows: Array<{ counts: number[]; name: string | null }> = [];
  let status = 0;
  for (const a of o.operands.length ? o.operands : ['-']) {
    let data: Uint8Array;
    try {
      data = await readSource(ctx, a);
    } catch (e) {
      await fail(ctx, `${a}: ${errText(e)}`);
      status = 1;
      continue;
    }
    const text = dec.decode(data);
    const all = { l: data.filter((b) => b === 10).length, w: text.split(/\s+/).filter((w) => w !== '').length, m: [...text].length, c: data.length };
    const counts = (['l', 'w', 'm', 'c'] as const).filter((k) => want.has(k)).map((k) => all[k]);
    rows.push({ counts, name: o.operands.length ? a : null });
  }
  if (rows.length > 1) rows.push({ counts: rows[0]?.counts.map((_, i) => rows.reduce((s, r) => s + (r.counts[i] ?? 0), 0)) ?? [], name: 'total' });
  const single = rows.length === 1 && (rows[0]?.counts.length ?? 0) === 1;
  const width = single ? 0 : o.operands.length === 0 ? 7 : Math.max(1, ...rows.flatMap((r) => r.counts.map((c) => String(c).length)));
  for (const r of rows) {
    const nums = r.counts.map((c) => String(c).padStart(width)).join(' ');
    await ctx.stdout.write(r.name === null ? `${nums}\n` : `${nums} ${r.name}\n`);
  }
  return status;
}

const CLASSES: Record<string, string> = {
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  lower: 'abcdefghijklmnopqrstuvwxyz',
  digit: '0123456789',
  space: ' \t\n\r\f\v',
  blank: ' \t',
  alpha: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  alnum: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
};

function expandSet(s: string): string {
  let out = '';
  const esc: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '0': '\0' };
  for (let i = 0; i < s.length; i++) {
    const cls = /^\[:([a-z]+):\]/.exec(s.slice(i));
    if (cls?.[1] && CLASSES[cls[1]]) {
      out += CLASSES[cls[1]];
      i += cls[0].length - 1;
      continue;
    }
    let c = s[i] as string;
    if (c === '\\' && i + 1 < s.length) c = esc[s[++i] as string] ?? (s[i] as string);
    if (s[i + 1] === '-' && i + 2 < s.length) {
      const end = s[i + 2] as string;
      for (let x = c.charCodeAt(0); x <= end.charCodeAt(0); x++) out += String.fromCharCode(x);
      i += 2;
    } else out += c;
  }
  return out;
}

async function tr(ctx: CommandContext): Promise<number> {
  const o = parseOpts(ctx.argv.slice(1), 'dsc');
  if (o.bad) return badOption(ctx, o.bad);
  const set1 = expandSet(o.operands[0] ?? '');
  const set2 = expandSet(o.operands[1] ?? '');
  if (!o.operands.length || (!o.flags.has('d') && !o.flags.has('s') && o.operands.length < 2)) {
    await fail(ctx, `missing operand${o.operands.length ? ` after '${o.operands[0]}'` : ''}\nTry 'tr --help' for more information.`);
    return 1;
  }
  let last = '';
  for (let c = await ctx.stdin.read(); c !== null; c = await ctx.stdin.read()) {
    let out = '';
    for (const ch of dec.decode(c, { stream: true })) {
      let x: string | null = ch;
      const idx = set1.indexOf(ch);
      if (o.flags.has('d')) x = idx >= 0 ? null : ch;
      else if (idx >= 0 && set2) x = set2[Math.min(idx, set2.length - 1)] ?? ch;
      if (x === null) continue;
      const squeezeSet = o.flags.has('d') || o.operands.length > 1 ? set2 : set1;
      if (o.flags.has('s') && x === last && squeezeSet.includes(x)) continue;
      out += x;
      last = x;
    }
    await ctx.stdout.write(out);
  }
  return 0;
}

function parseList(spec: string): Array<[number, number]> | null {
  const ranges: Array<[number, number]> = [];
  for (const part of spec.split(',')) {
    const m = /^(\d*)(-?)(\d*)$/.exec(part);
    if (!m || (!m[1] && !m[3])) return null;
    const a = m[1] ? Number(m[1]) : 1;
    const b = m[2] ? (m[3] ? Number(m[3]) : Infinity) : a;
    ranges.push([a, b]);
  }
  return ranges;
}

async function cut(ctx: CommandContext): Promise<number> {
  const o = parseOpts(ctx.argv.slice(1), 's', 'dfcb');
  if (o.bad) return badOption(ctx, o.bad);
  const spec = o.values.get('f') ?? o.values.get('c') ?? o.values.get('b');
  const ranges = spec === undefined ? null : parseList(spec);
  if (!ranges) {
    await fail(ctx, "you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.");
    return 1;
  }
  const delim = o.values.get('d') ?? '\t';
  const inRange = (i: number): boolean => ranges.some(([a, b]) => i >= a && i <= b);
  let status = 0;
  for (const a of o.operands.length ? o.operands : ['-']) {
    let src;
    try {
      src = await openSource(ctx, a);
    } catch (e) {
      await fail(ctx, `${a}: ${errText(e)}`);
      status = 1;
      continue;
    }
    await eachLine(src.reader, async (raw) => {
      const line = raw.replace(/\n$/, '');
      let out: string;
      if (o.values.has('f')) {
        if (!line.includes(delim)) {
          if (o.flags.has('s')) return;
          out = line;
        } else out = line.split(delim).filter((_, i) => inRange(i + 1)).join(delim);
      } else out = [...line].filter((_, i) => inRange(i + 1)).join('');
      await ctx.stdout.write(`${out}\n`);
    });
    src.close();
  }
  return status;
}

async function basename(ctx: CommandContext): Promise<number> {
  const [name, suffix] = ctx.argv.slice(1);
  if (name === undefined) {
    await fail(ctx, "missing operand\nTry 'basename --help' for more information.");
    return 1;
  }
  let b = name.replace(/\/+$/, '');
  b = b === '' ? '/' : b.slice(b.lastIndexOf('/') + 1);
  if (suffix && b !== suffix && b.endsWith(suffix)) b = b.slice(0, -suffix.length);
  await ctx.stdout.write(`${b}\n`);
  return 0;
}

async function dirname(ctx: CommandContext): Promise<number> {
  const name = ctx.argv[1];
  if (name === undefined) {
    await fail(ctx, "missing operand\nTry 'dirname --help' for more information.");
    return 1;
  }
  const t = name.replace(/\/+$/, '');
  const i = t.lastIndexOf('/');
  await ctx.stdout.write(`${i < 0 ? '.' : i === 0 ? '/' : t.slice(0, i).replace(/\/+$/, '') || '/'}\n`);
  return 0;
}

async function seq(ctx: CommandContext): Promise<number> {
  const nums = ctx.argv.slice(1).map(Number);
  if (nums.length === 0 || nums.length > 3 || nums.some((n) => Number.isNaN(n))) {
    await fail(ctx, "missing operand\nTry 'seq --help' for more information.");
    return 1;
  }
  const [first, step, last] = nums.length === 1 ? [1, 1, nums[0] as number] : nums.length === 2 ? [nums[0] as number, 1, nums[1] as number] : (nums as [number, number, number]);
  const out: string[] = [];
  for (let x = first; step > 0 ? x <= last : x >= last; x += step) {
    out.push(String(x));
    if (out.length > 1_000_000 || step === 0) break;
  }
  await ctx.stdout.write(enc.encode(out.length ? `${out.join('\n')}\n` : ''));
  return 0;
}

/** base64 [-d] [-w COLS] [FILE]: GNU wraps at 76 columns by default, -w 0 disables wrapping. */
async function base64(ctx: CommandContext): Promise<number> {
  const o = parseOpts(ctx.argv.slice(1), 'di', 'w');
  if (o.bad) return badOption(ctx, o.bad);
  const file = o.operands[0] ?? '-';
  let data: Uint8Array;
  try {
    data = await readSource(ctx, file);
  } catch (e) {
    await fail(ctx, `${file}: ${errText(e)}`);
    return 1;
  }
  if (o.flags.has('d')) {
    const textIn = dec.decode(data).replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(textIn)) {
      await fail(ctx, 'invalid input');
      return 1;
    }
    await ctx.stdout.write(new Uint8Array(Buffer.from(textIn, 'base64')));
    return 0;
  }
  const cols = Number(o.values.get('w') ?? 76);
  const b64 = Buffer.from(data).toString('base64');
  const lines = cols > 0 ? (b64.match(new RegExp(`.{1,${cols}}`, 'g')) ?? []) : [b64];
  await ctx.stdout.write(b64 === '' ? '' : `${lines.join('\n')}\n`);
  return 0;
}

export const TEXT_COMMANDS: Record<string, ShellCommand> = { head, tail, wc, tr, cut, basename, dirname, seq, base64 };
