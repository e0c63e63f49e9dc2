// The kernel's little string rules for attribute writes: sysfs_streq, the debugfs prefix match, kstrtouint base 0.
import { FsError, type Errno } from '../fs/types';

export const ERRNO: Record<string, number> = {
  EPERM: 1, ENOENT: 2, EIO: 5, ENOMEM: 12, EBUSY: 16, ENODEV: 19, EINVAL: 22, ENOSPC: 28, ERANGE: 34,
};

const NAME_OF = new Map(Object.entries(ERRNO).map(([k, v]) => [v, k as Errno]));

/** positive errno -> its name (EIO for numbers the fs contract has no name for) */
export function errnoName(n: number): Errno {
  return NAME_OF.get(Math.abs(n)) ?? 'EIO';
}

/** the error a failing write(2) returns */
export function fail(errno: Errno | number, path: string, message?: string): FsError {
  return new FsError(typeof errno === 'number' ? errnoName(errno) : errno, path, message);
}

export function text(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
}

/** sysfs_streq: equal, except that one trailing newline on either side is ignored (remoteproc.md §1.3) */
export function sysfsStreq(written: string, keyword: string): boolean {
  const strip = (s: string) => (s.endsWith('\n') ? s.slice(0, -1) : s);
  return strip(written) === strip(keyword);
}

/**
 * The debugfs recovery/coredump parse (remoteproc.md §2): count limited, one trailing newline becomes NUL,
 * then strncmp(buf, keyword, count) — so prefixes match only when written without a newline.
 */
export function debugfsKeyword(data: Uint8Array, keywords: readonly string[], maxCount: number): string | null | 'too-long' {
  const count = data.byteLength;
  if (count < 1 || count > maxCount) return 'too-long';
  const bytes = Array.from(data);
  if (bytes[count - 1] === 0x0a) bytes[count - 1] = 0;
  for (const keyword of keywords) {
    const kw = [...Buffer.from(keyword, 'latin1'), 0];
    let equal = true;
    for (let i = 0; i < count; i++) {
      const a = bytes[i] ?? 0;
      const b = kw[i] ?? 0;
      if (a !== b) {
        equal = false;
        break;
      }
      if (a === 0) break;
    }
    if (equal) return keyword;
  }
  return null;
}

/** kstrtouint_from_user(..., base 0): decimal, 0x hex or 0 octal, one trailing newline, u32 range */
export function kstrtouint(written: string): number | 'EINVAL' | 'ERANGE' {
  const s = written.endsWith('\n') ? written.slice(0, -1) : written;
  let digits: string;
  let radix: number;
  if (/^0[xX]/.test(s)) {
    digits = s.slice(2);
    radix = 16;
  } else if (s.startsWith('0') && s.length > 1) {
    digits = s.slice(1);
    radix = 8;
  } else {
    digits = s;
    radix = 10;
  }
  const valid = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!valid.test(digits)) return 'EINVAL';
  const value = BigInt(radix === 16 ? `0x${digits}` : radix === 8 ? `0o${digits}` : digits);
  if (value > 0xffffffffn) return 'ERANGE';
  return Number(value);
}

export function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}
