// Renders a board's SuiteModels as JUnit XML (Ant/Jenkins/GitLab shape plus Surefire's rerun elements; ci/junit.xsd).
import type { Document, Element } from '@xmldom/xmldom';
import { countCases, summaryLine, type CaseModel, type SuiteModel } from './model';
import { appendElement, clip, newDocument } from './xml';

/** GitLab caps a report at 30 MB; no single failure text needs more than this. */
const MAX_BODY = 64 * 1024;

export function renderBoard(board: string, suites: readonly SuiteModel[]): Document {
  const doc = newDocument('testsuites');
  const root = doc.documentElement as Element;
  const all = suites.flatMap((s) => s.cases);
  const c = countCases(all);
  root.setAttribute('name', `rproc-hil ${board}`);
  setCounts(root, all.length, c.failed, c.errors, c.skipped, totalTime(all));
  for (const s of suites) renderSuite(root, board, s);
  return doc;
}

export function setCounts(el: Element, tests: number, failures: number, errors: number, skipped: number, timeS: number): void {
  el.setAttribute('tests', String(tests));
  el.setAttribute('failures', String(failures));
  el.setAttribute('errors', String(errors));
  el.setAttribute('skipped', String(skipped));
  el.setAttribute('time', seconds(timeS));
}

function renderSuite(root: Element, board: string, s: SuiteModel): void {
  const c = countCases(s.cases);
  const el = appendElement(root, 'testsuite', { name: `${board}.${s.suite}` });
  setCounts(el, s.cases.length, c.failed, c.errors, c.skipped, totalTime(s.cases));
  if (s.timestamp !== undefined) el.setAttribute('timestamp', s.timestamp);
  renderProperties(el, s.properties);
  for (const k of s.cases) renderCase(el, k);
  if (s.systemOut !== undefined) appendElement(el, 'system-out', {}, s.systemOut);
  if (s.systemErr !== undefined) appendElement(el, 'system-err', {}, s.systemErr);
}

function renderProperties(parent: Element, props: ReadonlyArray<[string, string]>): void {
  if (props.length === 0) return;
  const el = appendElement(parent, 'properties');
  for (const [name, value] of props) appendElement(el, 'property', { name, value });
}

function renderCase(parent: Element, k: CaseModel): void {
  const el = appendElement(parent, 'testcase', { classname: k.classname, name: k.name, time: seconds(k.timeS), file: k.file });
  renderProperties(el, [['hil.id', k.id], ...(k.attempts.length > 0 ? [['hil.attempts', String(k.attempts.length + 1)] as [string, string]] : []), ...k.properties]);
  if (k.status === 'skipped') {
    appendElement(el, 'skipped', { message: k.message });
  } else if (k.status === 'failed' || k.status === 'error') {
    // the final outcome, then the earlier attempts (Surefire rerunFailure/rerunError: it failed every time)
    const body = clip(k.body ?? k.message ?? '', MAX_BODY);
    appendElement(el, k.status === 'error' ? 'error' : 'failure', { message: k.message ?? summaryLine(body), type: k.type ?? k.status }, body);
    for (const a of k.attempts) renderAttempt(el, a.kind === 'error' ? 'rerunError' : 'rerunFailure', a);
  } else {
    // passed only after failed attempts: one test case with Surefire flakyFailure/flakyError children
    for (const a of k.attempts) renderAttempt(el, a.kind === 'error' ? 'flakyError' : 'flakyFailure', a);
  }
  if (k.attachments.length > 0) appendElement(el, 'system-out', {}, k.attachments.map((a) => `[[ATTACHMENT|${a}]]`).join('\n'));
}

function renderAttempt(parent: Element, name: string, a: { message: string; type?: string; kind: string }): void {
  const el = appendElement(parent, name, { message: summaryLine(a.message), type: a.type ?? a.kind });
  appendElement(el, 'stackTrace', {}, clip(a.message, MAX_BODY));
}

function totalTime(cases: readonly CaseModel[]): number {
  return cases.reduce((t, k) => t + k.timeS, 0);
}

/** JUnit `time`: decimal seconds, millisecond resolution, never negative or NaN. */
export function seconds(s: number): string {
  return Number.isFinite(s) && s > 0 ? String(Math.round(s * 1000) / 1000) : '0';
}
