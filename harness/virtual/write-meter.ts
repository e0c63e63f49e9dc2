// Counts the bytes written into one directory tree of the virtual fs (e.g. /lib/firmware), whoever writes them (SFTP, `cat >`, cp).
import { isUnder, normalizePath } from './fs/path';
import type { VirtualFs } from './fs/types';

export interface WriteMeter {
  readonly dir: string;
  /** bytes handed to successful writes of regular files under dir (a truncating open writes 0) */
  readonly bytes: number;
  /** writes that carried at least one byte */
  readonly writes: number;
  /** bytes per file path (the path as written, e.g. a temporary name before a rename) */
  byFile(): Record<string, number>;
  reset(): void;
}

/**
 * Meters `fs.writeFile` of this fs object for paths under `dir`. Every writer on the board (SFTP server, shell redirects,
 * cp, dd) goes through writeFile, so this sees what the block layer would; renames move bytes without writing them.
 */
export function meterWrites(fs: VirtualFs, dir: string): WriteMeter {
  const root = normalizePath(dir);
  const counted = { bytes: 0, writes: 0 };
  let files = new Map<string, number>();
  const original = fs.writeFile.bind(fs);
  fs.writeFile = async (path, data, opts) => {
    await original(path, data, opts);
    // attributes and devices are kernel nodes, not storage
    if (data.length > 0 && isUnder(normalizePath(path), root) && fs.stat(path)?.type === 'file') {
      const p = normalizePath(path);
      counted.bytes += data.length;
      counted.writes += 1;
      files.set(p, (files.get(p) ?? 0) + data.length);
    }
  };
  return {
    dir: root,
    get bytes() {
      return counted.bytes;
    },
    get writes() {
      return counted.writes;
    },
    byFile() {
      return Object.fromEntries(files);
    },
    reset() {
      counted.bytes = 0;
      counted.writes = 0;
      files = new Map();
    },
  };
}
