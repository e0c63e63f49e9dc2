// In-memory VirtualFs: plain files and dirs, kernel-owned special nodes, dynamic subtrees and per-tree byte quotas.
import { FsError } from './types';
import type { CharStream, DynamicDir, SpecialNode, StatResult, VirtualFs } from './types';
import { baseName, isUnder, normalizePath, parentOf } from './path';

interface DirEntry { kind: 'dir'; children: Map<string, Entry>; mode: number; mtimeMs: number }
interface FileEntry { kind: 'file'; buf: Uint8Array; size: number; mode: number; mtimeMs: number }
interface SpecialEntry { kind: 'special'; node: SpecialNode; mtimeMs: number }
type Entry = DirEntry | FileEntry | SpecialEntry;

/** What a path resolves to: a static entry, a node or dir of a dynamic mount, or an errno. */
type Found =
  | { at: 'static'; entry: Entry }
  | { at: 'dynamic'; mount: string; rel: string; node: SpecialNode | 'dir' }
  | { at: 'missing'; errno: 'ENOENT' | 'ENOTDIR' };

const SYSFS_ATTR_SIZE = 4096; // sysfs reports every attribute as one page (stat -c %s prints 4096)

function bytesOf(v: Uint8Array | string): Uint8Array {
  return typeof v === 'string' ? new TextEncoder().encode(v) : v;
}

function newDir(mode = 0o755): DirEntry {
  return { kind: 'dir', children: new Map(), mode, mtimeMs: Date.now() };
}

/** /dev/null: reads hit EOF at once, writes vanish. */
const devNull: SpecialNode = {
  kind: 'chardev',
  mode: 0o666,
  read: () => '',
  write: () => undefined,
  open: () => ({
    onData: (cb) => queueMicrotask(() => cb(null)),
    write: async () => undefined,
    close: () => undefined,
  }),
};

export class MemFs implements VirtualFs {
  private readonly root: DirEntry = newDir();
  private readonly mounts = new Map<string, DynamicDir>();
  private readonly quotaLimits = new Map<string, number>();

  /** Starts with the directories every board has (/root, /tmp, /dev with /dev/null, /lib/firmware). */
  constructor() {
    for (const d of ['/root', '/tmp', '/dev', '/lib/firmware', '/etc']) this.mkdir(d, { recursive: true });
    this.setSpecial('/dev/null', devNull);
  }

  private find(path: string): Found {
    const p = normalizePath(path);
    let best: string | null = null;
    for (const m of this.mounts.keys()) if (isUnder(p, m) && (best === null || m.length > best.length)) best = m;
    if (best !== null) {
      const rel = p === best ? '' : p.slice(best.length + 1);
      const node = this.mounts.get(best)?.node(rel) ?? null;
      return node === null ? { at: 'missing', errno: 'ENOENT' } : { at: 'dynamic', mount: best, rel, node };
    }
    let cur: Entry = this.root;
    for (const part of p.split('/').filter((s) => s !== '')) {
      if (cur.kind !== 'dir') return { at: 'missing', errno: 'ENOTDIR' };
      const next = cur.children.get(part);
      if (!next) return { at: 'missing', errno: 'ENOENT' };
      cur = next;
    }
    return { at: 'static', entry: cur };
  }

  private mustFind(path: string): Exclude<Found, { at: 'missing' }> {
    const f = this.find(path);
    if (f.at === 'missing') throw new FsError(f.errno, normalizePath(path));
    return f;
  }

  /** The static parent dir of a path that may be created; EACCES inside kernel-owned (dynamic) trees. */
  private parentDir(path: string, inDynamic: 'EACCES' | 'EPERM'): DirEntry {
    const parent = this.find(parentOf(path));
    if (parent.at === 'missing') throw new FsError(parent.errno, path);
    if (parent.at === 'dynamic') throw new FsError(parent.node === 'dir' ? inDynamic : 'ENOTDIR', path);
    if (parent.entry.kind !== 'dir') throw new FsError('ENOTDIR', path);
    return parent.entry;
  }

  private static nodeOf(f: Exclude<Found, { at: 'missing' }>): SpecialNode | 'dir' | FileEntry {
    if (f.at === 'dynamic') return f.node;
    if (f.entry.kind === 'dir') return 'dir';
    if (f.entry.kind === 'special') return f.entry.node;
    return f.entry;
  }

  async readFile(path: string): Promise<Uint8Array> {
    const p = normalizePath(path);
    const n = MemFs.nodeOf(this.mustFind(p));
    if (n === 'dir') throw new FsError('EISDIR', p);
    if ('buf' in n) return n.buf.slice(0, n.size);
    // kernfs refuses to open an attribute for reading without read bits or a show() (EACCES even for root)
    if ((n.mode & 0o444) === 0 || !n.read) throw new FsError('EACCES', p);
    return bytesOf(await n.read());
  }

  async writeFile(path: string, data: Uint8Array, opts: { append?: boolean } = {}): Promise<void> {
    const p = normalizePath(path);
    const f = this.find(p);
    if (f.at === 'missing') {
      if (f.errno === 'ENOTDIR') throw new FsError('ENOTDIR', p);
      const dir = this.parentDir(p, 'EACCES');
      const entry: FileEntry = { kind: 'file', buf: new Uint8Array(0), size: 0, mode: 0o644, mtimeMs: Date.now() };
      dir.children.set(baseName(p), entry);
      dir.mtimeMs = Date.now();
      return this.writeRegular(p, entry, data, opts.append === true);
    }
    const n = MemFs.nodeOf(f);
    if (n === 'dir') throw new FsError('EISDIR', p);
    if ('buf' in n) return this.writeRegular(p, n, data, opts.append === true);
    if (n.kind === 'chardev') {
      const s = this.openNode(p, n);
      try {
        await s.write(data);
      } finally {
        s.close();
      }
      return;
    }
    // sysfs: one write(2) = one store() call; O_TRUNC/O_APPEND have no effect on an attribute
    if ((n.mode & 0o222) === 0 || !n.write) throw new FsError('EACCES', p);
    await n.write(data);
  }

  /** Linux semantics under a quota: the bytes that fit are written, then the write fails with ENOSPC. */
  private writeRegular(p: string, e: FileEntry, data: Uint8Array, append: boolean): void {
    if (!append) e.size = 0;
    let room = data.length;
    for (const [q, limit] of this.quotaLimits) {
      if (!isUnder(p, q)) continue;
      room = Math.min(room, Math.max(0, limit - this.usage(q))); // e is in the tree: usage() counts its kept bytes
    }
    const fit = data.subarray(0, room);
    const need = e.size + fit.length;
    if (need > e.buf.length) {
      const grown = new Uint8Array(Math.max(need, e.buf.length * 2, 256));
      grown.set(e.buf.subarray(0, e.size));
      e.buf = grown;
    }
    e.buf.set(fit, e.size);
    e.size = need;
    e.mtimeMs = Date.now();
    if (fit.length < data.length) throw new FsError('ENOSPC', p);
  }

  stat(path: string): StatResult | null {
    const f = this.find(path);
    if (f.at === 'missing') return null;
    const n = MemFs.nodeOf(f);
    const mtimeMs = f.at === 'static' ? f.entry.mtimeMs : Date.now();
    if (n === 'dir') return { type: 'dir', size: 4096, mode: f.at === 'static' && f.entry.kind === 'dir' ? f.entry.mode : 0o755, mtimeMs };
    if ('buf' in n) return { type: 'file', size: n.size, mode: n.mode, mtimeMs: n.mtimeMs };
    return { type: n.kind, size: n.kind === 'attr' ? SYSFS_ATTR_SIZE : 0, mode: n.mode, mtimeMs };
  }

  readdir(path: string): string[] {
    const p = normalizePath(path);
    const f = this.mustFind(p);
    if (f.at === 'dynamic') {
      if (f.node !== 'dir') throw new FsError('ENOTDIR', p);
      return (this.mounts.get(f.mount)?.list(f.rel) ?? []).map((e) => e.name);
    }
    if (f.entry.kind !== 'dir') throw new FsError('ENOTDIR', p);
    return [...f.entry.children.keys()];
  }

  mkdir(path: string, opts: { recursive?: boolean } = {}): void {
    const p = normalizePath(path);
    const f = this.find(p);
    if (f.at !== 'missing') {
      if (opts.recursive && MemFs.nodeOf(f) === 'dir') return;
      throw new FsError('EEXIST', p);
    }
    if (opts.recursive && f.errno === 'ENOENT' && p !== '/') {
      const parent = this.find(parentOf(p));
      if (parent.at === 'missing') this.mkdir(parentOf(p), opts);
    }
    const dir = this.parentDir(p, 'EPERM');
    dir.children.set(baseName(p), newDir());
    dir.mtimeMs = Date.now();
  }

  unlink(path: string): void {
    const p = normalizePath(path);
    const f = this.mustFind(p);
    if (f.at === 'dynamic' || f.entry.kind === 'special') throw new FsError('EPERM', p);
    if (f.entry.kind === 'dir') throw new FsError('EISDIR', p);
    this.parentDir(p, 'EPERM').children.delete(baseName(p));
  }

  rmdir(path: string): void {
    const p = normalizePath(path);
    const f = this.mustFind(p);
    if (p === '/' || this.mounts.has(p)) throw new FsError('EBUSY', p);
    if (f.at === 'dynamic') throw new FsError('EPERM', p);
    if (f.entry.kind !== 'dir') throw new FsError('ENOTDIR', p);
    if (f.entry.children.size > 0) throw new FsError('ENOTEMPTY', p);
    this.parentDir(p, 'EPERM').children.delete(baseName(p));
  }

  rename(from: string, to: string): void {
    const a = normalizePath(from);
    const b = normalizePath(to);
    const src = this.mustFind(a);
    if (src.at === 'dynamic' || src.entry.kind === 'special' || this.mounts.has(a)) throw new FsError('EPERM', a);
    if (a === b) return;
    if (src.entry.kind === 'dir' && isUnder(b, a)) throw new FsError('EINVAL', b);
    const dst = this.find(b);
    if (dst.at === 'dynamic') throw new FsError('EPERM', b);
    if (dst.at === 'missing' && dst.errno === 'ENOTDIR') throw new FsError('ENOTDIR', b);
    if (dst.at === 'static') {
      const d = dst.entry;
      if (d.kind === 'special') throw new FsError('EPERM', b);
      if (src.entry.kind === 'dir' && d.kind !== 'dir') throw new FsError('ENOTDIR', b);
      if (src.entry.kind !== 'dir' && d.kind === 'dir') throw new FsError('EISDIR', b);
      if (d.kind === 'dir' && d.children.size > 0) throw new FsError('ENOTEMPTY', b);
    }
    const toDir = this.parentDir(b, 'EACCES');
    const moved = this.sizeOf(src.entry);
    for (const [q, limit] of this.quotaLimits) {
      if (isUnder(b, q) && !isUnder(a, q) && this.usage(q) + moved > limit) throw new FsError('ENOSPC', b);
    }
    this.parentDir(a, 'EPERM').children.delete(baseName(a));
    toDir.children.set(baseName(b), src.entry);
    toDir.mtimeMs = Date.now();
  }

  openChar(path: string): CharStream {
    const p = normalizePath(path);
    const n = MemFs.nodeOf(this.mustFind(p));
    if (n === 'dir') throw new FsError('EISDIR', p);
    if ('buf' in n || n.kind !== 'chardev') throw new FsError('ENODEV', p);
    return this.openNode(p, n);
  }

  private openNode(p: string, n: SpecialNode): CharStream {
    if (!n.open) throw new FsError('ENXIO', p);
    return n.open();
  }

  mountDynamic(path: string, dir: DynamicDir): void {
    const p = normalizePath(path);
    this.mkdir(p, { recursive: true });
    this.mounts.set(p, dir);
  }

  setSpecial(path: string, node: SpecialNode | null): void {
    const p = normalizePath(path);
    if (node === null) {
      const f = this.find(p);
      if (f.at === 'static' && f.entry.kind === 'special') this.parentDir(p, 'EPERM').children.delete(baseName(p));
      return;
    }
    this.mkdir(parentOf(p), { recursive: true });
    const dir = this.parentDir(p, 'EPERM');
    const old = dir.children.get(baseName(p));
    if (old && old.kind !== 'special') throw new FsError('EEXIST', p);
    dir.children.set(baseName(p), { kind: 'special', node, mtimeMs: Date.now() });
  }

  setQuota(path: string, bytes: number): void {
    const p = normalizePath(path);
    this.mkdir(p, { recursive: true });
    if (!Number.isFinite(bytes)) this.quotaLimits.delete(p);
    else this.quotaLimits.set(p, Math.max(0, Math.floor(bytes)));
  }

  quotas(): ReadonlyMap<string, number> {
    return this.quotaLimits;
  }

  usage(path: string): number {
    const f = this.find(path);
    return f.at === 'static' ? this.sizeOf(f.entry) : 0;
  }

  private sizeOf(e: Entry): number {
    if (e.kind === 'file') return e.size;
    if (e.kind === 'special') return 0;
    let n = 0;
    for (const c of e.children.values()) n += this.sizeOf(c);
    return n;
  }

  /** Permission bits of a regular file or directory (SFTP SETSTAT, chmod); special nodes keep the kernel's mode. */
  chmod(path: string, mode: number): void {
    const p = normalizePath(path);
    const f = this.mustFind(p);
    if (f.at === 'dynamic' || f.entry.kind === 'special') throw new FsError('EPERM', p);
    f.entry.mode = mode & 0o7777;
  }
}
