// A small sed: -n -e -E, addresses N, $, /RE/, commands s/RE/REPL/[gI] (any delimiter), p, d, q; streaming per line.
import type { CommandContext, ShellCommand } from '../types';
import { posixToJs } from './grep';
import { eachLine, errText, fail, openSource } from './util';

type Address = { k: 'line'; n: number } | { k: 'last' } | { k: 're'; re: RegExp } | null;
interface SedCmd {
  addr: Address;
  op: 's' | 'p' | 'd' | 'q';
  re?: RegExp;
  repl?: string;
  global?: boolean;
}

class SedError extends Error {}

function parseScript(src: string, extended: boolean): SedCmd[] {
  const cmds: SedCmd[] = [];
  let i = 0;
  const readDelimited = (delim: string): string => {
    let out = '';
    for (; i < src.length && src[i] !== delim; i++) {
      if (src[i] === '\\' && src[i + 1] === delim) {
        out += delim;
        i++;
      } else if (src[i] === '\\' && i + 1 < src.length) {
        out += src[i] + (src[i + 1] as string);
        i++;
      } else out += src[i];
    }
    if (src[i] !== delim) throw new SedError(`-e expression #1, char ${i}: unterminated \`s' command`);
    i++;
    return out;
  };
  while (i < src.length) {
    while (i < src.length && /[\s;]/.test(src[i] as string)) i++;
    if (i >= src.length) break;
    let addr: Address = null;
    const num = /^\d+/.exec(src.slice(i));
    if (num) {
      addr = { k: 'line', n: Number(num[0]) };
      i += num[0].length;
    } else if (src[i] === '$') {
      addr = { k: 'last' };
      i++;
    } else if (src[i] === '/') {
      i++;
      addr = { k: 're', re: new RegExp(posixToJs(readDelimited('/'), extended)) };
    }
    const op = src[i++];
    if (op === 's') {
      const delim = src[i++] ?? '/';
      const pat = readDelimited(delim);
      const repl = readDelimited(delim);
      let flags = '';
      while (i < src.length && /[gIip0-9]/.test(src[i] as string)) flags += src[i++];
      cmds.push({ addr, op: 's', re: new RegExp(posixToJs(pat, extended), /[Ii]/.test(flags) ? 'gi' : 'g'), repl, global: flags.includes('g') });
    } else if (op === 'p' || op === 'd' || op === 'q') cmds.push({ addr, op });
    else throw new SedError(`-e expression #1, char ${i}: unknown command: \`${op ?? ''}'`);
  }
  return cmds;
}

function replacement(repl: string, m: RegExpExecArray): string {
  return repl.replace(/\\([0-9n&\\])|&/g, (all, c: string | undefined) => {
    if (all === '&') return m[0];
    if (c === 'n') return '\n';
    if (c === '&' || c === '\\') return c;
    return m[Number(c)] ?? '';
  });
}

async function sed(ctx: CommandContext): Promise<number> {
  const args = ctx.argv.slice(1);
  let quiet = false;
  let extended = false;
  const scripts: string[] = [];
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-n') quiet = true;
    else if (a === '-E' || a === '-r') extended = true;
    else if (a === '-e') scripts.push(args[++i] ?? '');
    else if (a.startsWith('-') && a !== '-') {
      await fail(ctx, `invalid option -- '${a.slice(1)}'`);
      return 1;
    } else if (scripts.length === 0) scripts.push(a);
    else files.push(a);
  }
  let cmds: SedCmd[];
  try {
    cmds = parseScript(scripts.join('\n'), extended);
  } catch (e) {
    await fail(ctx, errText(e));
    return 1;
  }
  let lineNo = 0;
  let status = 0;
  const operands = files.length ? files : ['-'];
  for (const [fi, f] of operands.entries()) {
    let src;
    try {
      src = await openSource(ctx, f);
    } catch (e) {
      await fail(ctx, `can't read ${f}: ${errText(e)}`);
      status = 2;
      continue;
    }
    // "$" needs to know the last line: hold one line back
    let held: string | null = null;
    let stop = false;
    const runLine = async (raw: string, last: boolean): Promise<void> => {
      lineNo++;
      const nl = raw.endsWith('\n') ? '\n' : '';
      let line = raw.slice(0, raw.length - nl.length);
      let deleted = false;
      for (const c of cmds) {
        const a = c.addr;
        const hit = !a || (a.k === 'line' ? a.n === lineNo : a.k === 'last' ? last : a.re.test(line));
        if (!hit) continue;
        if (c.op === 's' && c.re) {
          c.re.lastIndex = 0;
          let count = 0;
          line = line.replace(c.re, (...m: unknown[]) => {
            if (!c.global && count++ > 0) return m[0] as string;
            const groups = m.slice(0, -2) as string[];
            return replacement(c.repl ?? '', Object.assign(groups, { index: 0, input: line }) as unknown as RegExpExecArray);
          });
        } else if (c.op === 'p') await ctx.stdout.write(`${line}${nl}`);
        else if (c.op === 'd') {
          deleted = true;
          break;
        } else if (c.op === 'q') {
          stop = true;
          break;
        }
      }
      if (!deleted && !quiet) await ctx.stdout.write(`${line}${nl}`);
    };
    await eachLine(src.reader, async (line) => {
      if (held !== null) await runLine(held, false);
      held = line;
      return !stop;
    });
    src.close();
    if (held !== null && !stop) await runLine(held, fi === operands.length - 1);
    if (stop) break;
  }
  return status;
}

export const SED_COMMANDS: Record<string, ShellCommand> = { sed };
