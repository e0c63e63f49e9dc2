// The in-memory shape of a board's JUnit report, filled from jest-junit's file and/or records, then rendered once.
import type { TestStatus } from './types';

/** One earlier failed attempt of a test that jest retried. */
export interface Attempt {
  kind: 'failure' | 'error';
  message: string;
  type?: string;
}

export interface CaseModel {
  classname: string;
  name: string;
  /** `hil.id` */
  id: string;
  timeS: number;
  status: TestStatus;
  /** failed/error: one-line summary; skipped: the reason */
  message?: string;
  /** failed/error: the error code or class */
  type?: string;
  /** failed/error: the full text (stack, diff) */
  body?: string;
  /** failed attempts before the final one: flaky when status is passed */
  attempts: Attempt[];
  properties: Array<[string, string]>;
  /** attachment paths as written in `[[ATTACHMENT|...]]` lines; the first is the evidence index */
  attachments: string[];
  /** jest-junit's `file` attribute, kept when present */
  file?: string;
}

export interface SuiteModel {
  /** spec file base name, e.g. `rpmsg` */
  suite: string;
  timestamp?: string;
  properties: Array<[string, string]>;
  cases: CaseModel[];
  /** suite-level console output jest-junit wrote (includeConsoleOutput), kept as is */
  systemOut?: string;
  systemErr?: string;
}

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  errors: number;
}

export function countCases(cases: readonly CaseModel[]): Counts {
  const c: Counts = { passed: 0, failed: 0, skipped: 0, errors: 0 };
  for (const k of cases) {
    if (k.status === 'passed') c.passed++;
    else if (k.status === 'failed') c.failed++;
    else if (k.status === 'error') c.errors++;
    else c.skipped++;
  }
  return c;
}

/** First non-empty line, short enough for a `message` attribute. */
export function summaryLine(text: string): string {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
