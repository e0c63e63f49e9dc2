// SIGINT/SIGTERM during a `hil` run: the first one aborts (children restore and release their boards), later ones only say so.

export type StopSignal = 'SIGINT' | 'SIGTERM';

export interface SignalWatch {
  /** the first signal received, undefined while none was */
  readonly received: StopSignal | undefined;
  /** aborted on the first signal: handed to every board's jest process */
  readonly abort: AbortSignal;
  dispose(): void;
}

/**
 * Listens on `source` (process, or an emitter in tests). While installed, Node's default "exit at once" on SIGINT is off,
 * so the run can wait for its children to leave the boards as found.
 */
export function watchSignals(source: NodeJS.EventEmitter, onSignal: (sig: StopSignal, first: boolean) => void): SignalWatch {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  const handler = (sig: StopSignal) => (): void => {
    const first = received === undefined;
    received ??= sig;
    onSignal(sig, first);
    if (first) controller.abort(sig);
  };
  const onInt = handler('SIGINT');
  const onTerm = handler('SIGTERM');
  source.on('SIGINT', onInt);
  source.on('SIGTERM', onTerm);
  return {
    get received() {
      return received;
    },
    abort: controller.signal,
    dispose() {
      source.off('SIGINT', onInt);
      source.off('SIGTERM', onTerm);
    },
  };
}
