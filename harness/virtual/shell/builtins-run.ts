// Builtins that run or look up other commands: eval, source, command, type, which, exec, env, printenv, timeout.
import { FsError } from '../fs/types';
import { strerror } from '../fs/errno';
import { ParseError } from './ast';
import { Parser } from './parser';
import { dec } from './streams';
import type { Exec, Shell } from './shell';
import { ExitSignal } from './signals';
import type { CommandContext } from './types';
import { parseDuration } from './duration';

type Builtin = (ctx: CommandContext, sh: Shell, ex: Exec) => Promise<number>;

/** Binaries the board has in /bin (the rest live in /usr/bin), for `which`, `command -v` and `type`. */
const IN_BIN = new Set(['cat', 'echo', 'ls', 'mkdir', 'rm', 'rmdir', 'mv', 'cp', 'sleep', 'stty', 'uname', 'dmesg', 'sync', 'true', 'false', 'pwd', 'grep', 'dd', 'date', 'kill', 'touch', 'sh', 'bash', 'hostname', 'chmod', 'sed']);

export function binaryPath(name: string): string {
  return `${IN_BIN.has(name) ? '/bin' : '/usr/bin'}/${name}`;
}

/** Builtins that also exist as binaries (so `which echo` finds /bin/echo). */
const ALSO_BINARY = new Set(['echo', 'printf', 'test', '[', 'true', 'false', 'kill', 'pwd', 'timeout', 'env', 'printenv', 'which']);

const out = (ctx: CommandContext, s: string): Promise<void> => ctx.stdout.write(s);

export const RUNNER_BUILTINS: Record<string, Builtin> = {
  eval: async (ctx, sh, ex) => runSource(ctx.argv.slice(1).join(' '), sh, ex, 'eval'),

  source: async (ctx, sh, ex) => sourceFile(ctx, sh, ex),
  '.': async (ctx, sh, ex) => sourceFile(ctx, sh, ex),

  command: async (ctx, sh, ex) => {
    const args = ctx.argv.slice(1);
    if (args[0] === '-v' || args[0] === '-V') {
      let status = 0;
      for (const n of args.slice(1)) {
        if (sh.isBuiltin(n)) await out(ctx, args[0] === '-v' ? `${n}\n` : `${n} is a shell builtin\n`);
        else if (sh.lookup(n)) await out(ctx, args[0] === '-v' ? `${binaryPath(n)}\n` : `${n} is ${binaryPath(n)}\n`);
        else status = 1;
      }
      return status;
    }
    return args.length ? sh.runArgv(args, ex) : 0;
  },

  type: async (ctx, sh) => {
    let status = 0;
    for (const n of ctx.argv.slice(1)) {
      if (sh.isBuiltin(n)) await out(ctx, `${n} is a shell builtin\n`);
      else if (sh.lookup(n)) await out(ctx, `${n} is ${binaryPath(n)}\n`);
      else {
        await ctx.stderr.write(`${sh.shellName}: type: ${n}: not found\n`);
        status = 1;
      }
    }
    return status;
  },

  which: async (ctx, sh) => {
    let status = 0;
    for (const n of ctx.argv.slice(1).filter((a) => !a.startsWith('-'))) {
      if (sh.lookup(n) || ALSO_BINARY.has(n)) await out(ctx, `${binaryPath(n)}\n`);
      else status = 1;
    }
    return status;
  },

  exec: async (ctx, sh, ex) => {
    if (ctx.argv.length < 2) {
      await ctx.stderr.write(`${sh.shellName}: unsupported syntax: exec without a command (permanent redirections)\n`);
      return 2;
    }
    throw new ExitSignal(await sh.runArgv(ctx.argv.slice(1), ex));
  },

  env: async (ctx, sh, ex) => envCommand(ctx, sh, ex),
  printenv: async (ctx) => {
    const names = ctx.argv.slice(1);
    if (names.length === 0) {
      for (const [k, v] of Object.entries(ctx.env)) await out(ctx, `${k}=${v}\n`);
      return 0;
    }
    let status = 0;
    for (const n of names) {
      if (ctx.env[n] === undefined) status = 1;
      else await out(ctx, `${ctx.env[n]}\n`);
    }
    return status;
  },

  timeout: async (ctx, sh, ex) => {
    let args = ctx.argv.slice(1);
    while (args[0]?.startsWith('-')) args = args[0] === '-s' || args[0] === '-k' ? args.slice(2) : args.slice(1);
    const ms = parseDuration(args[0] ?? '');
    if (ms === null || args.length < 2) {
      await ctx.stderr.write(`timeout: invalid time interval '${args[0] ?? ''}'\nTry 'timeout --help' for more information.\n`);
      return 125;
    }
    const ctl = new AbortController();
    const onAbort = (): void => ctl.abort();
    ex.signal.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const t = setTimeout(() => {
      timedOut = true;
      ctl.abort();
    }, ms);
    try {
      const s = await sh.runArgv(args.slice(1), { ...ex, signal: ctl.signal });
      return timedOut ? 124 : s;
    } finally {
      clearTimeout(t);
      ex.signal.removeEventListener('abort', onAbort);
    }
  },
};

async function runSource(src: string, sh: Shell, ex: Exec, what: string): Promise<number> {
  try {
    return await sh.execList(Parser.parse(src), ex);
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    await ex.err.write(`${sh.shellName}: ${what}: ${e.message}\n`);
    return 2;
  }
}

async function sourceFile(ctx: CommandContext, sh: Shell, ex: Exec): Promise<number> {
  const f = ctx.argv[1];
  if (f === undefined) {
    await ctx.stderr.write(`${sh.shellName}: ${ctx.argv[0]}: filename argument required\n`);
    return 2;
  }
  try {
    return await runSource(dec.decode(await sh.fs.readFile(ctx.resolve(f))), sh, ex, f);
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
    await ctx.stderr.write(`${sh.shellName}: ${f}: ${strerror(e.errno)}\n`);
    return 1;
  }
}

async function envCommand(ctx: CommandContext, sh: Shell, ex: Exec): Promise<number> {
  const args = ctx.argv.slice(1);
  const extra: Record<string, string> = {};
  while (args[0] !== undefined && /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[0])) {
    const a = args.shift() as string;
    extra[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
  }
  if (args.length === 0) {
    for (const [k, v] of Object.entries({ ...ctx.env, ...extra })) await out(ctx, `${k}=${v}\n`);
    return 0;
  }
  return sh.runArgv(args, ex, extra);
}
