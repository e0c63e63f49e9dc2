// The release gate: new failures and expired known failures fail it; known failures warn; flaky and fixed are reported.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../errors';
import { readJunitCases, type JunitCase } from './junit-read';
import { entryMatches, isExpired } from './known-failures';
import type { GateFinding, GateResult, KnownFailure } from './types';

export interface GateOptions {
  outDir: string;
  knownFailures?: KnownFailure[];
  now?: Date;
}

/** Judges `<outDir>/junit.xml`. */
export function runGate(o: GateOptions): GateResult {
  return gateCases(readJunitCases(junitOf(o.outDir)), o.knownFailures ?? [], o.now ?? new Date());
}

/** `<dir>/junit.xml`, with a message that says what a run directory is when it is not one. */
export function junitOf(outDir: string): string {
  const file = path.join(outDir, 'junit.xml');
  if (!fs.existsSync(file)) {
    const why = fs.existsSync(outDir) ? 'has no junit.xml' : 'does not exist';
    throw new InputError('E_IO', `${outDir} ${why}: give the run directory that npm run hil wrote (results/<run-id>/)`, { file });
  }
  return file;
}

export function gateCases(cases: readonly JunitCase[], known: readonly KnownFailure[], now: Date): GateResult {
  const g: GateResult = { verdict: 'pass', newFailures: [], knownFailures: [], expired: [], fixed: [], flaky: [] };
  if (cases.length === 0) {
    // a release gate that tested nothing must not say "pass"
    g.newFailures.push({ board: '*', id: '(no test cases)', message: 'the JUnit report holds no test case: nothing was tested' });
  }
  for (const c of cases) {
    if (c.flaky) g.flaky.push(finding(c, `passed after ${c.failedAttempts} failed attempt${c.failedAttempts === 1 ? '' : 's'}: ${c.message ?? ''}`.trim()));
    if (c.status !== 'failed' && c.status !== 'error') continue;
    const matching = known.filter((e) => entryMatches(e, c.board, c.id));
    const live = matching.find((e) => !isExpired(e, now));
    const expired = matching.find((e) => isExpired(e, now));
    if (live !== undefined) g.knownFailures.push({ ...finding(c, c.message), entry: live });
    else if (expired !== undefined) g.expired.push({ ...finding(c, c.message), entry: expired });
    else g.newFailures.push(finding(c, infraPrefix(c) + (c.message ?? '')));
  }
  g.fixed = fixedEntries(cases, known);
  g.verdict = g.newFailures.length > 0 || g.expired.length > 0 ? 'fail' : 'pass';
  return g;
}

/**
 * Entries whose tests ran and all passed cleanly in this run: the failure is gone, so the entry should go too.
 * A flaky pass does not count as fixed, and an entry whose tests did not run (skipped, filtered out) says nothing.
 */
function fixedEntries(cases: readonly JunitCase[], known: readonly KnownFailure[]): GateFinding[] {
  const out: GateFinding[] = [];
  for (const entry of known) {
    const ran = cases.filter((c) => c.status !== 'skipped' && entryMatches(entry, c.board, c.id));
    if (ran.length === 0 || ran.some((c) => c.status !== 'passed' || c.flaky)) continue;
    const boards = [...new Set(ran.map((c) => c.board))].join(', ');
    const n = ran.length;
    out.push({ board: entry.board, id: entry.id, entry, message: `${n} matching test${n === 1 ? '' : 's'} passed on ${boards}: remove the entry` });
  }
  return out;
}

function finding(c: JunitCase, message: string | undefined): GateFinding {
  return message === undefined || message === '' ? { board: c.board, id: c.id } : { board: c.board, id: c.id, message };
}

function infraPrefix(c: JunitCase): string {
  return c.status === 'error' ? 'infrastructure error: ' : '';
}
