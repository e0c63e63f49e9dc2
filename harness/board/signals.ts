// Leave boards as found on SIGINT/SIGTERM: restore, release the lease, then let the signal end the process.
import type { Board } from './board';

/** the parts of `process` this needs (tests hand in their own emitter) */
export interface SignalTarget {
  on(signal: NodeJS.Signals, handler: (signal: NodeJS.Signals) => void): unknown;
  removeListener(signal: NodeJS.Signals, handler: (signal: NodeJS.Signals) => void): unknown;
  kill(pid: number, signal: NodeJS.Signals): unknown;
  listenerCount(signal: NodeJS.Signals): number;
  exit(code: number): unknown;
  pid: number;
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGTERM: 15 };

export interface SignalOptions {
  signals?: NodeJS.Signals[];
  target?: SignalTarget;
  /** told of each board that could not be restored or released (default: stderr) */
  onError?: (board: string, error: unknown) => void;
}

/** Installs the handlers; returns the function that removes them (call it once the run released the boards itself). */
export function releaseOnSignals(boards: Board[], opts: SignalOptions = {}): () => void {
  const target: SignalTarget = opts.target ?? process;
  const signals = opts.signals ?? ['SIGINT', 'SIGTERM'];
  const onError = opts.onError ?? ((board: string, e: unknown) => process.stderr.write(`rproc-hil: board ${board} was not left as found: ${e instanceof Error ? e.message : String(e)}\n`));
  let handling = false;
  const remove = (): void => {
    for (const s of signals) target.removeListener(s, handler);
  };
  function handler(signal: NodeJS.Signals): void {
    if (handling) return;
    handling = true;
    const held = boards.filter((b) => b.state === 'leased' || b.state === 'ready');
    void Promise.all(
      held.map((b) =>
        b.release().catch((e: unknown) => {
          onError(b.name, e);
        }),
      ),
    ).finally(() => {
      // with our handlers gone, the same signal takes its default action: the process ends as it would have;
      // if someone else still listens, that default is off, so exit with the shell's 128+N status instead
      remove();
      if (target.listenerCount(signal) > 0) target.exit(128 + (SIGNAL_NUMBERS[signal] ?? 0));
      else target.kill(target.pid, signal);
    });
  }
  for (const s of signals) target.on(s, handler);
  return remove;
}
