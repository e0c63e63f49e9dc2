// Console lines that mean the board (or its coprocessor) died: a test should fail at once, not wait for a timeout.
export interface DeathPattern {
  name: string;
  pattern: RegExp;
}

/** Kernel panics and oopses, remoteproc crash reports (remoteproc.md §5.1: "crash detected in <name>: type ..."), boot-loader failures. */
export const DEFAULT_DEATH_PATTERNS: readonly DeathPattern[] = [
  { name: 'kernel-panic', pattern: /Kernel panic/ },
  { name: 'oops', pattern: /\bOops\b/ },
  { name: 'rproc-crash', pattern: /crash detected in/ },
  { name: 'boot-failed', pattern: /Boot failed/i },
];

export function deathIn(line: string, patterns: readonly DeathPattern[]): DeathPattern | undefined {
  return patterns.find((p) => p.pattern.test(line));
}
