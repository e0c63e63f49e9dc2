// File commands with GNU coreutils' messages: cat, mkdir, rm, rmdir, mv, cp, touch, sha256sum, md5sum.
import { createHash } from 'node:crypto';
import { FsError } from '../../fs/types';
import { baseName } from '../../fs/path';
import type { CommandContext, ShellCommand } from '../types';
import { badOption, errText, fail, openSource, parseOpts, readSource } from './util';

const CHUNK = 128 * 1024; // cat's write size

async function cat(ctx: CommandContext): Promise<number> {
  const o = parseOpts(ctx.argv.slice(1), 'uA');
  if (o.bad) return badOption(ctx, o.bad);
  let status = 0;
  for (const arg of o.operands.length ? o.operands : ['-']) {
    let src;
    try {
      src = await openSource(ctx, arg);
    } catch (e) {
      await fail(ctx, `${arg}: ${errText(e)}`);
      status = 1;
      continue;
    }
    try {
      for (let c = await src.reader.read(); c !== null; c = await src.reader.read()) {
        for (let at = 0; at < c.length; at += CHUNK) await ctx.stdout.write(c.subarray(at, at + CHUNK));
      }
    } finally {
      src.close();
    }
    if (ctx.signal.aborted) return 130;
  }
  return status;
}

async function mkdir(ctx: CommandContext): Promise<number> {
  const o = parseOpts(ctx.argv.slice(1), 'pv', 'm');
  if (o.bad) return badOption(ctx, o.bad);
  if (!o.operands.length) {
    await fail(ctx, "missing operand\nTry 'mkdir --help' for more information.");
    return 1;
  }
  let status = 0;
  for (const d of o.operands) {
    try {
      ctx.fs.mkdir(ctx.resolve(d), { recursive: o.flags.has('p') });
    } catch (e) {
      await fail(ctx, `cannot create directory '${d}': ${errText(e)}`);
      status = 1;
    }
  }
  return status;
}

function removeTree(ctx: CommandContext, path: string): void {
  if (ctx.fs.stat(path)?.type === 'dir') {
    for (const n of ctx.fs.readdir(path)) removeTree(ctx, `${path === '/' ? '' : path}/${n}`);
    ctx.fs.rmdir(path);
  } else ctx.fs.unlink(path);
}

async function rm(ctx: CommandContext): Promise<number> {
  const o = parseOpts(ctx.argv.slice(1), 'frRvid');
  if (o.bad) return badOption(ctx, o.bad);
  const force = o.flags.has('f');
  const recursive = o.flags.has('r') || o.flags.has('R');
  if (!o.operands.length) {
    if (force) return 0;
    await fail(ctx, "missing operand\nTry 'rm --help' for more information.");
    return 1;
  }
  let status = 0;
  for (const a of o.operands) {
    const p = ctx.resolve(a);
    const st = ctx.fs.stat(p);
    try {
      if (!st) throw new FsError('ENOENT', a);
      if (st.type === 'dir' && !recursive) throw new FsError('EISDIR', a);
      if (st.type === 'dir') removeTree(ctx, p);
      else ctx.fs.unlink(p);
    } catch (e) {
      if (force && e instanceof FsError && e.errno === 'ENOENT') continue;
      await fail(ctx, `cannot remove '${a}': ${errText(e)}`);
      status = 1;
    }
  }
  return status;
}

async function rmdir(ctx: CommandContext): Promise<number> {
  let status = 0;
  for (const a of ctx.argv.slice(1).filter((x) => !x.startsWith('-'))) {
    try {
      ctx.fs.rmdir(ctx.resolve(a));
    } catch (e) {
      await fail(ctx, `failed to remove '${a}': ${errText(e)}`);
      status = 1;
    }
  }
  return status;
}

/** Destination path for SRC when the last operand may be a directory. */
function target(ctx: CommandContext, src: string, dest: string, many: boolean): string | FsError {
  const d = ctx.resolve(dest);
  if (ctx.fs.stat(d)?.type === 'dir') return `${d === '/' ? '' : d}/${baseName(ctx.resolve(src))}`;
  if (many) return new FsError('ENOTDIR', dest);
  return d;
}

async function mv(ctx: CommandContext): Promise<number> {
  const o = parseOpts(ctx.argv.slice(1), 'fvin');
  if (o.bad) return badOption(ctx, o.bad);
  if (o.operands.length < 2) {
    await fail(ctx, `${o.operands.length ? `missing destination file operand after '${o.operands[0]}'` : 'missing file operand'}\nTry 'mv --help' for more information.`);
    return 1;
  }
  const dest = o.operands[o.operands.length - 1] as string;
  const srcs = o.operands.slice(0, -1);
  let status = 0;
  for (const s of srcs) {
    if (!ctx.fs.stat(ctx.resolve(s))) {
      await fail(ctx, `cannot stat '${s}': No such file or directory`);
      status = 1;
      continue;
    }
    const t = target(ctx, s, dest, srcs.length > 1);
    if (t instanceof FsError) {
      await fail(ctx, `target '${dest}': Not a directory`);
      return 1;
    }
    try {
      ctx.fs.rename(ctx.resolve(s), t);
    } catch (e) {
      await fail(ctx, `cannot move '${s}' to '${t}': ${errText(e)}`);
      status = 1;
    }
  }
  return status;
}

async function copyTree(ctx: CommandContext, from: string, to: string): Promise<void> {
  if (ctx.fs.stat(from)?.type === 'dir') {
    if (ctx.fs.stat(to)?.type !== 'dir') ctx.fs.mkdir(to);
    for (const n of ctx.fs.readdir(from)) await copyTree(ctx, `${from === '/' ? '' : from}/${n}`, `${to}/${n}`);
    return;
  }
  await ctx.fs.writeFile(to, await ctx.fs.readFile(from));
}

async function cp(ctx: CommandContext): Promise<number> {
  const o = parseOpts(ctx.argv.slice(1), 'rRpfavd');
  if (o.bad) return badOption(ctx, o.bad);
  const recursive = o.flags.has('r') || o.flags.has('R') || o.flags.has('a');
  if (o.operands.length < 2) {
    await fail(ctx, `${o.operands.length ? `missing destination file operand after '${o.operands[0]}'` : 'missing file operand'}\nTry 'cp --help' for more information.`);
    return 1;
  }
  const dest = o.operands[o.operands.length - 1] as string;
  const srcs = o.operands.slice(0, -1);
  let status = 0;
  for (const s of srcs) {
    const sp = ctx.resolve(s);
    const st = ctx.fs.stat(sp);
    if (!st) {
      await fail(ctx, `cannot stat '${s}': No such file or directory`);
      status = 1;
      continue;
    }
    if (st.type === 'dir' && !recursive) {
      await fail(ctx, `-r not specified; omitting directory '${s}'`);
      status = 1;
      continue;
    }
    const t = target(ctx, s, dest, srcs.length > 1);
    if (t instanceof FsError) {
      await fail(ctx, `target '${dest}': Not a directory`);
      return 1;
    }
    if (st.type === 'dir') {
      await copyTree(ctx, sp, t).catch(async (e: unknown) => {
        await fail(ctx, `cannot copy '${s}': ${errText(e)}`);
        status = 1;
      });
      continue;
    }
    let data: Uint8Array;
    try {
      data = await readSource(ctx, s);
    } catch (e) {
      await fail(ctx, `cannot open '${s}' for reading: ${errText(e)}`);
      status = 1;
      continue;
    }
    try {
      await ctx.fs.writeFile(t, new Uint8Array(0));
    } catch (e) {
      await fail(ctx, `cannot create regular file '${t}': ${errText(e)}`);
      status = 1;
      continue;
    }
    try {
      await ctx.fs.writeFile(t, data, { append: true });
    } catch (e) {
      await fail(ctx, `error writing '${t}': ${errText(e)}`);
      status = 1;
    }
  }
  return status;
}

async function touch(ctx: CommandContext): Promise<number> {
  let status = 0;
  for (const a of ctx.argv.slice(1).filter((x) => !x.startsWith('-'))) {
    const p = ctx.resolve(a);
    try {
      const st = ctx.fs.stat(p);
      if (!st) await ctx.fs.writeFile(p, new Uint8Array(0), { append: true });
      else if (st.type === 'file') await ctx.fs.writeFile(p, new Uint8Array(0), { append: true });
    } catch (e) {
      await fail(ctx, `cannot touch '${a}': ${errText(e)}`);
      status = 1;
    }
  }
  return status;
}

function hashCommand(algo: 'sha256' | 'md5'): ShellCommand {
  return async (ctx) => {
    const o = parseOpts(ctx.argv.slice(1), 'bt');
    if (o.bad) return badOption(ctx, o.bad);
    let status = 0;
    for (const a of o.operands.length ? o.operands : ['-']) {
      try {
        const data = await readSource(ctx, a);
        await ctx.stdout.write(`${createHash(algo).update(data).digest('hex')}  ${a}\n`);
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        await fail(ctx, `${a}: ${errText(e)}`);
        status = 1;
      }
    }
    return status;
  };
}

/** `chmod MODE FILE…` with an octal mode or a simple symbolic one ([ugoa]*[+-=][rwx]*). */
function applyMode(old: number, spec: string): number | null {
  if (/^[0-7]{1,4}$/.test(spec)) return parseInt(spec, 8);
  let mode = old;
  for (const clause of spec.split(',')) {
    const m = /^([ugoa]*)([+=-])([rwx]*)$/.exec(clause);
    if (!m) return null;
    const who = m[1] || 'a';
    let bits = 0;
    for (const p of m[3] ?? '') bits |= p === 'r' ? 4 : p === 'w' ? 2 : 1;
    let mask = 0;
    if (who.includes('u') || who.includes('a')) mask |= bits << 6;
    if (who.includes('g') || who.includes('a')) mask |= bits << 3;
    if (who.includes('o') || who.includes('a')) mask |= bits;
    if (m[2] === '+') mode |= mask;
    else if (m[2] === '-') mode &= ~mask;
    else mode = mask;
  }
  return mode;
}

async function chmod(ctx: CommandContext): Promise<number> {
  const args = ctx.argv.slice(1).filter((a) => a !== '-R' && a !== '-f');
  const [spec, ...files] = args;
  if (spec === undefined || files.length === 0) {
    await fail(ctx, `missing operand${spec ? ` after '${spec}'` : ''}\nTry 'chmod --help' for more information.`);
    return 1;
  }
  const setMode = (ctx.fs as { chmod?: (p: string, m: number) => void }).chmod;
  let status = 0;
  for (const f of files) {
    const st = ctx.fs.stat(ctx.resolve(f));
    if (!st) {
      await fail(ctx, `cannot access '${f}': No such file or directory`);
      status = 1;
      continue;
    }
    const mode = applyMode(st.mode, spec);
    if (mode === null) {
      await fail(ctx, `invalid mode: '${spec}'\nTry 'chmod --help' for more information.`);
      return 1;
    }
    try {
      if (!setMode) throw new FsError('EPERM', f);
      setMode.call(ctx.fs, ctx.resolve(f), mode);
    } catch (e) {
      await fail(ctx, `changing permissions of '${f}': ${errText(e)}`);
      status = 1;
    }
  }
  return status;
}

export const FILE_COMMANDS: Record<string, ShellCommand> = {
  cat,
  mkdir,
  rm,
  rmdir,
  mv,
  cp,
  touch,
  chmod,
  sha256sum: hashCommand('sha256'),
  md5sum: hashCommand('md5'),
};
