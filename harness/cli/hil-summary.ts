// The table that closes a `hil` run: per board passed/failed/skipped/errors, wall time and JUnit file, then a total.
import { formatDuration } from './hil-progress';

export interface BoardRow {
  board: string;
  passed: number;
  failed: number;
  skipped: number;
  errors: number;
  wallMs: number;
  /** JUnit path relative to the run dir, or '-' when none was written */
  junit: string;
  /** why the board did not finish normally (infrastructure, interrupted) */
  note?: string;
}

const HEAD = ['board', 'passed', 'failed', 'skipped', 'errors', 'wall', 'junit'] as const;
/** numeric columns are right-aligned */
const RIGHT = new Set([1, 2, 3, 4, 5]);

function cells(r: BoardRow): string[] {
  return [r.board, String(r.passed), String(r.failed), String(r.skipped), String(r.errors), formatDuration(r.wallMs), r.junit];
}

export function formatSummaryTable(rows: BoardRow[]): string {
  const body = rows.map(cells);
  if (rows.length > 1) {
    const sum = (k: 'passed' | 'failed' | 'skipped' | 'errors'): number => rows.reduce((n, r) => n + r[k], 0);
    // boards run in parallel: the run's wall time is the longest board's
    body.push(['total', String(sum('passed')), String(sum('failed')), String(sum('skipped')), String(sum('errors')), formatDuration(Math.max(...rows.map((r) => r.wallMs))), 'junit.xml']);
  }
  const table = [[...HEAD], ...body];
  const widths = HEAD.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]): string =>
    row
      .map((c, i) => (RIGHT.has(i) ? c.padStart(widths[i] ?? 0) : i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = table.map(line);
  if (rows.length > 1) out.splice(out.length - 1, 0, '-'.repeat(Math.max(...out.map((l) => l.length))));
  const notes = rows.filter((r) => r.note !== undefined).map((r) => `${r.board}: ${r.note ?? ''}`);
  return `${out.join('\n')}\n${notes.map((n) => `${n}\n`).join('')}`;
}
