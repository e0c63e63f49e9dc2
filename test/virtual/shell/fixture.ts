// Test fixture: a MemFs with a few kernel-like nodes, a fake ShellHost, and a runner that collects stdout/stderr.
import { MemFs } from '../../../harness/virtual/fs/memfs';
import { FsError } from '../../../harness/virtual/fs/types';
import type { CharStream } from '../../../harness/virtual/fs/types';
import { Shell } from '../../../harness/virtual/shell/shell';
import type { ShellHost, ShellIO } from '../../../harness/virtual/shell/types';

export const dec = (b: Uint8Array | string): string => (typeof b === 'string' ? b : new TextDecoder().decode(b));

export function fakeHost(): ShellHost & { log: string[] } {
  const log = ['[    0.000000] Booting Linux on physical CPU 0x0', '[    1.234567] remoteproc remoteproc0: m4 is available'];
  return {
    log,
    dmesg(opts) {
      const out = log.map((l) => `${l}\n`).join('');
      if (opts?.clear) log.length = 0;
      return out;
    },
    uname: { sysname: 'Linux', nodename: 'stm32mp1', release: '6.6.48', version: '#1 SMP PREEMPT Thu Jan 1 00:00:00 UTC 2026', machine: 'armv7l' },
  };
}

/** An rpmsg-tty-like device that echoes every write back; `hangUp()` ends every open stream. */
export function echoDevice(): { open(): CharStream; hangUp(): void; push(text: string): void; opened: number; readers(): number } {
  const listeners = new Set<(c: Uint8Array | null) => void>();
  const dev = {
    opened: 0,
    open(): CharStream {
      dev.opened++;
      let cb: ((c: Uint8Array | null) => void) | null = null;
      return {
        onData: (f) => {
          cb = f;
          listeners.add(f);
        },
        write: async (d) => {
          const copy = new Uint8Array(d);
          setImmediate(() => listeners.forEach((l) => l(copy)));
        },
        close: () => {
          if (cb) listeners.delete(cb);
        },
      };
    },
    hangUp() {
      listeners.forEach((l) => l(null));
      listeners.clear();
    },
    push(text: string) {
      listeners.forEach((l) => l(new TextEncoder().encode(text)));
    },
    /** streams opened and not yet closed */
    readers: () => listeners.size,
  };
  return dev;
}

export interface Board {
  fs: MemFs;
  host: ReturnType<typeof fakeHost>;
  tty: ReturnType<typeof echoDevice>;
  stateWrites: string[];
  /** error the state attribute throws on write (null = accept) */
  stateError: { errno: 'EBUSY' | 'EINVAL' | null };
}

export function board(): Board {
  const fs = new MemFs();
  const host = fakeHost();
  const tty = echoDevice();
  const stateWrites: string[] = [];
  const stateError: Board['stateError'] = { errno: null };
  const rp = '/sys/class/remoteproc/remoteproc0';
  fs.setSpecial(`${rp}/state`, {
    kind: 'attr',
    mode: 0o644,
    read: () => 'offline\n',
    write: (d) => {
      if (stateError.errno) throw new FsError(stateError.errno, `${rp}/state`);
      stateWrites.push(dec(d));
    },
  });
  fs.setSpecial(`${rp}/name`, { kind: 'attr', mode: 0o444, read: () => 'm4\n' });
  fs.setSpecial('/sys/kernel/debug/remoteproc/remoteproc0/crash', { kind: 'attr', mode: 0o200, write: () => undefined });
  fs.setSpecial('/dev/ttyRPMSG0', { kind: 'chardev', mode: 0o600, open: () => tty.open() });
  return { fs, host, tty, stateWrites, stateError };
}

export interface RunResult {
  out: string;
  err: string;
  code: number;
}

export async function run(b: Board, script: string, extra: Partial<ShellIO> = {}, shell?: Shell): Promise<RunResult> {
  let out = '';
  let err = '';
  const sh = shell ?? new Shell({ fs: b.fs, host: b.host, mode: 'c' });
  const code = await sh.run(script, {
    stdin: null,
    stdout: (c) => (out += dec(c)),
    stderr: (c) => (err += dec(c)),
    ...extra,
  });
  return { out, err, code };
}

export async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const p of parts) yield new TextEncoder().encode(p);
}
