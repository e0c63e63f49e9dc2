// Reads jest-junit 17's XML (classNameTemplate {classname}, titleTemplate {title}) and merges each case with its TestRecord.
import type { Document, Element } from '@xmldom/xmldom';
import { caseFromRecord, junitTimestamp, type CaseContext } from './from-records';
import { classnameOf, INFRA_CODES, suiteOfSpecPath, testId, TITLE_SEPARATOR } from './ids';
import { summaryLine, type CaseModel, type SuiteModel } from './model';
import type { TestRecord, TestStatus } from './types';
import { childElements, firstChild } from './xml';

/** jest-junit's classname for a spec file that threw while loading (reportTestSuiteErrors). */
const SUITE_ERROR_CLASSNAME = 'Test suite failed to run';

/** A `<testcase>` as jest-junit wrote it. */
interface RawCase {
  /** describe titles joined with " › " ('' for top-level tests and hook failures) */
  classname: string;
  name: string;
  timeS: number;
  status: TestStatus;
  message?: string;
  body?: string;
  code?: string;
  file?: string;
}

export interface JestJunitContext extends CaseContext {
  /** planned variant names: an outermost describe with one of these names is the test id's variant */
  variants: ReadonlySet<string>;
}

export function suitesFromJestJunit(doc: Document, records: readonly TestRecord[], ctx: JestJunitContext): SuiteModel[] {
  const pool = new RecordPool(records);
  const bySuite = new Map<string, SuiteModel>();
  const suiteFor = (name: string, timestamp?: string): SuiteModel => {
    let s = bySuite.get(name);
    if (s === undefined) {
      s = { suite: name, timestamp, properties: [], cases: [] };
      bySuite.set(name, s);
    }
    return s;
  };
  const root = doc.documentElement as Element;
  const testsuites = root.nodeName === 'testsuite' ? [root] : childElements(root, 'testsuite');
  for (const ts of testsuites) {
    const raws = dropSuiteErrorDuplicates(childElements(ts, 'testcase').map(rawCase));
    const tsName = ts.getAttribute('name') ?? '';
    const suite = suiteOfSpecPath(tsName) ?? raws.map((r) => (r.classname === SUITE_ERROR_CLASSNAME ? suiteOfSpecPath(r.name) : undefined)).find(Boolean)
      ?? pool.vote(raws.map(keyOf)) ?? (tsName.trim() === '' ? 'unknown' : tsName.trim());
    const stamp = ts.getAttribute('timestamp') ?? '';
    const model = suiteFor(suite, stamp === '' || stamp.startsWith('1970-') ? undefined : stamp);
    for (const raw of raws) model.cases.push(mergeCase(raw, pool.take(suite, keyOf(raw)), suite, ctx));
    const out = firstChild(ts, 'system-out')?.textContent;
    const err = firstChild(ts, 'system-err')?.textContent;
    if (out) model.systemOut = out;
    if (err) model.systemErr = err;
  }
  // tests the harness recorded but jest-junit left out (e.g. retried tests, jest-junit#157): the records are the truth
  for (const r of pool.rest()) suiteFor(r.suite, junitTimestamp(r.startedAt)).cases.push(caseFromRecord(r, ctx));
  return [...bySuite.values()];
}

function rawCase(el: Element): RawCase {
  const raw: RawCase = {
    classname: el.getAttribute('classname') ?? '',
    name: el.getAttribute('name') ?? '',
    timeS: Number(el.getAttribute('time') ?? '0') || 0,
    status: 'passed',
    file: el.getAttribute('file') || undefined,
  };
  const failure = firstChild(el, 'failure');
  const error = firstChild(el, 'error');
  const skipped = firstChild(el, 'skipped');
  const outcome = error ?? failure;
  if (outcome !== undefined) {
    raw.status = outcome === error ? 'error' : 'failed';
    const text = outcome.textContent ?? '';
    const hook = hookFailure(text);
    raw.body = hook?.text ?? text;
    raw.code = hook?.code;
    // jest's load-failure text opens with a "● Test suite failed to run" banner: the message is the line after it
    raw.message = outcome.getAttribute('message') || summaryLine(raw.body.replace(/^\s*● Test suite failed to run\s*\n/, ''));
    if (raw.code !== undefined && INFRA_CODES.has(raw.code)) raw.status = 'error';
  } else if (skipped !== undefined) {
    raw.status = 'skipped';
    raw.message = skipped.getAttribute('message') || undefined;
  }
  return raw;
}

/** jest-junit writes a hook failure ("Test execution failure ...") as JSON of the error: show its stack as text. */
function hookFailure(text: string): { text: string; code?: string } | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const e = JSON.parse(text) as { message?: unknown; stack?: unknown; code?: unknown };
    const parts = [e.stack, e.message].filter((x): x is string => typeof x === 'string' && x !== '');
    return { text: parts[0] ?? 'jest reported a failure without a message', code: typeof e.code === 'string' ? e.code : undefined };
  } catch {
    return undefined;
  }
}

/** jest-junit 17 writes a load failure twice: once as `<error>`, once as an empty `<failure>{}`; keep the first. */
function dropSuiteErrorDuplicates(raws: RawCase[]): RawCase[] {
  const seen = new Set<string>();
  return raws.filter((r) => {
    if (r.classname !== SUITE_ERROR_CLASSNAME) return true;
    if (seen.has(r.name)) return false;
    seen.add(r.name);
    return true;
  });
}

function keyOf(raw: RawCase): string {
  if (raw.classname === '' || raw.classname === SUITE_ERROR_CLASSNAME) return raw.name;
  return `${raw.classname}${TITLE_SEPARATOR}${raw.name}`;
}

function mergeCase(raw: RawCase, record: TestRecord | undefined, suite: string, ctx: JestJunitContext): CaseModel {
  if (record === undefined) return caseFromRaw(raw, suite, ctx);
  const k = caseFromRecord(record, ctx);
  k.file = raw.file;
  if (raw.timeS > 0) k.timeS = raw.timeS;
  const jestFailed = raw.status === 'failed' || raw.status === 'error';
  if (jestFailed && (k.status === 'passed' || k.status === 'skipped')) {
    // e.g. an afterEach hook failed after the harness wrote the record: jest's verdict stands
    Object.assign(k, { status: raw.status, message: raw.message, body: raw.body, type: raw.code ?? outcomeType(raw.status) });
  } else if (jestFailed && (k.body === undefined || k.body.endsWith('(no message recorded)'))) {
    k.body = raw.body;
    k.message = raw.message;
  } else if (k.status === 'skipped' && k.message === undefined) {
    k.message = raw.message;
  }
  return k;
}

function caseFromRaw(raw: RawCase, suite: string, ctx: JestJunitContext): CaseModel {
  const suiteError = raw.classname === SUITE_ERROR_CLASSNAME;
  const titles = suiteError || raw.classname === '' ? [] : raw.classname.split(TITLE_SEPARATOR);
  const title = suiteError ? SUITE_ERROR_CLASSNAME : raw.name;
  const variant = titles[0] !== undefined && ctx.variants.has(titles[0]) ? titles[0] : '_';
  return {
    classname: classnameOf(ctx.board, suite),
    name: [...titles, title].join(TITLE_SEPARATOR),
    id: testId(suite, variant, title),
    timeS: raw.timeS,
    // jest-junit writes a spec file that threw while loading as <error>; the cause is the suite's code, not the farm
    status: suiteError ? 'failed' : raw.status,
    message: raw.message,
    body: raw.body,
    type: raw.status === 'failed' || raw.status === 'error' ? (raw.code ?? (suiteError ? 'suite-load' : outcomeType(raw.status))) : undefined,
    attempts: [],
    properties: [],
    attachments: [],
    file: raw.file ?? (suiteError ? raw.name : undefined),
  };
}

function outcomeType(status: TestStatus): string {
  return status === 'error' ? 'error' : 'failure';
}

/** The board's records, looked up by suite and title path; each record is used once. */
class RecordPool {
  private readonly byKey = new Map<string, TestRecord[]>();
  private readonly used = new Set<TestRecord>();

  constructor(private readonly records: readonly TestRecord[]) {
    for (const r of records) {
      const key = r.titlePath.join(TITLE_SEPARATOR);
      this.byKey.set(key, [...(this.byKey.get(key) ?? []), r]);
    }
  }

  /** The suite whose unused records match most of these case keys (testsuite names do not say which file they are). */
  vote(keys: readonly string[]): string | undefined {
    const score = new Map<string, number>();
    for (const key of keys) {
      const suites = new Set((this.byKey.get(key) ?? []).filter((r) => !this.used.has(r)).map((r) => r.suite));
      for (const s of suites) score.set(s, (score.get(s) ?? 0) + 1);
    }
    let best: string | undefined;
    let bestScore = 0;
    for (const [s, n] of score) if (n > bestScore) [best, bestScore] = [s, n];
    return best;
  }

  take(suite: string, key: string): TestRecord | undefined {
    const r = (this.byKey.get(key) ?? []).find((x) => x.suite === suite && !this.used.has(x));
    if (r !== undefined) this.used.add(r);
    return r;
  }

  rest(): TestRecord[] {
    return this.records.filter((r) => !this.used.has(r));
  }
}
