// A pseudo-terminal pair made by socat: the harness opens `<stateDir>/console`, the board serves `console-board`.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tty from 'node:tty';
import { HilError } from '../../errors';
import type { SerialLink } from './link';
import { findExecutable } from '../host-tools';

/** Bytes the board keeps for a stalled reader before it starts dropping output (a real UART drops at once). */
const MAX_PENDING = 64 * 1024;
const SOCAT_READY_MS = 5000;

export class SocatMissingError extends HilError {
  constructor(cause?: unknown) {
    super('E_TOOL', 'socat is needed for the virtual board\'s pty console but was not found; install it with '
      + '`apt-get install --no-install-recommends socat`, or use the TCP console (--console tcp)', { tool: 'socat', package: 'socat' }, { cause });
  }
}

/**
 * socat runs under a small sh guard that kills it once our end of the guard's stdin pipe closes: on close(), and
 * also when this process dies without cleaning up (SIGKILL, crash), so no orphaned socat keeps the links alive.
 * The guard has its own process group, so a terminal's Ctrl-C reaches only this process, which then shuts down.
 */
const GUARD = 'trap "" INT; "$0" -d -d "$1" "$2" & s=$!; read x; kill $s 2>/dev/null; wait $s';

/** Starts socat with stable link names and opens the board side without blocking the event loop. */
export async function startPtyLink(stateDir: string, socatPath = 'socat'): Promise<SerialLink> {
  const socat = findExecutable(socatPath);
  if (socat === null) throw new SocatMissingError();
  const harnessPath = path.join(stateDir, 'console');
  const boardPath = path.join(stateDir, 'console-board');
  fs.mkdirSync(stateDir, { recursive: true });
  const child = spawn('sh', ['-c', GUARD, socat, `pty,raw,echo=0,link=${harnessPath}`, `pty,raw,echo=0,link=${boardPath}`], {
    stdio: ['pipe', 'ignore', 'pipe'],
    detached: true,
  });
  await waitForSocat(child);
  const C = fs.constants;
  // Reads go through a tty handle (event-driven); writes through a separate O_NONBLOCK descriptor, because a tty
  // WriteStream blocks the whole process once nobody drains the harness end.
  const readFd = fs.openSync(boardPath, C.O_RDWR | C.O_NOCTTY);
  const writeFd = fs.openSync(boardPath, C.O_WRONLY | C.O_NOCTTY | C.O_NONBLOCK);
  const reader = new tty.ReadStream(readFd);
  reader.setRawMode(true);
  const listeners: Array<(d: Uint8Array) => void> = [];
  reader.on('data', (d: Buffer) => listeners.forEach((cb) => cb(d)));
  reader.on('error', () => undefined); // socat exiting hangs the line up; close() reports nothing more

  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let retry: NodeJS.Timeout | null = null;
  let closed = false;
  const flush = (): void => {
    retry = null;
    while (pending.length > 0 && !closed) {
      const head = pending[0] as Buffer;
      let n: number;
      try {
        n = fs.writeSync(writeFd, head);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') break;
        pending = [];
        pendingBytes = 0;
        return;
      }
      pendingBytes -= n;
      if (n < head.length) pending[0] = head.subarray(n);
      else pending.shift();
    }
    if (pending.length > 0 && !closed) retry = setTimeout(flush, 20);
  };

  return {
    endpoint: { path: harnessPath },
    write(data) {
      if (closed) return;
      const buf = Buffer.from(data);
      if (pendingBytes + buf.length > MAX_PENDING) return;
      pending.push(buf);
      pendingBytes += buf.length;
      if (!retry) flush();
    },
    onInput(cb) {
      listeners.push(cb);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (retry) clearTimeout(retry);
      reader.destroy();
      try {
        fs.closeSync(writeFd);
      } catch {
        // already closed by a hang-up
      }
      await stopChild(child);
    },
  };
}

function waitForSocat(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => fail(new HilError('E_TOOL', `socat did not start its pty pair within ${SOCAT_READY_MS} ms: ${stderr.trim()}`)), SOCAT_READY_MS);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      killGroup(child, 'SIGKILL');
      reject(e);
    };
    child.on('error', fail);
    child.on('exit', (code) => fail(new HilError('E_TOOL', `socat exited (${code}) before its pty pair was ready: ${stderr.trim()}`)));
    child.stderr?.on('data', (b: Buffer) => {
      stderr += b.toString();
      const error = /socat\[\d+\] E (.*)/.exec(stderr);
      if (error) {
        fail(new HilError('E_TOOL', `socat could not make the console pty pair: ${error[1] ?? ''}`));
        return;
      }
      if (stderr.includes('starting data transfer loop')) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.removeAllListeners('error');
        child.on('error', () => undefined);
        child.stderr?.removeAllListeners('data');
        child.stderr?.resume();
        resolve();
      }
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Closing the guard's stdin makes it stop socat (which removes its links) and exit. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => killGroup(child, 'SIGKILL'), 2000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.stdin?.end();
  });
}
