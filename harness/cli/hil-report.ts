// After the boards' jest processes: per-board JUnit, merged junit.xml, the gate and summary.json (CONTRACT-6 flow step 4).
import * as path from 'node:path';
import { finalizeBoard, mergeJunit, runGate, writeSummary } from '../reporting';
import type { BoardSummary, GateResult, KnownFailure, RunSummary } from '../reporting/types';
import type { SessionSpec } from '../jest/types';
import { boardProblem, type BoardEnd } from './hil-exit';
import { ZERO_COUNTS } from './hil-progress';
import { firmwareOf } from './hil-session';
import type { BoardRow } from './hil-summary';

export interface FinishedBoard {
  spec: SessionSpec;
  end: BoardEnd;
  wallMs: number;
  /** set when the board never got a jest process (the run was interrupted first) */
  note?: string;
}

export interface RunReport {
  rows: BoardRow[];
  /** counts per board from the finalized JUnit (the records can miss what jest-junit saw, e.g. a suite that failed to load) */
  ends: BoardEnd[];
  gate?: GateResult;
  summary?: RunSummary;
  /** reporting problems (a board's JUnit could not be written): shown, and they make the run an infrastructure error */
  problems: string[];
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function reportRun(o: {
  outDir: string;
  runId: string;
  startedAt: Date;
  boards: FinishedBoard[];
  knownFailures?: KnownFailure[];
  harnessVersion: string;
}): RunReport {
  const rows: BoardRow[] = [];
  const ends: BoardEnd[] = [];
  const summaries: BoardSummary[] = [];
  const junits: string[] = [];
  const problems: string[] = [];
  for (const b of o.boards) {
    const { spec } = b;
    const problem = boardProblem(b.end);
    const note = b.note ?? (problem ? `${problem.kind === 'usage' ? 'configuration' : 'infrastructure'} error ${problem.short} (message above)` : undefined);
    try {
      const f = finalizeBoard({
        outDir: o.outDir,
        board: spec.board,
        soc: spec.profile.soc,
        kernel: spec.profile.kernel.release,
        compatible: spec.profile.compatible[0] ?? '',
        firmware: firmwareOf(spec.firmwareDir, spec.variants),
        harnessVersion: o.harnessVersion,
      });
      junits.push(f.junitPath);
      const junit = path.relative(o.outDir, f.junitPath);
      rows.push({ board: spec.board, ...f.counts, wallMs: b.wallMs, junit, ...(note !== undefined ? { note } : {}) });
      ends.push({ ...b.end, counts: f.counts });
      summaries.push({ board: spec.board, soc: spec.profile.soc, kernel: spec.profile.kernel.release, ...f.counts, junit });
    } catch (e) {
      problems.push(`${spec.board}: its JUnit could not be written: ${messageOf(e)}`);
      rows.push({ board: spec.board, ...b.end.counts, wallMs: b.wallMs, junit: '-', note: note ?? `no JUnit: ${messageOf(e)}` });
      ends.push(b.end);
    }
  }
  if (junits.length === 0) return { rows, ends, problems };
  try {
    mergeJunit(o.outDir, junits);
    const gate = runGate({ outDir: o.outDir, ...(o.knownFailures ? { knownFailures: o.knownFailures } : {}) });
    const summary: RunSummary = { run: { id: o.runId, startedAt: o.startedAt.toISOString(), durationMs: Date.now() - o.startedAt.getTime() }, boards: summaries, gate };
    writeSummary(o.outDir, summary);
    return { rows, ends, gate, summary, problems };
  } catch (e) {
    problems.push(`the merged JUnit or summary could not be written: ${messageOf(e)}`);
    return { rows, ends, problems };
  }
}

/** A board that has no jest process to wait for. */
export function notRun(spec: SessionSpec, wallMs: number, note: string): FinishedBoard {
  return { spec, end: { board: spec.board, exitCode: 0, counts: { ...ZERO_COUNTS } }, wallMs, note };
}
