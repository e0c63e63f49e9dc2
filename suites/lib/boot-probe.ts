// Small board probes of the boot and resource-table suites: refused writes read by `code`, bounded polls, leave offline.
import type { RemoteprocDriver } from '../../harness/remoteproc';

/** What a refused sysfs write told us; read by field, never by `instanceof` (the error comes from the outer realm). */
export interface Refusal {
  code: string;
  errno: number | undefined;
  errnoName: string | undefined;
  /** raw dmesg lines logged since the write began */
  dmesg: string[];
  message: string;
}

export function asRefusal(e: unknown): Refusal {
  const o = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
  return {
    code: typeof o.code === 'string' ? o.code : 'E_UNKNOWN',
    errno: typeof o.errno === 'number' ? o.errno : undefined,
    errnoName: typeof o.errnoName === 'string' ? o.errnoName : undefined,
    dmesg: Array.isArray(o.dmesg) ? o.dmesg.filter((l): l is string => typeof l === 'string') : [],
    message: typeof o.message === 'string' ? o.message : String(e),
  };
}

/** undefined when `p` resolves; the refusal when it rejects with a kernel error (anything else is re-thrown). */
export async function refusal(p: Promise<unknown>): Promise<Refusal | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    const r = asRefusal(e);
    // only a refused write is an answer; a lost link or a timeout stays an infrastructure error
    if (r.code !== 'E_REMOTE' || r.errno === undefined) throw e;
    return r;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `probe` until `done(value)` or the budget ends; returns the last value either way (the caller asserts on it,
 * so a miss shows what the board had instead of a bare timeout).
 */
export async function pollFor<T>(probe: () => Promise<T>, done: (v: T) => boolean, budgetMs: number, everyMs = 50): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (;;) {
    const v = await probe();
    if (done(v) || Date.now() >= deadline) return v;
    await sleep(everyMs);
  }
}

/**
 * How long a suite keeps looking after the expected count was reached, so a firmware that announces one channel
 * too many is caught. Announcements arrive asynchronously after the start (remoteproc.md §1.3); the test firmware
 * sends them as soon as the host sets DRIVER_OK (firmware.md §1.7), so one arriving later than this is not counted.
 */
export const SETTLE_MS = 300;

/** stop until offline: a refcounted kernel (>= 5.19) needs one stop per start (remoteproc.md §1.3). */
export async function stopUntilOffline(rp: RemoteprocDriver, maxStops = 4): Promise<string> {
  let state: string = await rp.state();
  for (let i = 0; i < maxStops && (state === 'running' || state === 'attached'); i++) {
    await rp.stop();
    state = await rp.state();
  }
  return state;
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
