// Runs one operation inside its phase budget; on timeout, ends it and says the phase, budget, board and what was last seen.
import { InfraError } from '../../errors';

/** `run` gets `abandoned()` so late steps (a channel that opens after the deadline) can clean up after themselves. */
export function withPhaseTimeout<T>(
  board: string,
  phase: string,
  budget: number,
  run: (abandoned: () => boolean) => Promise<T>,
  lastSeen: () => string,
  onTimeout: () => void,
): Promise<T> {
  let timedOut = false;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      timedOut = true;
      const seen = lastSeen();
      onTimeout();
      reject(new InfraError('E_TIMEOUT', `${phase} timed out after ${budget} ms on ${board}; ${seen}`, { board, phase, budgetMs: budget, lastSeen: seen }));
    }, budget);
    run(() => timedOut).then(
      (v) => {
        clearTimeout(timer);
        if (!timedOut) resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        if (!timedOut) reject(e);
      },
    );
  });
}
