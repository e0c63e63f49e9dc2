// Progress of a `hil` run: one line per finished test (board, suite › variant › test, duration, the board's counts).
import type { TestRecord } from '../reporting/types';

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  errors: number;
}

export const ZERO_COUNTS: Readonly<Counts> = { passed: 0, failed: 0, skipped: 0, errors: 0 };

const COLORS = { green: 32, red: 31, yellow: 33, magenta: 35, dim: 2 } as const;
type Color = keyof typeof COLORS;

const LABEL: Record<TestRecord['status'] | 'flaky', { text: string; color: Color }> = {
  passed: { text: 'PASS', color: 'green' },
  flaky: { text: 'FLAKY', color: 'yellow' },
  failed: { text: 'FAIL', color: 'red' },
  error: { text: 'ERROR', color: 'magenta' },
  skipped: { text: 'SKIP', color: 'yellow' },
};

/** `812 ms`, `5.0 s`, `2m 05s` */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

export function formatCounts(c: Counts): string {
  const parts = [`${c.passed} passed`, `${c.failed} failed`, `${c.skipped} skipped`];
  if (c.errors > 0) parts.push(`${c.errors} errors`);
  return parts.join(', ');
}

export function countRecord(c: Counts, r: Pick<TestRecord, 'status'>): Counts {
  const key = r.status === 'passed' ? 'passed' : r.status === 'failed' ? 'failed' : r.status === 'skipped' ? 'skipped' : 'errors';
  return { ...c, [key]: c[key] + 1 };
}

/** the first line of a failure message, short enough for a progress line */
function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

export interface ProgressOptions {
  /** where lines go (stdout, or stderr under --json) */
  write: (s: string) => void;
  /** colours when the stream is a terminal (and NO_COLOR is unset) */
  color: boolean;
  /** widest board name, so the board column lines up */
  boardWidth: number;
}

/** Prints progress lines and keeps per-board counts. */
export class Progress {
  private readonly counts = new Map<string, Counts>();

  constructor(private readonly o: ProgressOptions) {}

  private paint(color: Color, text: string): string {
    return this.o.color ? `\x1b[${COLORS[color]}m${text}\x1b[0m` : text;
  }

  countsOf(board: string): Counts {
    return this.counts.get(board) ?? { ...ZERO_COUNTS };
  }

  /** a board-level event: starting, jest running, finished, infrastructure trouble */
  note(board: string, text: string): void {
    this.o.write(`${this.paint('dim', `[${board}]`)} ${text}\n`);
  }

  /** one finished test */
  record(r: TestRecord): void {
    const counts = countRecord(this.countsOf(r.board), r);
    this.counts.set(r.board, counts);
    const label = LABEL[r.status === 'passed' && r.retries.length > 0 ? 'flaky' : r.status];
    const name = [r.suite, ...r.titlePath].join(' › ');
    const detail =
      r.status === 'skipped'
        ? r.skipReason
          ? ` — ${firstLine(r.skipReason)}`
          : ''
        : `  (${formatDuration(r.durationMs)}${r.retries.length > 0 ? `, ${r.retries.length} ${r.retries.length === 1 ? 'retry' : 'retries'}` : ''})`;
    const head = `${this.paint(label.color, label.text.padStart(5))}  ${r.board.padEnd(this.o.boardWidth)}  ${name}${detail}  ${this.paint('dim', `[${formatCounts(counts)}]`)}`;
    const why = r.failure && (r.status === 'failed' || r.status === 'error') ? `\n${' '.repeat(7)}${r.failure.code ? `${r.failure.code}: ` : ''}${firstLine(r.failure.message)}` : '';
    this.o.write(`${head}${why}\n`);
  }
}
