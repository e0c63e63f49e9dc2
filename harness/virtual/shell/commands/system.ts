// Board/system commands: dmesg and uname (from the kernel model via ShellHost), stty, sleep, sync, date, hostname.
import type { CommandContext, ShellCommand } from '../types';
import { badOption, fail, parseOpts } from './util';

async function dmesg(ctx: CommandContext): Promise<number> {
  const o = parseOpts(ctx.argv.slice(1), 'cCrtkx');
  if (o.bad) {
    await fail(ctx, `option -${o.bad} is not supported by the virtual board (supported: -c -C)`);
    return 1;
  }
  if (o.flags.has('C')) {
    ctx.host.dmesg({ clear: true });
    return 0;
  }
  await ctx.stdout.write(ctx.host.dmesg({ clear: o.flags.has('c') }));
  return 0;
}

async function uname(ctx: CommandContext): Promise<number> {
  const o = parseOpts(ctx.argv.slice(1), 'asnrvmpio');
  if (o.bad) return badOption(ctx, o.bad);
  if (o.operands.length) {
    await fail(ctx, `extra operand '${o.operands[0]}'\nTry 'uname --help' for more information.`);
    return 1;
  }
  const u = ctx.host.uname;
  const all = o.flags.has('a');
  const f = o.flags.size === 0 ? new Set(['s']) : o.flags;
  const parts: string[] = [];
  if (all || f.has('s')) parts.push(u.sysname);
  if (all || f.has('n')) parts.push(u.nodename);
  if (all || f.has('r')) parts.push(u.release);
  if (all || f.has('v')) parts.push(u.version);
  if (all || f.has('m')) parts.push(u.machine);
  if (!all && f.has('p')) parts.push('unknown');
  if (!all && f.has('i')) parts.push('unknown');
  if (all || f.has('o')) parts.push('GNU/Linux');
  await ctx.stdout.write(`${parts.join(' ')}\n`);
  return 0;
}

const STTY_FLAGS = new Set([
  'raw', 'cooked', 'sane', 'echo', 'echoe', 'echok', 'echonl', 'echoctl', 'echoke', 'icanon', 'isig', 'iexten', 'onlcr', 'ocrnl',
  'opost', 'icrnl', 'inlcr', 'igncr', 'ixon', 'ixoff', 'ixany', 'crtscts', 'clocal', 'hupcl', 'cread', 'parenb', 'parodd',
  'cstopb', 'istrip', 'brkint', 'ignbrk', 'imaxbel', 'nl', 'litout', 'pass8', 'evenp', 'oddp', 'parity', 'cbreak', 'tostop',
]);
const STTY_VALUED = new Set(['min', 'time', 'rows', 'cols', 'columns', 'ispeed', 'ospeed', 'line', 'intr', 'quit', 'erase', 'kill', 'eof']);

async function stty(ctx: CommandContext): Promise<number> {
  const args = ctx.argv.slice(1);
  const settings: string[] = [];
  let device: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-F' || a === '--file') device = args[++i] ?? '';
    else if (a.startsWith('-F') && a.length > 2) device = a.slice(2);
    else if (a.startsWith('--file=')) device = a.slice(7);
    else if (STTY_VALUED.has(a)) {
      if (args[i + 1] === undefined) {
        await fail(ctx, `missing argument to '${a}'`);
        return 1;
      }
      settings.push(a, args[++i] as string);
    } else settings.push(a);
  }
  if (device !== null) {
    const st = ctx.fs.stat(ctx.resolve(device));
    if (!st) {
      await fail(ctx, `${device}: No such file or directory`);
      return 1;
    }
    if (st.type !== 'chardev') {
      await fail(ctx, `${device}: Inappropriate ioctl for device`);
      return 1;
    }
  }
  for (const s of settings) {
    const word = s.replace(/^-/, '');
    if (!STTY_FLAGS.has(word) && !STTY_VALUED.has(word) && !/^\d+$/.test(s) && !/^cs[5-8]$/.test(word) && !['-a', '-g', 'size', 'speed'].includes(s)) {
      await fail(ctx, `invalid argument '${s}'\nTry 'stty --help' for more information.`);
      return 1;
    }
  }
  if (settings.length === 0 || settings.includes('-a')) await ctx.stdout.write('speed 115200 baud; line = 0;\n-brkint -imaxbel\n');
  else if (settings.includes('size')) await ctx.stdout.write('24 80\n');
  else if (settings.includes('speed')) await ctx.stdout.write('115200\n');
  return 0;
}

async function sleep(ctx: CommandContext): Promise<number> {
  const args = ctx.argv.slice(1);
  if (!args.length) {
    await fail(ctx, "missing operand\nTry 'sleep --help' for more information.");
    return 1;
  }
  let ms = 0;
  for (const a of args) {
    const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(a);
    if (!m) {
      await fail(ctx, `invalid time interval '${a}'\nTry 'sleep --help' for more information.`);
      return 1;
    }
    ms += Number(m[1]) * ({ '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] ?? ''] ?? 1) * 1000;
  }
  const done = await new Promise<boolean>((resolve) => {
    if (ctx.signal.aborted) return resolve(false);
    const onAbort = (): void => {
      clearTimeout(t);
      resolve(false);
    };
    const t = setTimeout(() => {
      ctx.signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
  return done ? 0 : 130;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

async function date(ctx: CommandContext): Promise<number> {
  const fmt = ctx.argv.slice(1).find((a) => a.startsWith('+'));
  const d = new Date();
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const map: Record<string, () => string> = {
    s: () => String(Math.floor(d.getTime() / 1000)),
    N: () => `${String(d.getUTCMilliseconds()).padStart(3, '0')}000000`,
    Y: () => String(d.getUTCFullYear()),
    m: () => p2(d.getUTCMonth() + 1),
    d: () => p2(d.getUTCDate()),
    H: () => p2(d.getUTCHours()),
    M: () => p2(d.getUTCMinutes()),
    S: () => p2(d.getUTCSeconds()),
    a: () => DAYS[d.getUTCDay()] ?? '',
    b: () => MONTHS[d.getUTCMonth()] ?? '',
    Z: () => 'UTC',
    '%': () => '%',
  };
  map.T = () => `${map.H?.()}:${map.M?.()}:${map.S?.()}`;
  map.F = () => `${map.Y?.()}-${map.m?.()}-${map.d?.()}`;
  const text = fmt
    ? fmt.slice(1).replace(/%(.)/g, (m, c: string) => map[c]?.() ?? m)
    : `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
  await ctx.stdout.write(`${text}\n`);
  return 0;
}

export const SYSTEM_COMMANDS: Record<string, ShellCommand> = {
  dmesg,
  uname,
  stty,
  sleep,
  date,
  sync: async () => 0,
  hostname: async (ctx) => {
    await ctx.stdout.write(`${ctx.host.uname.nodename}\n`);
    return 0;
  },
};
