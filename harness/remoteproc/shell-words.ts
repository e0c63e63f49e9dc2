// Quoting and validation of everything interpolated into a remote shell command (DESIGN §7).
import { UsageError } from '../errors';

/** POSIX single-quoting: safe for any byte string except NUL. */
export function shq(value: string): string {
  if (value.includes('\0')) throw new UsageError('a remote command argument contains a NUL byte, which no shell can pass', { value });
  if (/^[A-Za-z0-9_./:=@%+-]+$/.test(value) && !value.startsWith('-')) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

const FIRMWARE_NAME = /^[A-Za-z0-9._-]+$/;

/** A firmware file name for /lib/firmware: letters, digits, `.`, `_`, `-`; no leading `-`, no `..`, no `/`. */
export function checkFirmwareName(name: string): string {
  const why =
    name.length === 0 ? 'it is empty'
    : name.length > 255 ? `it is ${name.length} characters long (the limit is 255)`
    : !FIRMWARE_NAME.test(name) ? 'it has characters outside [A-Za-z0-9._-]'
    : name.startsWith('-') ? 'it starts with "-" (a command would read it as an option)'
    : name.includes('..') ? 'it contains ".." (the firmware loader refuses path walking)'
    : undefined;
  if (why === undefined) return name;
  throw new UsageError(`firmware name ${JSON.stringify(name)} refused: ${why}; use a plain file name like "rproc-m4-fw.elf"`, { name });
}
