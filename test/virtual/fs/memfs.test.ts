// MemFs: plain files and dirs, sysfs-like special nodes, dynamic subtrees, quotas, and Linux errno semantics.
import { MemFs } from '../../../harness/virtual/fs/memfs';
import { FsError } from '../../../harness/virtual/fs/types';
import type { CharStream, DynamicDir, SpecialNode } from '../../../harness/virtual/fs/types';
import { strerror, errnoNumber } from '../../../harness/virtual/fs/errno';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

function errnoOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof FsError) return e.errno;
    throw e;
  }
  return 'no error';
}

async function errnoOfAsync(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof FsError) return e.errno;
    throw e;
  }
  return 'no error';
}

describe('MemFs regular files and directories', () => {
  test('a new board has /root, /tmp, /lib/firmware and /dev/null', () => {
    const fs = new MemFs();
    expect(fs.stat('/root')?.type).toBe('dir');
    expect(fs.stat('/tmp')?.type).toBe('dir');
    expect(fs.stat('/lib/firmware')?.type).toBe('dir');
    expect(fs.stat('/dev/null')?.type).toBe('chardev');
  });

  test('write, append, read back, stat size and mode', async () => {
    const fs = new MemFs();
    await fs.writeFile('/tmp/a', bytes('hello'));
    await fs.writeFile('/tmp/a', bytes(' world'), { append: true });
    expect(text(await fs.readFile('/tmp/a'))).toBe('hello world');
    expect(fs.stat('/tmp/a')).toMatchObject({ type: 'file', size: 11, mode: 0o644 });
    await fs.writeFile('/tmp/a', bytes('x'));
    expect(text(await fs.readFile('/tmp/a'))).toBe('x');
  });

  test('paths are normalised (.., ., double slashes)', async () => {
    const fs = new MemFs();
    await fs.writeFile('//tmp/./x/../b', bytes('1'));
    expect(fs.readdir('/tmp')).toEqual(['b']);
  });

  test('errors carry Linux errno names', async () => {
    const fs = new MemFs();
    await fs.writeFile('/tmp/f', bytes('1'));
    fs.mkdir('/tmp/d');
    await fs.writeFile('/tmp/d/x', bytes('1'));
    expect(await errnoOfAsync(fs.readFile('/nope'))).toBe('ENOENT');
    expect(await errnoOfAsync(fs.readFile('/tmp'))).toBe('EISDIR');
    expect(await errnoOfAsync(fs.writeFile('/tmp', bytes('x')))).toBe('EISDIR');
    expect(await errnoOfAsync(fs.writeFile('/no/dir/f', bytes('x')))).toBe('ENOENT');
    expect(await errnoOfAsync(fs.readFile('/tmp/f/x'))).toBe('ENOTDIR');
    expect(errnoOf(() => fs.readdir('/tmp/f'))).toBe('ENOTDIR');
    expect(errnoOf(() => fs.mkdir('/tmp/d'))).toBe('EEXIST');
    expect(errnoOf(() => fs.mkdir('/a/b/c'))).toBe('ENOENT');
    expect(errnoOf(() => fs.rmdir('/tmp/d'))).toBe('ENOTEMPTY');
    expect(errnoOf(() => fs.unlink('/tmp/d'))).toBe('EISDIR');
    expect(errnoOf(() => fs.rmdir('/tmp/f'))).toBe('ENOTDIR');
    expect(errnoOf(() => fs.unlink('/tmp/nope'))).toBe('ENOENT');
    expect(errnoOf(() => fs.rename('/tmp/d', '/tmp/d/inside'))).toBe('EINVAL');
  });

  test('mkdir -p creates parents and accepts an existing dir', () => {
    const fs = new MemFs();
    fs.mkdir('/a/b/c', { recursive: true });
    fs.mkdir('/a/b/c', { recursive: true });
    expect(fs.stat('/a/b/c')?.type).toBe('dir');
  });

  test('rename moves files and replaces an existing file', async () => {
    const fs = new MemFs();
    await fs.writeFile('/tmp/a', bytes('A'));
    await fs.writeFile('/tmp/b', bytes('B'));
    fs.rename('/tmp/a', '/tmp/b');
    expect(fs.stat('/tmp/a')).toBeNull();
    expect(text(await fs.readFile('/tmp/b'))).toBe('A');
  });

  test('strerror and errno numbers match glibc/Linux', () => {
    expect(strerror('EBUSY')).toBe('Device or resource busy');
    expect(strerror('ENOSPC')).toBe('No space left on device');
    expect(errnoNumber('EBUSY')).toBe(16);
    expect(errnoNumber('EINVAL')).toBe(22);
  });
});

describe('MemFs special nodes (sysfs attributes, char devices)', () => {
  test('an attr write calls node.write exactly once per write, with no truncation side effect', async () => {
    const fs = new MemFs();
    const writes: string[] = [];
    fs.setSpecial('/sys/class/remoteproc/remoteproc0/state', { kind: 'attr', mode: 0o644, read: () => 'offline\n', write: (d) => void writes.push(text(d)) });
    await fs.writeFile('/sys/class/remoteproc/remoteproc0/state', bytes('start\n'));
    await fs.writeFile('/sys/class/remoteproc/remoteproc0/state', bytes('stop\n'), { append: true });
    expect(writes).toEqual(['start\n', 'stop\n']);
    expect(text(await fs.readFile('/sys/class/remoteproc/remoteproc0/state'))).toBe('offline\n');
    expect(fs.stat('/sys/class/remoteproc/remoteproc0/state')).toMatchObject({ type: 'attr', size: 4096, mode: 0o644 });
  });

  test('the error a node throws reaches the writer unchanged', async () => {
    const fs = new MemFs();
    fs.setSpecial('/sys/x', { kind: 'attr', mode: 0o644, read: () => '', write: () => { throw new FsError('EBUSY', '/sys/x'); } });
    expect(await errnoOfAsync(fs.writeFile('/sys/x', bytes('start')))).toBe('EBUSY');
  });

  test('read of a write-only attr and write of a read-only attr are EACCES (kernfs refuses the open)', async () => {
    const fs = new MemFs();
    fs.setSpecial('/sys/wo', { kind: 'attr', mode: 0o200, write: () => undefined });
    fs.setSpecial('/sys/ro', { kind: 'attr', mode: 0o444, read: () => 'm4\n' });
    expect(await errnoOfAsync(fs.readFile('/sys/wo'))).toBe('EACCES');
    expect(await errnoOfAsync(fs.writeFile('/sys/ro', bytes('x')))).toBe('EACCES');
  });

  test('special nodes cannot be removed by the user; setSpecial(null) removes them', async () => {
    const fs = new MemFs();
    fs.setSpecial('/sys/a', { kind: 'attr', mode: 0o444, read: () => 'x' });
    expect(errnoOf(() => fs.unlink('/sys/a'))).toBe('EPERM');
    fs.setSpecial('/sys/a', null);
    expect(fs.stat('/sys/a')).toBeNull();
  });

  test('openChar streams a char device; regular files are not char devices', async () => {
    const fs = new MemFs();
    let cb: ((c: Uint8Array | null) => void) | null = null;
    const stream: CharStream = { onData: (f) => (cb = f), write: async () => undefined, close: () => undefined };
    fs.setSpecial('/dev/ttyRPMSG0', { kind: 'chardev', mode: 0o600, open: () => stream });
    const got: Array<string | null> = [];
    fs.openChar('/dev/ttyRPMSG0').onData((c) => got.push(c === null ? null : text(c)));
    (cb as unknown as (c: Uint8Array | null) => void)(bytes('pong\n'));
    expect(got).toEqual(['pong\n']);
    await fs.writeFile('/tmp/f', bytes(''));
    expect(errnoOf(() => fs.openChar('/tmp/f'))).toBe('ENODEV');
  });
});

describe('MemFs dynamic subtrees', () => {
  const node: SpecialNode = { kind: 'attr', mode: 0o444, read: () => 'm4\n' };
  const dyn: DynamicDir = {
    list: (rel) => (rel === '' ? [{ name: 'remoteproc0', dir: true }] : rel === 'remoteproc0' ? [{ name: 'name', dir: false }] : null),
    node: (rel) => (rel === '' || rel === 'remoteproc0' ? 'dir' : rel === 'remoteproc0/name' ? node : null),
  };

  test('list/stat/read go to the provider; the mount point shows in its parent', async () => {
    const fs = new MemFs();
    fs.mountDynamic('/sys/class/remoteproc', dyn);
    expect(fs.readdir('/sys/class')).toEqual(['remoteproc']);
    expect(fs.readdir('/sys/class/remoteproc')).toEqual(['remoteproc0']);
    expect(fs.stat('/sys/class/remoteproc/remoteproc0')?.type).toBe('dir');
    expect(text(await fs.readFile('/sys/class/remoteproc/remoteproc0/name'))).toBe('m4\n');
    expect(fs.stat('/sys/class/remoteproc/remoteproc1')).toBeNull();
  });

  test('users cannot create files or dirs inside a kernel-owned tree', async () => {
    const fs = new MemFs();
    fs.mountDynamic('/sys/class/remoteproc', dyn);
    expect(await errnoOfAsync(fs.writeFile('/sys/class/remoteproc/new', bytes('x')))).toBe('EACCES');
    expect(errnoOf(() => fs.mkdir('/sys/class/remoteproc/d'))).toBe('EPERM');
    expect(errnoOf(() => fs.rmdir('/sys/class/remoteproc'))).toBe('EBUSY');
  });
});

describe('MemFs quotas (fill /lib/firmware)', () => {
  test('a write beyond the quota keeps the bytes that fit and fails ENOSPC', async () => {
    const fs = new MemFs();
    fs.setQuota('/lib/firmware', 10);
    await fs.writeFile('/lib/firmware/a.elf', bytes('123456'));
    expect(await errnoOfAsync(fs.writeFile('/lib/firmware/b.elf', bytes('abcdefgh')))).toBe('ENOSPC');
    expect(text(await fs.readFile('/lib/firmware/b.elf'))).toBe('abcd');
    expect(fs.usage('/lib/firmware')).toBe(10);
    expect(await errnoOfAsync(fs.writeFile('/lib/firmware/b.elf', bytes('z'), { append: true }))).toBe('ENOSPC');
    await fs.writeFile('/tmp/outside', bytes('no quota here, any size'));
  });

  test('truncating a file frees its bytes for the rewrite', async () => {
    const fs = new MemFs();
    fs.setQuota('/lib/firmware', 8);
    await fs.writeFile('/lib/firmware/fw.elf', bytes('12345678'));
    await fs.writeFile('/lib/firmware/fw.elf', bytes('abcdefgh'));
    expect(text(await fs.readFile('/lib/firmware/fw.elf'))).toBe('abcdefgh');
  });

  test('moving a file into a full tree fails ENOSPC and leaves it where it was', async () => {
    const fs = new MemFs();
    fs.setQuota('/lib/firmware', 4);
    await fs.writeFile('/tmp/big', bytes('123456'));
    expect(errnoOf(() => fs.rename('/tmp/big', '/lib/firmware/big'))).toBe('ENOSPC');
    expect(fs.stat('/tmp/big')?.size).toBe(6);
  });

  test('setQuota(Infinity) lifts the limit', async () => {
    const fs = new MemFs();
    fs.setQuota('/lib/firmware', 1);
    fs.setQuota('/lib/firmware', Infinity);
    await fs.writeFile('/lib/firmware/x', bytes('plenty'));
    expect(fs.usage('/lib/firmware')).toBe(6);
  });
});
