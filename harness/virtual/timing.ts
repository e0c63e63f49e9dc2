// Modelled board latencies (start, exec, rpmsg per message): the virtual board imposes them and counts the time it imposed.
import { UsageError } from '../errors';

export interface TimingKnobs {
  /** `echo start > state` blocks this long before the core runs (rproc_boot: load, carveouts, release) */
  startMs: number;
  /** every command line the board runs (SSH exec, shell or console line) waits this long first */
  execMs: number;
  /** every rpmsg message, either direction, arrives this long after it was sent (IPCC + vring; messages in flight overlap) */
  rpmsgMs: number;
}

export type TimingKind = 'start' | 'exec' | 'rpmsg';

export const NO_TIMING: Readonly<TimingKnobs> = Object.freeze({ startMs: 0, execMs: 0, rpmsgMs: 0 });

/** An STM32MP1 board as issue 7 (b) models it: start 300 ms, exec 5 ms, rpmsg 0.2 ms per message. */
export const BOARD_TIMING: Readonly<TimingKnobs> = Object.freeze({ startMs: 300, execMs: 5, rpmsgMs: 0.2 });

export interface TimingTotals {
  /** modelled time the board was busy: the union of every imposed interval (overlapping commands count once) */
  busyMs: number;
  start: { count: number; ms: number };
  exec: { count: number; ms: number };
  rpmsg: { count: number; ms: number };
}

/** the environment variable a person sets to give boards started in this process a timing, e.g. `start=300,exec=5,rpmsg=0.2` */
export const TIMING_ENV = 'HIL_VIRTUAL_TIMING';
const MAX_MS = 60_000;
const KEYS: Record<string, keyof TimingKnobs> = { start: 'startMs', exec: 'execMs', rpmsg: 'rpmsgMs' };

/** `start=300,exec=5,rpmsg=0.2` (milliseconds; any subset; empty = none). */
export function parseTiming(text: string, where = 'timing'): Partial<TimingKnobs> {
  const knobs: Partial<TimingKnobs> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p.length > 0)) {
    const m = /^([a-z]+)=([0-9]+(?:\.[0-9]+)?)$/.exec(part);
    const key = m ? KEYS[m[1] ?? ''] : undefined;
    if (!m || !key) {
      throw new UsageError(`${where}: "${part}" is not NAME=MS with NAME one of start, exec, rpmsg (e.g. start=300,exec=5,rpmsg=0.2)`, { part });
    }
    knobs[key] = checkMs(key, Number(m[2]), where);
  }
  return knobs;
}

/** The timing `HIL_VIRTUAL_TIMING` asks for (none when unset). */
export function timingFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<TimingKnobs> {
  const text = env[TIMING_ENV];
  return text === undefined ? {} : parseTiming(text, TIMING_ENV);
}

function checkMs(key: keyof TimingKnobs, value: number, where: string): number {
  if (!Number.isFinite(value) || value < 0 || value > MAX_MS) {
    throw new UsageError(`${where}: ${key} must be a number of milliseconds from 0 to ${MAX_MS}, not ${value}`, { [key]: value });
  }
  return value;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A FIFO of callbacks, each run at its due time (sub-millisecond dues by yielding, since timers tick in whole ms). */
export class DelayLine {
  private queue: Array<{ due: number; run: () => void }> = [];
  private timer: { kind: 'timeout'; t: NodeJS.Timeout } | { kind: 'immediate'; t: NodeJS.Immediate } | null = null;

  constructor(private readonly clock: () => number = () => performance.now()) {}

  get size(): number {
    return this.queue.length;
  }

  /** dues must not decrease (equal latencies keep messages in order) */
  push(due: number, run: () => void): void {
    this.queue.push({ due, run });
    this.schedule();
  }

  /** what is still in flight is lost (the core stopped, the board rebooted) */
  drop(): void {
    this.queue = [];
    const timer = this.timer;
    this.timer = null;
    if (timer?.kind === 'timeout') clearTimeout(timer.t);
    else if (timer?.kind === 'immediate') clearImmediate(timer.t);
  }

  private schedule(): void {
    const head = this.queue[0];
    if (this.timer !== null || !head) return;
    const wait = head.due - this.clock();
    const fire = (): void => {
      this.timer = null;
      this.flush();
    };
    this.timer = wait >= 1 ? { kind: 'timeout', t: setTimeout(fire, Math.floor(wait)) } : { kind: 'immediate', t: setImmediate(fire) };
  }

  private flush(): void {
    const now = this.clock();
    try {
      while ((this.queue[0]?.due ?? Infinity) <= now) this.queue.shift()?.run();
    } finally {
      this.schedule();
    }
  }
}

export class BoardTiming {
  private knobs: TimingKnobs;
  readonly clock: () => number;
  private counts: TimingTotals = emptyTotals();
  /** end of the union of imposed intervals so far */
  private busyUntil = 0;

  constructor(knobs: Partial<TimingKnobs> = {}, clock: () => number = () => performance.now()) {
    this.knobs = { ...NO_TIMING };
    this.clock = clock;
    this.set(knobs);
  }

  get current(): Readonly<TimingKnobs> {
    return { ...this.knobs };
  }

  set(knobs: Partial<TimingKnobs>): void {
    for (const [key, value] of Object.entries(knobs) as Array<[keyof TimingKnobs, number | undefined]>) {
      if (value === undefined) continue;
      if (!(key in NO_TIMING)) throw new UsageError(`unknown timing knob "${key}"; knobs are: ${Object.keys(NO_TIMING).join(', ')}`);
      this.knobs[key] = checkMs(key, value, 'timing');
    }
  }

  /** Waits the modelled cost of one start or one command line (concurrent ones overlap); at once when that knob is 0. */
  async wait(kind: 'start' | 'exec'): Promise<void> {
    const ms = kind === 'start' ? this.knobs.startMs : this.knobs.execMs;
    if (ms <= 0) return;
    const now = this.clock();
    this.record(kind, now, ms);
    const due = now + ms;
    // timers have 1 ms resolution: sleep the whole part, yield for the rest, so the board is not slower than modelled
    await sleep(Math.floor(ms));
    while (this.clock() < due) await tick();
  }

  /** One rpmsg message sent now: when it arrives (and it is counted), or null when rpmsg has no modelled latency. */
  messageDue(): number | null {
    const ms = this.knobs.rpmsgMs;
    if (ms <= 0) return null;
    const now = this.clock();
    this.record('rpmsg', now, ms);
    return now + ms;
  }

  /** Runs `deliver` once a message sent now arrived on `line` (in order); at once when rpmsg has no latency and none waits. */
  carry(line: DelayLine, deliver: () => void): void {
    const due = this.messageDue();
    if (due === null && line.size === 0) deliver();
    else line.push(due ?? this.clock(), deliver);
  }

  totals(): TimingTotals {
    const c = this.counts;
    return { busyMs: c.busyMs, start: { ...c.start }, exec: { ...c.exec }, rpmsg: { ...c.rpmsg } };
  }

  /** Counting starts again from zero (the knobs stay). */
  resetTotals(): void {
    this.counts = emptyTotals();
    this.busyUntil = 0;
  }

  private record(kind: TimingKind, start: number, ms: number): void {
    const c = this.counts[kind];
    c.count += 1;
    c.ms += ms;
    const end = start + ms;
    if (end > this.busyUntil) {
      this.counts.busyMs += end - Math.max(start, this.busyUntil);
      this.busyUntil = end;
    }
  }
}

function emptyTotals(): TimingTotals {
  return { busyMs: 0, start: { count: 0, ms: 0 }, exec: { count: 0, ms: 0 }, rpmsg: { count: 0, ms: 0 } };
}
