// The exit code of a `hil` run (DESIGN §4.3): interrupted, configuration, infrastructure, gate, pass; with the reason shown last.
import type { GateResult } from '../reporting/types';
import type { Counts } from './hil-progress';

export const HIL_EXIT = { passed: 0, failed: 1, usage: 2, infra: 3, sigint: 130, sigterm: 143 } as const;

/** How one board's jest process ended. */
export interface BoardEnd {
  board: string;
  /** the child's exit code; null when it was killed by a signal */
  exitCode: number | null;
  /** infra.json of the child: a board-level failure (exit 3) or a configuration error it found (exit 2) */
  infra?: { code: string; message: string };
  counts: Counts;
}

export interface ExitInput {
  boards: BoardEnd[];
  /** undefined when the gate could not run (no JUnit at all) */
  gate?: GateResult;
  /** the signal that interrupted the run */
  interrupted?: 'SIGINT' | 'SIGTERM';
}

export interface ExitDecision {
  code: number;
  /** one line for the end of the output */
  reason: string;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Why a board did not finish as a normal jest run (`short` names it, `text` says all), or undefined when it did. */
export function boardProblem(b: BoardEnd): { kind: 'usage' | 'infra'; short: string; text: string } | undefined {
  if (b.infra) return { kind: b.exitCode === HIL_EXIT.usage ? 'usage' : 'infra', short: b.infra.code, text: `${b.infra.code}: ${b.infra.message}` };
  if (b.exitCode === 0 || b.exitCode === 1) return undefined;
  if (b.exitCode === HIL_EXIT.usage) return { kind: 'usage', short: 'jest exit 2', text: 'its jest process reported a configuration error (exit 2, see its output above)' };
  const short = b.exitCode === null ? 'jest killed' : `jest exit ${b.exitCode}`;
  return { kind: 'infra', short, text: b.exitCode === null ? 'its jest process was killed by a signal' : `its jest process ended with exit code ${b.exitCode} (see its output above)` };
}

/**
 * Precedence: interrupted (130/143) > configuration found by a child (2) > infrastructure on any board (3) >
 * gate failed (1) > passed (0). Infrastructure wins over test failures: the run is incomplete, its verdict can't be trusted.
 */
export function decideExit(i: ExitInput): ExitDecision {
  if (i.interrupted) {
    return { code: i.interrupted === 'SIGINT' ? HIL_EXIT.sigint : HIL_EXIT.sigterm, reason: `interrupted by ${i.interrupted}: boards restored and released, partial results written` };
  }
  const problems = i.boards.flatMap((b) => {
    const p = boardProblem(b);
    return p ? [{ board: b.board, ...p }] : [];
  });
  const usage = problems.filter((p) => p.kind === 'usage');
  const list = (ps: typeof problems): string => ps.map((p) => `${p.board} (${p.short})`).join(', ');
  // the full messages were shown as each board ended; the last line only names them
  if (usage.length > 0) return { code: HIL_EXIT.usage, reason: `configuration error on ${list(usage)}, see the message above` };
  if (problems.length > 0) return { code: HIL_EXIT.infra, reason: `infrastructure error on ${list(problems)}, see the message above` };
  if (!i.gate) return { code: HIL_EXIT.infra, reason: 'infrastructure error: no JUnit was written, so the run could not be gated' };
  const g = i.gate;
  if (g.verdict === 'fail') {
    const parts = [
      g.newFailures.length > 0 ? plural(g.newFailures.length, 'new failure') : '',
      g.expired.length > 0 ? plural(g.expired.length, 'expired known failure') : '',
    ].filter((p) => p !== '');
    return { code: HIL_EXIT.failed, reason: `gate failed${parts.length > 0 ? `: ${parts.join(', ')}` : ''}` };
  }
  const total = i.boards.reduce((n, b) => n + b.counts.passed + b.counts.failed + b.counts.errors + b.counts.skipped, 0);
  if (total === 0) return { code: HIL_EXIT.passed, reason: 'passed, but no test ran: check the --suite and --variant filters' };
  if (g.knownFailures.length > 0) return { code: HIL_EXIT.passed, reason: `passed with ${plural(g.knownFailures.length, 'known failure')} (see the gate report above)` };
  return { code: HIL_EXIT.passed, reason: 'all tests passed' };
}
