// printf(1) as bash's builtin formats: %s %b %c %d %i %u %x %X %o %f %e %g %%, flags, width, precision, reuse of the format.
import { backslashEscapes } from './echo';

const MAX_FIELD = 65536;

function toInt(arg: string, errors: string[]): number {
  if (arg === '') return 0;
  if (/^['"]/.test(arg)) return arg.codePointAt(1) ?? 0;
  const n = /^[+-]?0[xX][0-9a-fA-F]+$/.test(arg) ? parseInt(arg, 16) : /^[+-]?0[0-7]+$/.test(arg) ? parseInt(arg, 8) : Number(arg);
  if (!Number.isInteger(n)) {
    errors.push(`${arg}: invalid number`);
    const lead = /^[+-]?\d+/.exec(arg);
    return lead ? Number(lead[0]) : 0;
  }
  return n;
}

function pad(s: string, flags: string, width: number): string {
  if (s.length >= width) return s;
  if (flags.includes('-')) return s + ' '.repeat(width - s.length);
  if (flags.includes('0') && /^[+-]?[0-9a-fA-F.]+$/.test(s)) {
    const sign = /^[+-]/.test(s) ? (s[0] as string) : '';
    return sign + '0'.repeat(width - s.length) + s.slice(sign.length);
  }
  return ' '.repeat(width - s.length) + s;
}

/** Formats like `printf FORMAT ARGS…`; errors are the messages bash prints after `bash: printf: `. */
export function formatPrintf(format: string, args: string[]): { text: string; errors: string[] } {
  const errors: string[] = [];
  let text = '';
  let ai = 0;
  const re = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?([sbcdiuxXofeEgG%])|%/g;
  for (let pass = 0; pass === 0 || ai < args.length; pass++) {
    const usedBefore = ai;
    let last = 0;
    let stop = false;
    for (const m of format.matchAll(re)) {
      text += backslashEscapes(format.slice(last, m.index), false).text;
      last = m.index + m[0].length;
      const conv = m[4];
      if (conv === undefined) {
        errors.push(`%${format[m.index + 1] ?? ''}: invalid format character`);
        stop = true;
        break;
      }
      if (conv === '%') {
        text += '%';
        continue;
      }
      const flags = m[1] ?? '';
      // bounded, so `printf %999999999d` cannot exhaust memory (bash would try; the board's RAM would not)
      const width = Math.min(MAX_FIELD, m[2] === '*' ? toInt(args[ai++] ?? '', errors) : Number(m[2] ?? 0));
      const prec = m[3] === undefined ? undefined : Math.min(MAX_FIELD, m[3] === '*' ? toInt(args[ai++] ?? '', errors) : Number(m[3]));
      const arg = args[ai++] ?? '';
      let s: string;
      switch (conv) {
        case 's':
          s = prec === undefined ? arg : arg.slice(0, prec);
          break;
        case 'b': {
          const r = backslashEscapes(arg, true);
          s = r.text;
          stop = r.stop;
          break;
        }
        case 'c':
          s = arg.slice(0, 1);
          break;
        case 'd':
        case 'i':
        case 'u': {
          const n = toInt(arg, errors);
          s = `${n < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : ''}${Math.abs(n)}`;
          break;
        }
        case 'x':
        case 'X':
        case 'o': {
          const n = toInt(arg, errors);
          const v = n < 0 ? BigInt.asUintN(64, BigInt(n)) : BigInt(n);
          s = v.toString(conv === 'o' ? 8 : 16);
          if (conv === 'X') s = s.toUpperCase();
          if (flags.includes('#') && n !== 0) s = (conv === 'o' ? '0' : conv === 'x' ? '0x' : '0X') + s;
          break;
        }
        default: {
          const n = arg === '' ? 0 : Number(arg);
          if (Number.isNaN(n)) errors.push(`${arg}: invalid number`);
          const v = Number.isNaN(n) ? 0 : n;
          s = conv === 'f' ? v.toFixed(Math.min(prec ?? 6, 100)) : conv.toLowerCase() === 'e' ? v.toExponential(Math.min(prec ?? 6, 100)).replace(/e([+-])(\d)$/, 'e$10$2') : String(Number(v.toPrecision(Math.min(prec || 6, 100))));
          if (conv === 'E' || conv === 'G') s = s.toUpperCase();
        }
      }
      text += pad(s, flags, width);
      if (stop) break;
    }
    if (stop) break;
    text += backslashEscapes(format.slice(last), false).text;
    if (ai === usedBefore) break; // a format without conversions is printed once
  }
  return { text, errors };
}
