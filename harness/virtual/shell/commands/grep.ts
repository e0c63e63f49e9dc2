// grep with GNU's options that scripts use (-q -c -v -E -F -i -n -o -x -w -l -h -H -s -m -e), streaming line by line.
import type { CommandContext, ShellCommand } from '../types';
import { eachLine, errText, fail, openSource } from './util';

const POSIX_CLASSES: Record<string, string> = {
  digit: '0-9', alpha: 'A-Za-z', alnum: '0-9A-Za-z', upper: 'A-Z', lower: 'a-z', space: '\\s', blank: ' \\t', xdigit: '0-9A-Fa-f', punct: '!-\\/:-@\\[-`{-~',
};

/** POSIX basic/extended regex -> JavaScript regex source. */
export function posixToJs(pat: string, extended: boolean): string {
  let out = '';
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i] as string;
    if (c === '[') {
      let j = i + 1;
      let body = '';
      if (pat[j] === '^') {
        body += '^';
        j++;
      }
      if (pat[j] === ']') {
        body += '\\]';
        j++;
      }
      for (; j < pat.length && pat[j] !== ']'; j++) {
        const cls = /^\[:([a-z]+):\]/.exec(pat.slice(j));
        if (cls?.[1] && POSIX_CLASSES[cls[1]]) {
          body += POSIX_CLASSES[cls[1]];
          j += cls[0].length - 1;
        } else body += pat[j] === '\\' ? '\\\\' : pat[j];
      }
      if (j >= pat.length) throw new Error('Unmatched [, [^, [:, [., or [=');
      out += `[${body}]`;
      i = j;
      continue;
    }
    if (c === '\\') {
      const n = pat[++i];
      if (n === undefined) throw new Error('Trailing backslash');
      if (n === '<' || n === '>') out += '\\b';
      else if (!extended && '(){}|+?'.includes(n)) out += n;
      else if (/[wWsSbB]/.test(n)) out += `\\${n}`;
      else out += /[0-9]/.test(n) ? `\\${n}` : n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      continue;
    }
    if (!extended && '(){}|+?'.includes(c)) out += `\\${c}`;
    else if (!extended && c === '*' && (out === '' || out === '^')) out += '\\*';
    else out += c;
  }
  return out;
}

async function grep(ctx: CommandContext): Promise<number> {
  const args = ctx.argv.slice(1);
  const flags = new Set<string>();
  const patterns: string[] = [];
  const files: string[] = [];
  let maxCount = Infinity;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      files.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('-') && a !== '-') {
      for (let j = 1; j < a.length; j++) {
        const f = a[j] as string;
        if (f === 'e' || f === 'm') {
          const v = a.slice(j + 1) || args[++i];
          if (v === undefined) {
            await ctx.stderr.write(`grep: option requires an argument -- '${f}'\nUsage: grep [OPTION]... PATTERNS [FILE]...\n`);
            return 2;
          }
          if (f === 'e') patterns.push(v);
          else maxCount = Number(v);
          break;
        }
        if (!'qcvEFinoxwlhHsr'.includes(f)) {
          await ctx.stderr.write(`grep: invalid option -- '${f}'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n`);
          return 2;
        }
        flags.add(f);
      }
      continue;
    }
    if (patterns.length === 0 && !args.slice(0, i).some((x) => x.startsWith('-e'))) patterns.push(a);
    else files.push(a);
  }
  if (patterns.length === 0) {
    await ctx.stderr.write("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
    return 2;
  }
  let re: RegExp;
  try {
    const alts = patterns.flatMap((p) => p.split('\n')).map((p) =>
      flags.has('F') ? p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') : posixToJs(p, flags.has('E')),
    );
    let src = alts.map((s) => `(?:${s})`).join('|');
    if (flags.has('w')) src = `(?<![\\w])(?:${src})(?![\\w])`;
    if (flags.has('x')) src = `^(?:${src})$`;
    re = new RegExp(src, flags.has('i') ? 'gi' : 'g');
  } catch (e) {
    await ctx.stderr.write(`grep: ${errText(e)}\n`);
    return 2;
  }
  const operands = files.length ? files : ['-'];
  const showName = (flags.has('H') || operands.length > 1) && !flags.has('h');
  let anySelected = false;
  let error = false;
  for (const f of operands) {
    let src;
    try {
      src = await openSource(ctx, f);
    } catch (e) {
      if (!flags.has('s')) await fail(ctx, `${f}: ${errText(e)}`);
      error = true;
      continue;
    }
    const label = f === '-' ? '(standard input)' : f;
    let count = 0;
    let lineNo = 0;
    try {
      await eachLine(src.reader, async (raw) => {
        lineNo++;
        const line = raw.replace(/\n$/, '');
        re.lastIndex = 0;
        const hit = re.test(line) !== flags.has('v');
        if (!hit) return true;
        count++;
        anySelected = true;
        if (flags.has('q')) return false;
        if (!flags.has('c') && !flags.has('l')) {
          const prefix = `${showName ? `${label}:` : ''}${flags.has('n') ? `${lineNo}:` : ''}`;
          if (flags.has('o') && !flags.has('v')) {
            re.lastIndex = 0;
            for (const m of line.matchAll(re)) if (m[0]) await ctx.stdout.write(`${prefix}${m[0]}\n`);
          } else await ctx.stdout.write(`${prefix}${line}\n`);
        }
        return count < maxCount && !flags.has('l');
      });
    } finally {
      src.close();
    }
    if (flags.has('q') && anySelected) return 0;
    if (flags.has('c')) await ctx.stdout.write(`${showName ? `${label}:` : ''}${count}\n`);
    if (flags.has('l') && count > 0) await ctx.stdout.write(`${label}\n`);
  }
  if (error && !(flags.has('q') && anySelected)) return 2;
  return anySelected ? 0 : 1;
}

export const GREP_COMMANDS: Record<string, ShellCommand> = { grep, egrep: (ctx) => grep({ ...ctx, argv: ['grep', '-E', ...ctx.argv.slice(1)] }) };
