// Shared fuzz budget and oracles: CI run counts (x HIL_FUZZ_FACTOR when HIL_FUZZ=deep), typed-errors-only, per-case time and heap bounds, hang watchdog.
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import type fc from 'fast-check';
import { HilError } from '../../harness/errors';

/** `HIL_FUZZ=deep` multiplies every run count by HIL_FUZZ_FACTOR (default 20); HIL_FUZZ_SEED replays a reported seed. */
export const DEEP = process.env.HIL_FUZZ === 'deep';
const FACTOR = Math.max(1, Number(process.env.HIL_FUZZ_FACTOR ?? 20) || 20);

export function runs(ci: number): number {
  return DEEP ? ci * FACTOR : ci;
}

/** fast-check parameters: the run count, and the seed from HIL_FUZZ_SEED when one is being replayed. */
export function params<T>(ci: number): fc.Parameters<T> {
  const seed = process.env.HIL_FUZZ_SEED;
  return { numRuns: runs(ci), ...(seed !== undefined && seed !== '' ? { seed: Number(seed) } : {}) };
}

/**
 * One case may take this long before it counts as a hang. It is a bound on pathological work (a loop driven by a
 * claimed count, regex backtracking), two orders of magnitude above what any case needs, not a speed measurement.
 */
export const CASE_BOUND_MS = DEEP ? 4000 : 2000;

export type Outcome = 'ok' | HilError['code'];

/**
 * Runs `fn`; a HilError with a stable code and a message is an allowed outcome, any other throw (RangeError,
 * TypeError, a plain Error) fails the case with the original error. `allowed` narrows the codes accepted.
 */
export function typedOnly(fn: () => unknown, allowed?: readonly HilError['code'][]): Outcome {
  const t0 = performance.now();
  let outcome: Outcome = 'ok';
  try {
    fn();
  } catch (e) {
    outcome = checkTyped(e, allowed);
  }
  checkDuration(performance.now() - t0);
  return outcome;
}

export async function typedOnlyAsync(fn: () => Promise<unknown>, allowed?: readonly HilError['code'][]): Promise<Outcome> {
  try {
    await fn();
    return 'ok';
  } catch (e) {
    return checkTyped(e, allowed);
  }
}

function checkTyped(e: unknown, allowed: readonly HilError['code'][] | undefined): HilError['code'] {
  if (!(e instanceof HilError)) throw e;
  if (typeof e.code !== 'string' || !/^E_[A-Z]+$/.test(e.code)) throw new Error(`a HilError without a stable code escaped: ${e.message}`, { cause: e });
  if (e.message.trim() === '') throw new Error(`a ${e.code} error escaped with an empty message`, { cause: e });
  if (allowed && !allowed.includes(e.code)) throw new Error(`${e.code} escaped where only ${allowed.join(', ')} may: ${e.message}`, { cause: e });
  return e.code;
}

function checkDuration(ms: number): void {
  if (ms > CASE_BOUND_MS) throw new Error(`one fuzz case took ${ms.toFixed(0)} ms (bound ${CASE_BOUND_MS} ms): pathological work on hostile input`);
}

/** A cheap assertion for hot fuzz loops (jest's expect costs more than the case itself). */
export function must(cond: boolean, what: string): void {
  if (!cond) throw new Error(`fuzz oracle violated: ${what}`);
}

/** V8's collector, exposed at run time so heap growth can be measured after garbage is gone. */
let collect: (() => void) | undefined;
export function gc(): void {
  if (!collect) {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  collect();
}

/** Bytes held by the JS heap plus ArrayBuffers (Uint8Array backing stores live outside the heap). */
export function heldBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * Runs `batch` (which must keep what it produced in the returned array, as a caller would), collects garbage, and
 * returns the bytes retained per case. A parser that allocates by a claimed size (0xffffffff entries) retains
 * megabytes per case; honest parsing retains a small multiple of the input.
 */
export function retainedPerCase<T>(cases: number, batch: () => T[]): { perCase: number; kept: T[] } {
  gc();
  const before = heldBytes();
  const kept = batch();
  gc();
  const after = heldBytes();
  return { perCase: Math.max(0, after - before) / cases, kept };
}

/**
 * Transient allocation of one synchronous call: growth of held bytes across the call with no collection in
 * between (V8 does not collect large objects mid-call unless pressed), so a claimed-size buffer shows up even when
 * it is dropped before returning.
 */
export function transientBytes(fn: () => unknown): number {
  gc();
  const before = heldBytes();
  try {
    fn();
  } catch {
    // the outcome is checked elsewhere; only the allocation matters here
  }
  return Math.max(0, heldBytes() - before);
}

/**
 * A synchronous infinite loop cannot be interrupted by jest's timeout. While armed, a watchdog thread checks that
 * `beat()` is called; after `hangMs` without one it prints which test and case hung and kills this process, so a
 * hang fails the run loudly instead of stalling CI.
 */
export class HangWatchdog {
  private readonly shared = new Int32Array(new SharedArrayBuffer(8));
  private worker: Worker | undefined;

  constructor(private readonly hangMs = DEEP ? 120_000 : 30_000) {}

  arm(label: string): void {
    const code = `
      const { workerData } = require('node:worker_threads');
      const fs = require('node:fs');
      const cells = new Int32Array(workerData.buf);
      let seen = -1, since = Date.now();
      setInterval(() => {
        const now = Atomics.load(cells, 0);
        if (now !== seen) { seen = now; since = Date.now(); return; }
        if (Date.now() - since > workerData.hangMs) {
          fs.writeSync(2, 'fuzz watchdog: "' + workerData.label + '" made no progress for ' + workerData.hangMs + ' ms at case ' + now + ' (a hang); killing the test process\\n');
          process.kill(process.pid, 'SIGKILL');
        }
      }, 500);
    `;
    this.disarm();
    Atomics.store(this.shared, 0, 0);
    this.worker = new Worker(code, { eval: true, workerData: { buf: this.shared.buffer, hangMs: this.hangMs, label } });
    this.worker.unref();
  }

  beat(): void {
    Atomics.add(this.shared, 0, 1);
  }

  disarm(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}

/** Counts outcomes so a test can show that its generator reached both accepted and refused inputs. */
export class Tally {
  readonly counts = new Map<string, number>();
  total = 0;

  add(o: string): void {
    this.total++;
    this.counts.set(o, (this.counts.get(o) ?? 0) + 1);
  }

  has(o: string): boolean {
    return (this.counts.get(o) ?? 0) > 0;
  }

  toString(): string {
    return [...this.counts].map(([k, n]) => `${k}=${n}`).join(' ');
  }
}
