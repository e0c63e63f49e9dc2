// bash's builtins that need the shell's own state: cd, exit, export, set, wait, kill, read, echo, printf, test …
import { strerror } from '../fs/errno';
import { normalizePath } from '../fs/path';
import { readLine } from './streams';
import type { Exec, Shell } from './shell';
import { ExitSignal, LoopSignal, SIGNAL_STATUS } from './signals';
import type { CommandContext } from './types';
import { echoText } from './commands/echo';
import { formatPrintf } from './commands/printf';
import { evaluateTest } from './commands/test';
import { parseDuration } from './duration';
import { RUNNER_BUILTINS } from './builtins-run';

export type Builtin = (ctx: CommandContext, sh: Shell, ex: Exec) => Promise<number>;

const out = (ctx: CommandContext, s: string): Promise<void> => ctx.stdout.write(s);

export const BUILTINS: Record<string, Builtin> = {
  ':': async () => 0,
  true: async () => 0,
  false: async () => 1,

  echo: async (ctx) => {
    await out(ctx, echoText(ctx.argv.slice(1)));
    return 0;
  },

  printf: async (ctx, sh) => {
    if (ctx.argv.length < 2) {
      await ctx.stderr.write(`${sh.shellName}: printf: usage: printf [-v var] format [arguments]\n`);
      return 2;
    }
    const r = formatPrintf(ctx.argv[1] as string, ctx.argv.slice(2));
    await out(ctx, r.text);
    for (const e of r.errors) await ctx.stderr.write(`${sh.shellName}: printf: ${e}\n`);
    return r.errors.length ? 1 : 0;
  },

  test: async (ctx, sh) => runTest(ctx, sh, ctx.argv.slice(1), 'test'),
  '[': async (ctx, sh) => {
    const args = ctx.argv.slice(1);
    if (args[args.length - 1] !== ']') {
      await ctx.stderr.write(`${sh.shellName}: [: missing \`]'\n`);
      return 2;
    }
    return runTest(ctx, sh, args.slice(0, -1), '[');
  },

  cd: async (ctx, sh) => {
    const arg = ctx.argv[1] ?? sh.getVar('HOME') ?? '/root';
    const dest = arg === '-' ? (sh.getVar('OLDPWD') ?? sh.cwd) : arg;
    const p = normalizePath(dest, sh.cwd);
    const st = sh.fs.stat(p);
    if (!st || st.type !== 'dir') {
      await ctx.stderr.write(`${sh.shellName}: cd: ${arg}: ${strerror(st ? 'ENOTDIR' : 'ENOENT')}\n`);
      return 1;
    }
    sh.setVar('OLDPWD', sh.cwd);
    sh.cwd = p;
    sh.setVar('PWD', p);
    if (arg === '-') await out(ctx, `${p}\n`);
    return 0;
  },

  pwd: async (ctx, sh) => {
    await out(ctx, `${sh.cwd}\n`);
    return 0;
  },

  export: async (ctx, sh) => {
    const args = ctx.argv.slice(1).filter((a) => a !== '-n');
    if (args.length === 0 || (args.length === 1 && args[0] === '-p')) {
      for (const k of [...sh.exported].sort()) {
        const v = sh.vars.get(k);
        await out(ctx, v === undefined ? `declare -x ${k}\n` : `declare -x ${k}="${v.replace(/(["\\$`])/g, '\\$1')}"\n`);
      }
      return 0;
    }
    let status = 0;
    for (const a of args) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/s.exec(a);
      if (!m?.[1]) {
        await ctx.stderr.write(`${sh.shellName}: export: \`${a}': not a valid identifier\n`);
        status = 1;
        continue;
      }
      if (m[2] !== undefined) sh.setVar(m[1], m[2]);
      sh.exported.add(m[1]);
    }
    return status;
  },

  unset: async (ctx, sh) => {
    for (const a of ctx.argv.slice(1).filter((x) => !x.startsWith('-'))) {
      sh.vars.delete(a);
      sh.exported.delete(a);
    }
    return 0;
  },

  set: async (ctx, sh) => {
    for (const a of ctx.argv.slice(1)) {
      if (a === '-e') sh.errexit = true;
      else if (a === '+e') sh.errexit = false;
      else if (a === '--') continue;
      else {
        await ctx.stderr.write(`${sh.shellName}: set: ${a}: option not supported by the virtual board's shell (supported: -e, +e)\n`);
        return 2;
      }
    }
    return 0;
  },

  exit: async (ctx, sh) => {
    const a = ctx.argv[1];
    if (a === undefined) throw new ExitSignal(sh.status);
    if (!/^-?\d+$/.test(a)) {
      await ctx.stderr.write(`${sh.shellName}: exit: ${a}: numeric argument required\n`);
      throw new ExitSignal(2);
    }
    throw new ExitSignal(((Number(a) % 256) + 256) % 256);
  },

  break: async (ctx) => {
    throw new LoopSignal('break', Number(ctx.argv[1] ?? 1) || 1);
  },
  continue: async (ctx) => {
    throw new LoopSignal('continue', Number(ctx.argv[1] ?? 1) || 1);
  },

  wait: async (ctx, sh) => {
    const specs = ctx.argv.slice(1);
    if (specs.length === 0) {
      await sh.waitJobs(ctx.signal);
      return 0;
    }
    let status = 0;
    for (const s of specs) {
      const j = sh.findJob(s);
      if (!j) {
        await ctx.stderr.write(`${sh.shellName}: wait: pid ${s} is not a child of this shell\n`);
        status = 127;
        continue;
      }
      status = await sh.waitJobs(ctx.signal, [j]);
    }
    return status;
  },

  kill: async (ctx, sh) => {
    let args = ctx.argv.slice(1);
    let sig = 'TERM';
    if (args[0] === '-s' || args[0] === '-n') {
      sig = args[1] ?? 'TERM';
      args = args.slice(2);
    } else if (args[0]?.startsWith('-')) {
      sig = args[0].slice(1);
      args = args.slice(1);
    }
    const name = sig.toUpperCase().replace(/^SIG/, '');
    const status = name === '9' || name === 'KILL' ? SIGNAL_STATUS.KILL : name === '2' || name === 'INT' ? SIGNAL_STATUS.INT : SIGNAL_STATUS.TERM;
    if (args.length === 0) {
      await ctx.stderr.write(`${sh.shellName}: kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ...\n`);
      return 2;
    }
    let rc = 0;
    for (const a of args) {
      const j = sh.findJob(a);
      if (!j) {
        await ctx.stderr.write(a.startsWith('%') ? `${sh.shellName}: kill: ${a}: no such job\n` : `${sh.shellName}: kill: (${a}) - No such process\n`);
        rc = 1;
        continue;
      }
      j.killed ??= status;
      j.ctl.abort();
    }
    return rc;
  },

  jobs: async (ctx, sh) => {
    for (const j of sh.jobs.values()) await out(ctx, `[${j.id}]  ${j.status === null ? 'Running' : 'Done'}    ${j.pid}\n`);
    return 0;
  },

  read: async (ctx, sh) => {
    const args = ctx.argv.slice(1);
    let timeoutMs: number | null = null;
    const names: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as string;
      if (a === '-r') continue;
      if (a === '-t') timeoutMs = (parseDuration(args[++i] ?? '') ?? 0) || null;
      else if (a === '-p') await ctx.stderr.write(args[++i] ?? '');
      else names.push(a);
    }
    const ctl = new AbortController();
    const timer = timeoutMs === null ? null : setTimeout(() => ctl.abort(), timeoutMs);
    const line = await Promise.race([
      readLine(ctx.stdin),
      new Promise<'timeout'>((r) => ctl.signal.addEventListener('abort', () => r('timeout'), { once: true })),
      new Promise<null>((r) => ctx.signal.addEventListener('abort', () => r(null), { once: true })),
    ]);
    if (timer) clearTimeout(timer);
    if (line === 'timeout') return 142;
    if (line === null) {
      for (const n of names.length ? names : ['REPLY']) sh.setVar(n, '');
      return 1;
    }
    const text = line.replace(/\n$/, '');
    if (names.length === 0) sh.setVar('REPLY', text);
    else {
      const fields = text.trim().split(/[ \t]+/);
      names.forEach((n, i) => sh.setVar(n, i === names.length - 1 ? fields.slice(i).join(' ') : (fields[i] ?? '')));
    }
    return line.endsWith('\n') ? 0 : 1;
  },
  ...RUNNER_BUILTINS,
};

async function runTest(ctx: CommandContext, sh: Shell, args: string[], name: string): Promise<number> {
  const r = evaluateTest(args, sh.fs, sh.cwd);
  if (typeof r === 'string') {
    await ctx.stderr.write(`${sh.shellName}: ${name}: ${r}\n`);
    return 2;
  }
  return r ? 0 : 1;
}

