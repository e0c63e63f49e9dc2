// A lease on the board itself, so two runners never share it whoever schedules them: acquire, heartbeat, release.
import * as os from 'node:os';
import { InfraError, UsageError } from '../errors';
import type { CommandRunner } from '../remoteproc';
import { describeHolder, LEASE_PATH, LeaseFile, parseLease, sameHolder, type LeaseRecord } from './lease-file';

export interface LeaseOptions {
  runner: CommandRunner;
  /** board name used in every message */
  board: string;
  /** who holds it, shown to whoever waits (default `$USER` or "rproc-hil") */
  owner?: string;
  host?: string;
  pid?: number;
  /** lifetime of one lease write; the heartbeat renews it (default 120 s) */
  ttlS?: number;
  /** renewal period (default a third of the lifetime) */
  heartbeatMs?: number;
  /** how long a lease held by someone else is waited for (`--lease-wait` / HIL_LEASE_WAIT_S, default 60 s; DESIGN §4.3) */
  leaseWaitS?: number;
  /** delay between looks at a held lease (default 1 s) */
  pollMs?: number;
  path?: string;
  /** budget of one lease command (default 10 s) */
  timeoutMs?: number;
  /** told when the heartbeat finds the lease taken by someone else */
  onLost?: (error: InfraError) => void;
}

export interface AcquireResult {
  record: LeaseRecord;
  /** the expired lease this acquire replaced, if any */
  tookOverFrom?: LeaseRecord;
}

export interface ReleaseResult {
  removed: boolean;
  /** when the lease was not ours any more: who holds it (never removed) */
  heldBy?: LeaseRecord;
}

/**
 * Seconds to wait for a held lease: `--lease-wait` if given, else HIL_LEASE_WAIT_S, else 60 (DESIGN §4.3).
 * A value that is not a non-negative number is a usage error naming where it came from.
 */
export function leaseWaitSeconds(flag: string | number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const [value, where] = flag !== undefined ? [String(flag), '--lease-wait'] : env.HIL_LEASE_WAIT_S !== undefined ? [env.HIL_LEASE_WAIT_S, 'HIL_LEASE_WAIT_S'] : ['60', 'the default'];
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new UsageError(`${where} is ${JSON.stringify(value)}; expected the number of seconds to wait for a board leased by another runner (e.g. 60, or 0 to fail at once)`, { where, value });
  }
  return n;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class BoardLease {
  readonly board: string;
  readonly path: string;
  private readonly file: LeaseFile;
  private readonly me: Omit<LeaseRecord, 'expiresAt'>;
  private readonly ttlMs: number;
  private readonly heartbeatMs: number;
  private readonly waitMs: number;
  private readonly pollMs: number;
  private readonly onLost: ((e: InfraError) => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private held: LeaseRecord | undefined;
  /** set when the heartbeat found the lease taken over */
  lost: InfraError | undefined;

  constructor(o: LeaseOptions) {
    this.board = o.board;
    this.path = o.path ?? LEASE_PATH;
    this.file = new LeaseFile(o.runner, o.board, this.path, o.timeoutMs);
    this.me = { owner: o.owner ?? process.env.USER ?? 'rproc-hil', host: o.host ?? os.hostname(), pid: o.pid ?? process.pid };
    this.ttlMs = (o.ttlS ?? 120) * 1000;
    this.heartbeatMs = o.heartbeatMs ?? Math.max(1, Math.floor(this.ttlMs / 3));
    this.waitMs = (o.leaseWaitS ?? 60) * 1000;
    this.pollMs = o.pollMs ?? 1000;
    this.onLost = o.onLost;
  }

  get record(): LeaseRecord | undefined {
    return this.held;
  }

  /** Takes the lease: free, expired or already ours; else waits up to leaseWaitS, then InfraError E_LEASE. */
  acquire(): Promise<AcquireResult> {
    return this.serial(async () => {
      const deadline = Date.now() + this.waitMs;
      for (;;) {
        const { boardNowMs, content } = await this.file.read();
        const current = parseLease(content);
        const expired = current !== undefined && Date.parse(current.expiresAt) <= boardNowMs;
        const ours = current !== undefined && sameHolder(current, { ...this.me, expiresAt: '' });
        const free = content === '' || expired || ours;
        if (free) {
          const next = this.next(boardNowMs);
          const r = await this.file.swap(content, JSON.stringify(next));
          if (r === 'done') {
            this.held = next;
            this.startHeartbeat();
            return expired && !ours && current ? { record: next, tookOverFrom: current } : { record: next };
          }
        }
        const left = deadline - Date.now();
        if (left <= 0) {
          throw free
            ? this.heldError(content, current, `the lock ${this.file.lockDir} stayed busy or the lease kept changing (if no runner uses the board, remove that directory)`)
            : this.heldError(content, current);
        }
        await sleep(Math.min(this.pollMs, left));
      }
    });
  }

  /** Pushes the expiry forward; recreates the lease if the board lost it (a reboot empties /run). */
  renew(): Promise<LeaseRecord> {
    return this.serial(async () => {
      for (let attempt = 0; ; attempt++) {
        const { boardNowMs, content } = await this.file.read();
        const current = parseLease(content);
        if (content !== '' && !(current && sameHolder(current, { ...this.me, expiresAt: '' }))) {
          this.stopHeartbeat();
          this.held = undefined;
          const holder = current ? describeHolder(current) : `an unreadable lease ${JSON.stringify(content.slice(0, 80))}`;
          this.lost = new InfraError('E_LEASE', `lease on board ${this.board} was lost: it is now held by ${holder}; this run no longer owns the board`, { board: this.board, holder: current });
          throw this.lost;
        }
        const next = this.next(boardNowMs);
        const r = await this.file.swap(content, JSON.stringify(next));
        if (r === 'done') {
          this.held = next;
          return next;
        }
        if (attempt >= 5) throw new InfraError('E_LEASE', `lease on board ${this.board} could not be renewed: the lock ${this.file.lockDir} stayed busy`, { board: this.board });
        await sleep(50);
      }
    });
  }

  /** Removes the lease if it is still ours; another owner's lease is never removed. */
  release(): Promise<ReleaseResult> {
    this.stopHeartbeat();
    return this.serial(async () => {
      for (let attempt = 0; ; attempt++) {
        const { content } = await this.file.read();
        const current = parseLease(content);
        if (content === '') {
          this.held = undefined;
          return { removed: false };
        }
        if (!current || !sameHolder(current, { ...this.me, expiresAt: '' })) {
          this.held = undefined;
          return current ? { removed: false, heldBy: current } : { removed: false };
        }
        const r = await this.file.swap(content, null);
        if (r === 'done') {
          this.held = undefined;
          return { removed: true };
        }
        if (attempt >= 5) throw new InfraError('E_LEASE', `lease on board ${this.board} could not be released: the lock ${this.file.lockDir} stayed busy`, { board: this.board });
        await sleep(50);
      }
    });
  }

  /** stops the heartbeat without touching the board (for a process that is going away anyway) */
  stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => {
      this.renew().catch((e: unknown) => {
        // a board that is rebooting misses a beat; only a lease taken by someone else ends the heartbeat
        if (e instanceof InfraError && e === this.lost) this.onLost?.(e);
      });
    }, this.heartbeatMs);
    this.heartbeat.unref();
  }

  private next(boardNowMs: number): LeaseRecord {
    return { ...this.me, expiresAt: new Date(boardNowMs + this.ttlMs).toISOString() };
  }

  private heldError(content: string, current: LeaseRecord | undefined, why?: string): InfraError {
    const waited = `waited ${this.waitMs / 1000} s (--lease-wait / HIL_LEASE_WAIT_S)`;
    if (why) return new InfraError('E_LEASE', `board ${this.board}: could not take the lease ${this.path}: ${why}; ${waited}`, { board: this.board });
    const holder = current
      ? `is leased by ${describeHolder(current)}`
      : `has a lease file ${this.path} this harness cannot read (${JSON.stringify(content.slice(0, 80))}); remove it by hand if no runner uses the board`;
    return new InfraError('E_LEASE', `board ${this.board} ${holder}; ${waited}. Wait for that run to end or raise --lease-wait`, { board: this.board, holder: current, content: content.slice(0, 200) });
  }

  private serial<T>(step: () => Promise<T>): Promise<T> {
    const run = this.queue.then(step, step);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
