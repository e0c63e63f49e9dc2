// Control flow that unwinds the interpreter: `exit`, `break`/`continue`, and bash's statuses for signals.

export class ExitSignal {
  constructor(readonly code: number) {}
}

export class LoopSignal {
  constructor(
    readonly kind: 'break' | 'continue',
    public levels: number,
  ) {}
}

/** Bash's exit status for a command killed by a signal (128 + signal number). */
export const SIGNAL_STATUS = { INT: 130, KILL: 137, TERM: 143, PIPE: 141 } as const;
