// test / [ expressions: file tests, string and integer comparisons, ! -a -o and parentheses.
import type { VirtualFs } from '../../fs/types';
import { normalizePath } from '../../fs/path';

/** true/false, or the error text bash prints after `bash: [: ` (status 2). */
export function evaluateTest(args: string[], fs: VirtualFs, cwd: string): boolean | string {
  let i = 0;
  const peek = (): string | undefined => args[i];
  const fail = (msg: string): never => {
    throw new TestError(msg);
  };
  const int = (s: string): number => {
    if (!/^\s*[+-]?\d+\s*$/.test(s)) fail(`${s}: integer expression expected`);
    return Number(s);
  };
  const unaryFile = (op: string, path: string): boolean => {
    const st = fs.stat(normalizePath(path, cwd));
    switch (op) {
      case '-e':
      case '-a':
        return st !== null;
      case '-f':
        return st !== null && (st.type === 'file' || st.type === 'attr');
      case '-d':
        return st?.type === 'dir';
      case '-c':
        return st?.type === 'chardev';
      case '-s':
        return st !== null && st.size > 0;
      case '-r':
        return st !== null && (st.type === 'file' || st.type === 'dir' || (st.mode & 0o444) !== 0);
      case '-w':
        return st !== null && (st.type === 'file' || st.type === 'dir' || (st.mode & 0o222) !== 0);
      case '-x':
        return st !== null && (st.mode & 0o111) !== 0;
      case '-L':
      case '-h':
        return false;
      default:
        return fail(`${op}: unary operator expected`);
    }
  };
  const primary = (): boolean => {
    const a = args[i++];
    if (a === undefined) return fail('argument expected');
    if (a === '!') return !primary();
    if (a === '(') {
      const v = orExpr();
      if (args[i++] !== ')') fail("`)' expected");
      return v;
    }
    const b = peek();
    const binOps = ['=', '==', '!=', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '<', '>'];
    if (b !== undefined && binOps.includes(b) && args[i + 1] !== undefined) {
      i++;
      const c = args[i++] as string;
      switch (b) {
        case '=':
        case '==':
          return a === c;
        case '!=':
          return a !== c;
        case '<':
          return a < c;
        case '>':
          return a > c;
        case '-eq':
          return int(a) === int(c);
        case '-ne':
          return int(a) !== int(c);
        case '-lt':
          return int(a) < int(c);
        case '-le':
          return int(a) <= int(c);
        case '-gt':
          return int(a) > int(c);
        default:
          return int(a) >= int(c);
      }
    }
    if (/^-[a-zA-Z]$/.test(a) && b !== undefined) {
      i++;
      if (a === '-n') return b !== '';
      if (a === '-z') return b === '';
      return unaryFile(a, b);
    }
    return a !== '';
  };
  const andExpr = (): boolean => {
    let v = primary();
    while (peek() === '-a') {
      i++;
      const r = primary();
      v = v && r;
    }
    return v;
  };
  const orExpr = (): boolean => {
    let v = andExpr();
    while (peek() === '-o') {
      i++;
      const r = andExpr();
      v = v || r;
    }
    return v;
  };
  try {
    if (args.length === 0) return false;
    const v = orExpr();
    if (i < args.length) return args.length > 3 ? 'too many arguments' : `${args[i]}: binary operator expected`;
    return v;
  } catch (e) {
    if (e instanceof TestError) return e.message;
    throw e;
  }
}

class TestError extends Error {}
