// /sys/class/devcoredump (remoteproc.md §5.2): devcdN/data reads the dump, any write frees it, a timer frees it too.
import type { DynamicDir, SpecialNode } from '../fs/types';

interface Dump {
  index: number;
  size: number;
  read: () => Uint8Array;
  timer: NodeJS.Timeout;
  onFree: () => void;
  onRead?: (bytes: number) => void;
  readOnce: boolean;
}

export interface DumpRequest {
  size: number;
  /** the dump's bytes (inline dumps read device memory at this moment) */
  read: () => Uint8Array;
  /** devcd free callback (inline recovery waits for it) */
  onFree?: () => void;
  /** called once when the whole file was read */
  onRead?: (bytes: number) => void;
}

export class DevCoredumps implements DynamicDir {
  private readonly dumps = new Map<number, Dump>();
  /** devcd_count is only ever incremented: the first dump is devcd1 */
  private count = 0;

  constructor(private readonly timeoutMs: () => number) {}

  /** dev_coredumpm(): returns the devcd index */
  add(req: DumpRequest): number {
    const index = ++this.count;
    const timer = setTimeout(() => this.free(index), this.timeoutMs());
    this.dumps.set(index, { index, size: req.size, read: req.read, timer, onFree: req.onFree ?? (() => {}), readOnce: false, onRead: req.onRead });
    return index;
  }

  list(rel: string): Array<{ name: string; dir: boolean }> | null {
    if (rel === '') return [{ name: 'disabled', dir: false }, ...[...this.dumps.keys()].map((i) => ({ name: `devcd${i}`, dir: true }))];
    const dump = this.dumpAt(rel);
    if (dump && !rel.includes('/')) return [{ name: 'data', dir: false }, { name: 'failing_device', dir: true }];
    if (dump && rel.endsWith('/failing_device')) return [];
    return null;
  }

  node(rel: string): SpecialNode | 'dir' | null {
    if (rel === '') return 'dir';
    if (rel === 'disabled') return { kind: 'attr', mode: 0o644, read: () => '0\n' };
    const found = this.dumpAt(rel);
    if (!found) return null;
    const dump = found;
    const [, leaf] = rel.split('/');
    if (leaf === undefined || leaf === 'failing_device') return 'dir';
    if (leaf !== 'data') return null;
    return {
      kind: 'attr',
      mode: 0o600,
      read: () => {
        const bytes = dump.read();
        if (!dump.readOnce) {
          dump.readOnce = true;
          dump.onRead?.(bytes.length);
        }
        return bytes;
      },
      write: () => this.free(dump.index),
    };
  }

  /** indices of the dumps that are still held */
  indices(): number[] {
    return [...this.dumps.keys()];
  }

  free(index: number): void {
    const dump = this.dumps.get(index);
    if (!dump) return;
    clearTimeout(dump.timer);
    this.dumps.delete(index);
    dump.onFree();
  }

  /** a reboot: every dump is gone; pending inline waits are released */
  clear(): void {
    for (const index of [...this.dumps.keys()]) this.free(index);
  }

  private dumpAt(rel: string): Dump | undefined {
    const m = /^devcd(\d+)(\/|$)/.exec(rel);
    return m ? this.dumps.get(Number(m[1])) : undefined;
  }
}
