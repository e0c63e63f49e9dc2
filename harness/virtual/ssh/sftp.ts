// SFTP subsystem over the virtual fs: what OpenSSH's sftp/scp and ssh2's fastPut/writeFile need, out-of-order writes included.
import type { Attributes, FileEntry, SFTPWrapper } from 'ssh2';
import { utils } from 'ssh2';
import { FsError } from '../fs/types';
import type { StatResult } from '../fs/types';
import { strerror } from '../fs/errno';
import { normalizePath } from '../fs/path';
import type { SessionContext } from './types';

const { OPEN_MODE, STATUS_CODE } = utils.sftp;
const HOME = '/root';
/** Bytes of out-of-order WRITE data kept while waiting for the gap before them (fastPut keeps ~2 MiB in flight). */
const MAX_PENDING = 64 * 1024 * 1024;
const TYPE_BITS = { file: 0o100000, attr: 0o100000, dir: 0o040000, chardev: 0o020000 } as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface FileHandle {
  kind: 'file';
  path: string;
  /** contents snapshot for reads (sysfs reads the attribute at open) */
  data: Uint8Array | null;
  writable: boolean;
  attr: boolean;
  /** bytes written contiguously from offset 0 (or from the old end for append) */
  committed: number;
  pending: Map<number, Uint8Array>;
  pendingBytes: number;
  wrote: boolean;
}
interface DirHandle {
  kind: 'dir';
  path: string;
  done: boolean;
}

function attrsOf(st: StatResult): Attributes {
  const t = Math.floor(st.mtimeMs / 1000);
  return { mode: TYPE_BITS[st.type] | (st.mode & 0o7777), uid: 0, gid: 0, size: st.size, atime: t, mtime: t };
}

function longname(name: string, st: StatResult): string {
  const t = st.type === 'dir' ? 'd' : st.type === 'chardev' ? 'c' : '-';
  let perm = '';
  for (let s = 6; s >= 0; s -= 3) {
    const b = (st.mode >> s) & 7;
    perm += `${b & 4 ? 'r' : '-'}${b & 2 ? 'w' : '-'}${b & 1 ? 'x' : '-'}`;
  }
  const d = new Date(st.mtimeMs);
  const when = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return `${t}${perm}    1 root     root     ${String(st.size).padStart(8)} ${when} ${name}`;
}

export function handleSftp(sftp: SFTPWrapper, ctx: SessionContext): void {
  const fs = ctx.fs;
  const handles = new Map<number, FileHandle | DirHandle>();
  let nextHandle = 1;

  const resolve = (p: string): string => normalizePath(p === '' ? '.' : p, HOME);
  // one request at a time, answered in order, like sftp-server: OpenSSH truncates an upload to the highest
  // contiguously acknowledged offset, so a late ack for an earlier WRITE would cut the file short
  let queue: Promise<void> = Promise.resolve();
  const serial = (fn: () => void | Promise<void>): void => {
    queue = queue.then(fn).catch(() => undefined);
  };

  const fail = (id: number, e: unknown): void => {
    if (e instanceof FsError) {
      const code =
        e.errno === 'ENOENT' || e.errno === 'ENOTDIR' ? STATUS_CODE.NO_SUCH_FILE
          : e.errno === 'EACCES' || e.errno === 'EPERM' || e.errno === 'EROFS' ? STATUS_CODE.PERMISSION_DENIED
            : STATUS_CODE.FAILURE;
      sftp.status(id, code, strerror(e.errno));
    } else sftp.status(id, STATUS_CODE.FAILURE, e instanceof Error ? e.message : String(e));
  };
  const ok = (id: number): void => sftp.status(id, STATUS_CODE.OK);
  const newHandle = (h: FileHandle | DirHandle): Buffer => {
    const id = nextHandle++;
    handles.set(id, h);
    const b = Buffer.alloc(4);
    b.writeUInt32BE(id);
    return b;
  };
  const handleId = (b: Buffer): number => (b.length === 4 ? b.readUInt32BE(0) : -1);
  const fileHandle = (b: Buffer): FileHandle | null => {
    const h = handles.get(handleId(b));
    return h?.kind === 'file' ? h : null;
  };

  sftp.on('OPEN', (id, filename, flags) =>
    serial(async () => {
      const path = resolve(filename);
      try {
        const st = fs.stat(path);
        const writable = (flags & OPEN_MODE.WRITE) !== 0;
        if (st?.type === 'dir') throw new FsError('EISDIR', path);
        if (st?.type === 'chardev') throw new FsError('ENXIO', path);
        if (st && (flags & OPEN_MODE.EXCL) !== 0 && (flags & OPEN_MODE.CREAT) !== 0) throw new FsError('EEXIST', path);
        if (!st && !((flags & OPEN_MODE.CREAT) !== 0 && writable)) throw new FsError('ENOENT', path);
        const attr = st?.type === 'attr';
        let committed = 0;
        if (writable && !attr) {
          // without O_TRUNC the old bytes stay: writes below their end overwrite, at their end append
          if (!st || (flags & OPEN_MODE.TRUNC) !== 0) await fs.writeFile(path, new Uint8Array(0));
          else committed = st.size;
        }
        if (attr && writable && ((st?.mode ?? 0) & 0o222) === 0) throw new FsError('EACCES', path);
        const data = (flags & OPEN_MODE.READ) !== 0 ? await fs.readFile(path) : null;
        sftp.handle(id, newHandle({ kind: 'file', path, data, writable, attr, committed, pending: new Map(), pendingBytes: 0, wrote: false }));
      } catch (e) {
        fail(id, e);
      }
    }),
  );

  /** Writes every pending chunk that now starts at the committed end. */
  const drain = async (h: FileHandle): Promise<void> => {
    for (let next = h.pending.get(h.committed); next; next = h.pending.get(h.committed)) {
      h.pending.delete(h.committed);
      h.pendingBytes -= next.length;
      await fs.writeFile(h.path, next, { append: true });
      h.committed += next.length;
    }
  };

  /** An in-place overwrite below the committed end (a client re-sending a block): read, patch, write back. */
  const overwrite = async (h: FileHandle, offset: number, data: Uint8Array): Promise<void> => {
    const old = await fs.readFile(h.path);
    const merged = new Uint8Array(Math.max(old.length, offset + data.length));
    merged.set(old);
    merged.set(data, offset);
    await fs.writeFile(h.path, merged);
    h.committed = Math.max(h.committed, offset + data.length);
  };

  sftp.on('WRITE', (id, handle, offset, data) =>
    serial(async () => {
      const h = fileHandle(handle);
      if (!h || !h.writable) return sftp.status(id, STATUS_CODE.FAILURE, 'Bad file descriptor');
      try {
        h.wrote = true;
        if (h.attr) await fs.writeFile(h.path, new Uint8Array(data)); // one store() per WRITE, like write(2) on sysfs
        else if (offset === h.committed) {
          await fs.writeFile(h.path, new Uint8Array(data), { append: true });
          h.committed += data.length;
          await drain(h);
        } else if (offset < h.committed) await overwrite(h, offset, new Uint8Array(data));
        else {
          if (h.pendingBytes + data.length > MAX_PENDING) throw new FsError('ENOMEM', h.path, 'too much out-of-order data');
          h.pending.set(offset, new Uint8Array(data));
          h.pendingBytes += data.length;
        }
        ok(id);
      } catch (e) {
        fail(id, e);
      }
    }),
  );

  sftp.on('READ', (id, handle, offset, len) =>
    serial(() => {
      const h = fileHandle(handle);
      if (!h || !h.data) return sftp.status(id, STATUS_CODE.FAILURE, 'Bad file descriptor');
      if (offset >= h.data.length) return sftp.status(id, STATUS_CODE.EOF);
      sftp.data(id, Buffer.from(h.data.subarray(offset, offset + Math.min(len, 256 * 1024))));
    }),
  );

  sftp.on('CLOSE', (id, handle) =>
    serial(async () => {
      const key = handleId(handle);
      const h = handles.get(key);
      handles.delete(key);
      if (!h) return sftp.status(id, STATUS_CODE.FAILURE, 'Bad file descriptor');
      if (h.kind === 'dir') return ok(id);
      try {
        if (h.pending.size > 0) {
          // gaps that never arrived read back as zeros, like a sparse file
          for (const off of [...h.pending.keys()].sort((a, b) => a - b)) {
            if (off > h.committed) {
              await fs.writeFile(h.path, new Uint8Array(off - h.committed), { append: true });
              h.committed = off;
            }
            await drain(h);
          }
        }
        if (h.wrote && !h.attr) await ctx.uploaded(h.path);
        ok(id);
      } catch (e) {
        fail(id, e);
      }
    }),
  );

  const statReply = (id: number, p: string): void => {
    const st = fs.stat(resolve(p));
    if (!st) return fail(id, new FsError('ENOENT', p));
    sftp.attrs(id, attrsOf(st));
  };
  sftp.on('STAT', (id, p) => serial(() => statReply(id, p)));
  sftp.on('LSTAT', (id, p) => serial(() => statReply(id, p)));
  sftp.on('FSTAT', (id, handle) =>
    serial(() => {
      const h = fileHandle(handle);
      if (!h) return sftp.status(id, STATUS_CODE.FAILURE, 'Bad file descriptor');
      statReply(id, h.path);
    }),
  );

  const setstat = async (id: number, path: string, attrs: Attributes): Promise<void> => {
    try {
      const st = fs.stat(path);
      if (!st) throw new FsError('ENOENT', path);
      if (typeof attrs.size === 'number' && st.type === 'file' && attrs.size !== st.size) {
        const old = await fs.readFile(path);
        const next = new Uint8Array(attrs.size);
        next.set(old.subarray(0, attrs.size));
        await fs.writeFile(path, next);
      }
      const chmod = (fs as { chmod?: (p: string, m: number) => void }).chmod;
      if (typeof attrs.mode === 'number' && st.type !== 'attr' && st.type !== 'chardev' && chmod) chmod.call(fs, path, attrs.mode);
      ok(id);
    } catch (e) {
      fail(id, e);
    }
  };
  sftp.on('SETSTAT', (id, p, attrs) => serial(() => setstat(id, resolve(p), attrs)));
  sftp.on('FSETSTAT', (id, handle, attrs) =>
    serial(() => {
      const h = fileHandle(handle);
      if (!h) return sftp.status(id, STATUS_CODE.FAILURE, 'Bad file descriptor');
      return setstat(id, h.path, attrs);
    }),
  );

  sftp.on('OPENDIR', (id, p) =>
    serial(() => {
      const path = resolve(p);
      const st = fs.stat(path);
      if (!st) return fail(id, new FsError('ENOENT', path));
      if (st.type !== 'dir') return fail(id, new FsError('ENOTDIR', path));
      sftp.handle(id, newHandle({ kind: 'dir', path, done: false }));
    }),
  );

  sftp.on('READDIR', (id, handle) =>
    serial(() => {
      const h = handles.get(handleId(handle));
      if (!h || h.kind !== 'dir') return sftp.status(id, STATUS_CODE.FAILURE, 'Bad file descriptor');
      if (h.done) return sftp.status(id, STATUS_CODE.EOF);
      h.done = true;
      try {
        const names = ['.', '..', ...fs.readdir(h.path)];
        const entries: FileEntry[] = names.flatMap((n) => {
          const st = fs.stat(n === '.' ? h.path : normalizePath(n, h.path));
          return st ? [{ filename: n, longname: longname(n, st), attrs: attrsOf(st) }] : [];
        });
        sftp.name(id, entries);
      } catch (e) {
        fail(id, e);
      }
    }),
  );

  sftp.on('REALPATH', (id, p) =>
    serial(() => {
      const path = resolve(p);
      const st = fs.stat(path);
      const attrs = st ? attrsOf(st) : { mode: 0, uid: 0, gid: 0, size: 0, atime: 0, mtime: 0 };
      sftp.name(id, [{ filename: path, longname: path, attrs }]);
    }),
  );

  const simple = (fn: () => void) => (id: number): void =>
    serial(() => {
      try {
        fn();
        ok(id);
      } catch (e) {
        fail(id, e);
      }
    });
  sftp.on('REMOVE', (id, p) => simple(() => fs.unlink(resolve(p)))(id));
  sftp.on('RMDIR', (id, p) => simple(() => fs.rmdir(resolve(p)))(id));
  sftp.on('MKDIR', (id, p) => simple(() => fs.mkdir(resolve(p)))(id));
  sftp.on('RENAME', (id, from, to) => simple(() => fs.rename(resolve(from), resolve(to)))(id));
  sftp.on('READLINK', (id) => sftp.status(id, STATUS_CODE.OP_UNSUPPORTED, 'no symbolic links on the virtual board'));
  sftp.on('SYMLINK', (id) => sftp.status(id, STATUS_CODE.OP_UNSUPPORTED, 'no symbolic links on the virtual board'));
  sftp.on('EXTENDED', (id) => sftp.status(id, STATUS_CODE.OP_UNSUPPORTED));
  sftp.on('error', () => undefined);
  sftp.on('end', () => {
    // the client is done: like sshd's sftp-server, report exit status 0 (OpenSSH's scp fails on "Exit status -1"),
    // then close. ssh2 has no public exit() on a server SFTP stream, so use its protocol object.
    const internals = sftp as unknown as { _protocol?: { exitStatus?(chan: number, code: number): void }; outgoing?: { id: number; state: string } };
    if (internals.outgoing?.state === 'open') internals._protocol?.exitStatus?.(internals.outgoing.id, 0);
    sftp.end();
  });
}
