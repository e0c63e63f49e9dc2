// ls and stat, formatted like GNU coreutils (C locale, UTC timestamps).
import type { StatResult } from '../../fs/types';
import type { CommandContext, ShellCommand } from '../types';
import { badOption, fail, parseOpts } from './util';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HALF_YEAR_MS = 182.5 * 86400 * 1000;

export function modeString(st: StatResult): string {
  const t = st.type === 'dir' ? 'd' : st.type === 'chardev' ? 'c' : '-';
  let s = t;
  for (let shift = 6; shift >= 0; shift -= 3) {
    const b = (st.mode >> shift) & 7;
    s += `${b & 4 ? 'r' : '-'}${b & 2 ? 'w' : '-'}${b & 1 ? 'x' : '-'}`;
  }
  return s;
}

function lsDate(ms: number): string {
  const d = new Date(ms);
  const recent = Math.abs(Date.now() - ms) < HALF_YEAR_MS;
  const day = String(d.getUTCDate()).padStart(2, ' ');
  const tail = recent
    ? `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`
    : ` ${d.getUTCFullYear()}`;
  return `${MONTHS[d.getUTCMonth()]} ${day} ${tail}`;
}

function blocks(st: StatResult): number {
  return st.type === 'file' ? Math.ceil(st.size / 4096) * 4 : 0;
}

function join(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

async function ls(ctx: CommandContext): Promise<number> {
  const o = parseOpts(ctx.argv.slice(1), 'l1aAdhF');
  if (o.bad) return badOption(ctx, o.bad);
  const long = o.flags.has('l');
  const operands = o.operands.length ? o.operands : ['.'];
  let status = 0;
  const files: Array<{ name: string; st: StatResult }> = [];
  const dirs: Array<{ name: string; path: string }> = [];
  for (const a of operands) {
    const p = ctx.resolve(a);
    const st = ctx.fs.stat(p);
    if (!st) {
      await fail(ctx, `cannot access '${a}': No such file or directory`);
      status = 2;
    } else if (st.type === 'dir' && !o.flags.has('d')) dirs.push({ name: a, path: p });
    else files.push({ name: a, st });
  }
  const print = async (entries: Array<{ name: string; st: StatResult }>, total: boolean): Promise<void> => {
    if (!long) {
      const names = entries.map((e) => e.name);
      if (ctx.stdout.tty && !o.flags.has('1') && names.join('  ').length < 80) {
        if (names.length) await ctx.stdout.write(`${names.join('  ')}\n`);
      } else for (const n of names) await ctx.stdout.write(`${n}\n`);
      return;
    }
    if (total) await ctx.stdout.write(`total ${entries.reduce((n, e) => n + blocks(e.st), 0)}\n`);
    const sizeW = Math.max(0, ...entries.map((e) => String(e.st.size).length));
    const linkW = Math.max(0, ...entries.map((e) => String(e.st.type === 'dir' ? 2 : 1).length));
    for (const e of entries) {
      const links = String(e.st.type === 'dir' ? 2 : 1).padStart(linkW);
      await ctx.stdout.write(`${modeString(e.st)} ${links} root root ${String(e.st.size).padStart(sizeW)} ${lsDate(e.st.mtimeMs)} ${e.name}\n`);
    }
  };
  files.sort((a, b) => (a.name < b.name ? -1 : 1));
  await print(files, false);
  dirs.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const [i, d] of dirs.entries()) {
    if (files.length || i > 0) await ctx.stdout.write('\n');
    if (operands.length > 1) await ctx.stdout.write(`${d.name}:\n`);
    let names: string[];
    try {
      names = ctx.fs.readdir(d.path).sort();
    } catch (e) {
      await fail(ctx, `cannot open directory '${d.name}': ${e instanceof Error ? e.message : String(e)}`);
      status = 2;
      continue;
    }
    if (!o.flags.has('a') && !o.flags.has('A')) names = names.filter((n) => !n.startsWith('.'));
    if (o.flags.has('a')) names = ['.', '..', ...names];
    const entries = names.flatMap((n) => {
      const st = ctx.fs.stat(n === '.' ? d.path : n === '..' ? join(d.path, '..') : join(d.path, n));
      return st ? [{ name: n, st }] : [];
    });
    await print(entries, true);
  }
  return status;
}

function fileType(st: StatResult): string {
  if (st.type === 'dir') return 'directory';
  if (st.type === 'chardev') return 'character special file';
  return st.size === 0 && st.type === 'file' ? 'regular empty file' : 'regular file';
}

function isoTime(ms: number): string {
  const d = new Date(ms);
  const frac = String(d.getUTCMilliseconds()).padStart(3, '0');
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)}.${frac}000000 +0000`;
}

function statFormat(fmt: string, name: string, st: StatResult): string {
  return fmt.replace(/%([%snNaAFYXZyxzUGugihbBo])/g, (_m, c: string) => {
    switch (c) {
      case '%': return '%';
      case 's': return String(st.size);
      case 'n': return name;
      case 'N': return `'${name}'`;
      case 'a': return (st.mode & 0o7777).toString(8);
      case 'A': return modeString(st);
      case 'F': return fileType(st);
      case 'Y': case 'X': case 'Z': return String(Math.floor(st.mtimeMs / 1000));
      case 'y': case 'x': case 'z': return isoTime(st.mtimeMs);
      case 'U': case 'G': return 'root';
      case 'u': case 'g': case 'i': return '0';
      case 'h': return st.type === 'dir' ? '2' : '1';
      case 'b': return String(blocks(st) * 2);
      case 'B': return '512';
      default: return '4096';
    }
  });
}

const STAT_DEFAULT =
  '  File: %n\n  Size: %s\tBlocks: %b\tIO Block: 4096   %F\nDevice: 0,0\tInode: 0\tLinks: %h\n' +
  'Access: (0%a/%A)  Uid: (    0/    root)   Gid: (    0/    root)\nAccess: %x\nModify: %y\nChange: %z\n Birth: -';

async function stat(ctx: CommandContext): Promise<number> {
  const args = ctx.argv.slice(1);
  let fmt: string | null = null;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-c' || a === '--format') fmt = args[++i] ?? '';
    else if (a.startsWith('--format=')) fmt = a.slice('--format='.length);
    else if (a.startsWith('-c') && a.length > 2) fmt = a.slice(2);
    else if (a === '-L' || a === '-t') continue;
    else names.push(a);
  }
  if (!names.length) {
    await fail(ctx, "missing operand\nTry 'stat --help' for more information.");
    return 1;
  }
  let status = 0;
  for (const n of names) {
    const st = ctx.fs.stat(ctx.resolve(n));
    if (!st) {
      await fail(ctx, `cannot statx '${n}': No such file or directory`);
      status = 1;
      continue;
    }
    await ctx.stdout.write(`${statFormat(fmt ?? STAT_DEFAULT, n, st)}\n`);
  }
  return status;
}

export const LISTING_COMMANDS: Record<string, ShellCommand> = { ls, stat };
