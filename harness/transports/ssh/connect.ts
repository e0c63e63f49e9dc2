// Connects with bounded exponential backoff inside a total budget; only "not reachable yet" errors are retried.
import pRetry from 'p-retry';
import type { Client } from 'ssh2';
import { InfraError } from '../../errors';
import { messageOf } from '../message-of';
import { connectOnce, isRetryableConnectError, type AttemptOptions } from './connect-once';

export interface RetryPolicy {
  /** total time for all attempts and pauses */
  budgetMs: number;
  /** per-attempt handshake limit (clipped to what is left of the budget) */
  handshakeTimeoutMs: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export interface Connected {
  client: Client;
  attempts: number;
  /** the successful attempt: TCP connect + key exchange + login */
  handshakeMs: number;
}

export async function connectWithRetry(o: Omit<AttemptOptions, 'readyTimeoutMs'>, policy: RetryPolicy): Promise<Connected> {
  const started = performance.now();
  let attempts = 0;
  let attemptStarted = started;
  const where = `${o.target.user}@${o.target.host}:${o.target.port}`;
  try {
    const client = await pRetry(
      () => {
        attempts++;
        attemptStarted = performance.now();
        const left = Math.max(1, policy.budgetMs - (attemptStarted - started));
        return connectOnce({ ...o, readyTimeoutMs: Math.min(policy.handshakeTimeoutMs, left) });
      },
      {
        retries: Number.POSITIVE_INFINITY,
        factor: 2,
        minTimeout: policy.minDelayMs,
        maxTimeout: policy.maxDelayMs,
        maxRetryTime: policy.budgetMs,
        shouldRetry: ({ error }) => isRetryableConnectError(error),
      },
    );
    return { client, attempts, handshakeMs: performance.now() - attemptStarted };
  } catch (e) {
    if (!isRetryableConnectError(e)) throw e;
    const last = (e as InfraError).details.error;
    throw new InfraError(
      'E_TRANSPORT',
      `cannot connect to board ${o.board} (${where}) within ${policy.budgetMs} ms (${attempts} attempt${attempts === 1 ? '' : 's'}); ` +
        `last error: ${typeof last === 'string' ? last : messageOf(e)}. Is the board powered and its sshd running? (budget: profile timeouts.connect)`,
      { board: o.board, host: o.target.host, port: o.target.port, attempts, budgetMs: policy.budgetMs, reason: 'connect' },
      { cause: e },
    );
  }
}
