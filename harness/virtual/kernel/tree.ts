// A DynamicDir over a tree that is rebuilt from kernel state on every lookup (sysfs/debugfs entries come and go).
import { FsError, type DynamicDir, type SpecialNode } from '../fs/types';

export interface Tree {
  [name: string]: Tree | SpecialNode;
}

const isNode = (t: Tree | SpecialNode): t is SpecialNode =>
  (t as SpecialNode).kind === 'attr' || (t as SpecialNode).kind === 'chardev';

export class TreeDir implements DynamicDir {
  constructor(private readonly build: () => Tree) {}

  private at(rel: string): Tree | SpecialNode | null {
    let cur: Tree | SpecialNode = this.build();
    for (const part of rel.split('/').filter((p) => p !== '')) {
      if (isNode(cur) || !Object.prototype.hasOwnProperty.call(cur, part)) return null;
      const next: Tree | SpecialNode | undefined = cur[part];
      if (next === undefined) return null;
      cur = next;
    }
    return cur;
  }

  list(rel: string): Array<{ name: string; dir: boolean }> | null {
    const t = this.at(rel);
    if (t === null || isNode(t)) return null;
    return Object.entries(t).map(([name, v]) => ({ name, dir: !isNode(v) }));
  }

  node(rel: string): SpecialNode | 'dir' | null {
    const t = this.at(rel);
    if (t === null) return null;
    return isNode(t) ? t : 'dir';
  }
}

/** a read-only attribute */
export function ro(mode: number, read: () => string | Uint8Array): SpecialNode {
  return { kind: 'attr', mode, read };
}

/** a read/write debugfs file */
export function rw(mode: number, read: (() => string | Uint8Array) | undefined, write: (data: Uint8Array) => void | Promise<void>): SpecialNode {
  return read ? { kind: 'attr', mode, read, write } : { kind: 'attr', mode, write };
}

/** sysfs stores get one page at most (remoteproc.md §1.4, exact >4095 behaviour UNCONFIRMED): kernfs refuses longer writes with E2BIG */
const PAGE_SIZE = 4096;

/** a read/write sysfs attribute */
export function sysfsRw(path: string, read: () => string, write: (data: Uint8Array) => void | Promise<void>): SpecialNode {
  return {
    kind: 'attr',
    mode: 0o644,
    read,
    write: (data) => {
      if (data.byteLength > PAGE_SIZE) throw new FsError('E2BIG', path);
      return write(data);
    },
  };
}
