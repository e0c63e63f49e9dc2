// Harness-side recovery from board faults (DESIGN §7): retry an idempotent step after a lost link, power-cycle a wedged kernel.
import { describeError, InfraError } from '../errors';

/** The error's stable code, read by property (errors may come from another realm: never instanceof). */
export function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function phaseOf(e: unknown): string | undefined {
  const phase = (e as { details?: { phase?: unknown } } | null)?.details?.phase;
  return typeof phase === 'string' ? phase : undefined;
}

/** The SSH link went away (dropped mid-command, or could not be re-established): E_TRANSPORT. */
export function isConnectionLost(e: unknown): boolean {
  return errorCode(e) === 'E_TRANSPORT';
}

/**
 * A kernel write to the rproc that never returned (`echo start > state` blocking past its budget): only a power cycle
 * brings such a board back, because the write holds the rproc lock (remoteproc.md §1.3: start/stop are synchronous).
 */
export function isWedged(e: unknown): boolean {
  return errorCode(e) === 'E_TIMEOUT' && /^remoteproc (start|stop|detach)\b/.test(phaseOf(e) ?? '');
}

export interface RetryOptions {
  board: string;
  /** true when running the step twice does what running it once does (reads, sha256, writing the same firmware name) */
  idempotent: boolean;
  /** runs after a dropped connection, the first included (default 2: one retry) */
  attempts?: number;
  /**
   * how long a board that refuses connections (rebooting: the transport's own connect budget ran out) is waited for,
   * counted from the first failure (default 60 s)
   */
  rebootBudgetMs?: number;
  /**
   * whether a refused connection may be a reboot worth waiting for (default always); e.g. only once the board was
   * reached in this run, so a board that is simply down fails within the transport's own connect budget
   */
  mayBeRebooting?: () => boolean;
  onRetry?: (error: unknown, attempt: number) => void;
}

function reasonOf(e: unknown): string | undefined {
  const reason = (e as { details?: { reason?: unknown } } | null)?.details?.reason;
  return typeof reason === 'string' ? reason : undefined;
}

/**
 * Runs `op`; when the connection is lost mid-step, an idempotent step runs again (the transport reconnects on the next
 * call, waiting out a reboot up to rebootBudgetMs), a non-idempotent one ends as an infrastructure error (E_TRANSPORT,
 * JUnit `<error>`) saying it was not retried. Test assertions are never retried: only E_TRANSPORT is (DESIGN §7).
 */
export async function retryIdempotent<T>(step: string, op: () => Promise<T>, o: RetryOptions): Promise<T> {
  const attempts = Math.max(1, o.attempts ?? 2);
  const rebootBudgetMs = o.rebootBudgetMs ?? 60_000;
  let firstFailure: number | undefined;
  let drops = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (e) {
      if (!isConnectionLost(e)) throw e;
      firstFailure ??= Date.now();
      if (!o.idempotent) {
        // refused outright, it never ran; still not repeated, as the board it would run on may have rebooted
        if (reasonOf(e) === 'connect') throw e;
        throw new InfraError(
          'E_TRANSPORT',
          `connection to board ${o.board} lost during "${step}", which is not safe to repeat (it may have taken effect), so it was not retried: ${describeError(e)}`,
          { board: o.board, step, retried: false },
          { cause: e },
        );
      }
      if (reasonOf(e) === 'connect') {
        // the transport spent its own connect budget: only a board that may be rebooting is waited for longer
        if (!(o.mayBeRebooting?.() ?? true)) throw e;
        if (Date.now() - firstFailure < rebootBudgetMs) {
          o.onRetry?.(e, attempt);
          await sleep(500);
          continue;
        }
        throw new InfraError('E_TRANSPORT', `"${step}" on board ${o.board} failed: the board did not accept connections for ${rebootBudgetMs} ms: ${describeError(e)}`, { board: o.board, step, retried: true, attempts: attempt, reason: 'connect' }, { cause: e });
      }
      drops++;
      if (drops >= attempts) {
        throw new InfraError('E_TRANSPORT', `"${step}" on board ${o.board} failed: the connection dropped on all ${attempts} runs: ${describeError(e)}`, { board: o.board, step, retried: true, attempts: attempt }, { cause: e });
      }
      o.onRetry?.(e, attempt);
    }
  }
}

export interface PowerCycleOptions {
  board: string;
  power: { cycle(): Promise<void> };
  /** one cheap command over the board's usual link (e.g. `runner.exec('true')`); retried until it answers */
  probe: () => Promise<unknown>;
  /** a reboot empties /run and with it the lease file: renew recreates it (BoardLease.renew) */
  lease?: { renew(): Promise<unknown> };
  /** everything after the cycle: boot + SSH back + lease (default 60 s) */
  budgetMs?: number;
  /** first pause between probes (default 250 ms, doubling up to 2 s) */
  retryDelayMs?: number;
}

export interface RecoveryReport {
  board: string;
  /** what made the power cycle necessary */
  cause: string;
  actions: string[];
  /** probes until the board answered again */
  probes: number;
  durationMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Power-cycles the board, waits (bounded backoff) until it answers over SSH again, then re-takes the lease. */
export async function powerCycleAndReconnect(o: PowerCycleOptions, cause: unknown): Promise<RecoveryReport> {
  const started = Date.now();
  const budgetMs = o.budgetMs ?? 60_000;
  const actions: string[] = [];
  await o.power.cycle();
  actions.push('power cycle');
  let delay = o.retryDelayMs ?? 250;
  let probes = 0;
  let last: unknown;
  for (;;) {
    probes++;
    try {
      await o.probe();
      break;
    } catch (e) {
      last = e;
    }
    const left = budgetMs - (Date.now() - started);
    if (left <= 0) {
      throw new InfraError(
        'E_TRANSPORT',
        `board ${o.board} did not answer within ${budgetMs} ms after a power cycle (${probes} tries); last error: ${describeError(last)}. Check its power switch and console`,
        { board: o.board, budgetMs, probes, reason: 'power cycle' },
        { cause: last },
      );
    }
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, 2000);
  }
  actions.push(`ssh back after ${probes} probe${probes === 1 ? '' : 's'}`);
  if (o.lease) {
    await o.lease.renew();
    actions.push('lease renewed');
  }
  return { board: o.board, cause: describeError(cause), actions, probes, durationMs: Date.now() - started };
}

/** The recovery as the evidence file `recovery.txt` a test that caused it carries. */
export function formatRecovery(r: RecoveryReport): string {
  return [`board ${r.board} was power-cycled after: ${r.cause}`, `actions: ${r.actions.join(', ')}`, `took ${r.durationMs} ms`, ''].join('\n');
}

/**
 * After a test ended with error `code`: is the board gone for the rest of the run (exit 3)? A host-key or lease error
 * always; a lost connection only when the board does not answer a probe any more: a drop the transport recovered from
 * is that one test's `<error>`, and the run goes on (DESIGN §4.3: exit 3 = connection lost and not regained).
 */
export async function boardStillLost(code: string | undefined, probe: () => Promise<unknown>): Promise<boolean> {
  if (code === 'E_HOSTKEY' || code === 'E_LEASE') return true;
  if (code !== 'E_TRANSPORT') return false;
  try {
    await probe();
    return false;
  } catch {
    return true;
  }
}

/** true once powerCycleIfWedged recovered the board from this error (so an outer handler does not cycle it again) */
export function wasPowerCycled(e: unknown): boolean {
  return (e as { details?: { powerCycled?: unknown } } | null)?.details?.powerCycled === true;
}

/**
 * Runs a kernel write (start, stop); when it wedges (isWedged), power-cycles the board and waits for it, then rethrows
 * the timeout (the test still fails, with the phase and budget) marked `details.powerCycled`; `onRecovered` gets the
 * report for the test's evidence. A failed power cycle is thrown instead: the board is gone (E_TRANSPORT).
 */
export async function powerCycleIfWedged<T>(op: () => Promise<T>, o: PowerCycleOptions & { onRecovered?: (r: RecoveryReport) => void }): Promise<T> {
  try {
    return await op();
  } catch (e) {
    if (!isWedged(e) || wasPowerCycled(e)) throw e;
    const report = await powerCycleAndReconnect(o, e);
    o.onRecovered?.(report);
    const details = (e as { details?: Record<string, unknown> }).details;
    if (details) details.powerCycled = true;
    throw e;
  }
}
