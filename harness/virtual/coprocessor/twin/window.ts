// The twin's shared window: the machine's 16 MiB main RAM as a /dev/shm file, read and written at da - base (qemu-twin.md §1.2, §1.4).
import * as fs from 'node:fs';
import { InfraError, StateError } from '../../../errors';
import type { DeviceMemory } from './memory';
import { outOfRange, rangeInside } from './memory';

/** windows not yet removed: deleted when the harness exits without dispose() (QEMU itself dies by PDEATHSIG) */
const live = new Set<string>();
let exitHookInstalled = false;

function track(path: string): void {
  live.add(path);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const p of live) fs.rmSync(p, { force: true });
  });
}

export class SharedWindow implements DeviceMemory {
  private fd: number | null;

  private constructor(
    readonly path: string,
    readonly base: number,
    readonly size: number,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** create the backing file (sparse, exactly `size` bytes) before QEMU maps it with share=on */
  static create(path: string, base: number, size: number): SharedWindow {
    let fd: number;
    try {
      fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
      fs.ftruncateSync(fd, size);
    } catch (e) {
      throw new InfraError('E_IO', `cannot create the twin's shared window ${path}: ${(e as Error).message}`, { path }, { cause: e });
    }
    track(path);
    return new SharedWindow(path, base, size, fd);
  }

  contains(da: number, len: number): boolean {
    return rangeInside(this.base, this.size, da, len);
  }

  read(da: number, len: number): Buffer {
    if (!this.contains(da, len)) throw outOfRange('shared window read', this.base, this.size, da, len);
    const out = Buffer.alloc(len);
    let done = 0;
    while (done < len) {
      const n = fs.readSync(this.openFd(), out, done, len - done, da - this.base + done);
      if (n === 0) break; // past EOF of a sparse file reads as zeros, like the guest sees it
      done += n;
    }
    return out;
  }

  write(da: number, bytes: Uint8Array): void {
    if (!this.contains(da, bytes.length)) throw outOfRange('shared window write', this.base, this.size, da, bytes.length);
    let done = 0;
    while (done < bytes.length) {
      done += fs.writeSync(this.openFd(), bytes, done, bytes.length - done, da - this.base + done);
    }
  }

  /** close and delete the file; idempotent */
  remove(): void {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
    fs.rmSync(this.path, { force: true });
    live.delete(this.path);
  }

  private openFd(): number {
    if (this.fd === null) throw new StateError(`the twin's shared window ${this.path} was already removed`, { path: this.path });
    return this.fd;
  }
}
