// The virtual board's filesystem contract: plain files plus "special" nodes whose reads and writes call the kernel model.

/** A positive Linux errno name the shell turns into bash's text (EBUSY -> "Device or resource busy"). */
export type Errno =
  | 'EPERM' | 'ENOENT' | 'EIO' | 'E2BIG' | 'EBADF' | 'EAGAIN' | 'ENOMEM' | 'EACCES' | 'EBUSY' | 'EEXIST'
  | 'ENODEV' | 'ENOTDIR' | 'EISDIR' | 'EINVAL' | 'ENOSPC' | 'EROFS' | 'EPIPE' | 'ERANGE' | 'EMSGSIZE'
  | 'ENOTEMPTY' | 'ETIMEDOUT' | 'ENETRESET' | 'ENXIO';

/** Thrown by fs operations and special nodes; the shell prints `strerror(errno)` the way bash does. */
export class FsError extends Error {
  constructor(readonly errno: Errno, readonly path: string, message?: string) {
    super(message ?? `${errno}: ${path}`);
    this.name = 'FsError';
  }
}

/** One open stream on a character device (e.g. /dev/ttyRPMSG0). */
export interface CharStream {
  /** bytes from the device; the callback gets null once when the device hangs up (reads then return EOF) */
  onData(cb: (chunk: Uint8Array | null) => void): void;
  /** write to the device; rejects with FsError (EIO after hang-up, ENOMEM with no TX buffer) */
  write(data: Uint8Array): Promise<void>;
  close(): void;
}

/** A node the kernel model owns: sysfs/debugfs attributes, /proc files, character devices. */
export interface SpecialNode {
  kind: 'attr' | 'chardev';
  /** permission bits as `ls -l`/`stat` show them, e.g. 0o644, 0o200 */
  mode: number;
  /** whole-file read of an attribute (sysfs re-reads on each open); throw FsError to fail */
  read?(): Uint8Array | string | Promise<Uint8Array | string>;
  /** one write(2) of `data` to an attribute; may resolve after a delay (a blocking `start`); throw FsError to fail */
  write?(data: Uint8Array): void | Promise<void>;
  /** open a character device for streaming */
  open?(): CharStream;
}

/** Provider of a whole directory subtree whose entries change with kernel state (e.g. /sys/class/remoteproc). */
export interface DynamicDir {
  /** names directly under this directory, with whether each is a directory */
  list(relPath: string): Array<{ name: string; dir: boolean }> | null;
  /** the node at relPath ('' = the mount point itself is a dir), or null when absent */
  node(relPath: string): SpecialNode | 'dir' | null;
}

export interface StatResult {
  type: 'file' | 'dir' | 'attr' | 'chardev';
  size: number;
  mode: number;
  mtimeMs: number;
}

/** What the shell, SFTP server and kernel model see. Paths are absolute and normalised by the implementation. */
export interface VirtualFs {
  readFile(path: string): Promise<Uint8Array>;
  /** create or truncate+write (or append) a regular file, or write() once to an attribute */
  writeFile(path: string, data: Uint8Array, opts?: { append?: boolean }): Promise<void>;
  stat(path: string): StatResult | null;
  readdir(path: string): string[];
  mkdir(path: string, opts?: { recursive?: boolean }): void;
  unlink(path: string): void;
  rmdir(path: string): void;
  rename(from: string, to: string): void;
  openChar(path: string): CharStream;
  /** kernel model hooks */
  mountDynamic(path: string, dir: DynamicDir): void;
  setSpecial(path: string, node: SpecialNode | null): void;
  /** byte budget of a directory tree (e.g. /lib/firmware); writes beyond it fail with ENOSPC */
  setQuota(path: string, bytes: number): void;
  /** bytes used under a directory tree */
  usage(path: string): number;
  /** every tree with a byte budget and its limit (what `df` shows as separate filesystems) */
  quotas(): ReadonlyMap<string, number>;
}
