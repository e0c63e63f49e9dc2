// Turns TestRecords into JUnit case models: the whole report when jest-junit's file is missing, and the facts that enrich it.
import { attachmentsFor, type AttachmentBase } from './attachments';
import { classnameOf, kindOfCode, TITLE_SEPARATOR } from './ids';
import { summaryLine, type Attempt, type CaseModel, type SuiteModel } from './model';
import type { TestRecord } from './types';

export interface CaseContext {
  outDir: string;
  board: string;
  attachmentBase: AttachmentBase;
}

export function caseFromRecord(r: TestRecord, ctx: CaseContext): CaseModel {
  const k: CaseModel = {
    classname: classnameOf(ctx.board, r.suite),
    name: r.titlePath.join(TITLE_SEPARATOR),
    id: r.id,
    timeS: r.durationMs / 1000,
    status: r.status,
    attempts: r.retries.map((x): Attempt => ({ kind: kindOfCode(x.code), message: x.message, type: x.code })),
    properties: Object.entries(r.properties).map(([name, value]) => [name, String(value)]),
    attachments: attachmentsFor(ctx.outDir, ctx.board, r.id, r.evidence, ctx.attachmentBase),
  };
  if (r.status === 'skipped') {
    if (r.skipReason !== undefined && r.skipReason !== '') k.message = r.skipReason;
  } else if (r.status === 'failed' || r.status === 'error') {
    const f = r.failure;
    const text = f?.stack !== undefined && f.stack.includes(f.message) ? f.stack : [f?.message, f?.stack].filter(Boolean).join('\n');
    k.body = text === '' ? `the test ${r.status === 'error' ? 'hit an infrastructure error' : 'failed'} (no message recorded)` : text;
    k.message = summaryLine(f?.message ?? k.body);
    k.type = f?.code ?? (r.status === 'error' ? 'infrastructure' : 'failure');
  }
  return k;
}

/** One testsuite per suite (spec file), in the order their first test ended. */
export function suitesFromRecords(records: readonly TestRecord[], ctx: CaseContext): SuiteModel[] {
  const bySuite = new Map<string, SuiteModel>();
  for (const r of records) {
    let s = bySuite.get(r.suite);
    if (s === undefined) {
      s = { suite: r.suite, timestamp: junitTimestamp(r.startedAt), properties: [], cases: [] };
      bySuite.set(r.suite, s);
    }
    s.cases.push(caseFromRecord(r, ctx));
  }
  return [...bySuite.values()];
}

/** JUnit timestamps are ISO 8601 without zone or fraction (`2026-11-25T19:27:44`), as jest-junit writes them. */
export function junitTimestamp(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString().slice(0, 19);
}
