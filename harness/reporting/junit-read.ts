// Reads the outcome of every test case back out of a merged junit.xml (for the gate and for summaries).
import type { Element } from '@xmldom/xmldom';
import { summaryLine } from './model';
import type { BoardSummary, TestStatus } from './types';
import { childElements, firstChild, readXmlFile } from './xml';

export interface JunitCase {
  board: string;
  /** `hil.id`, or `classname/name` for a case that has none */
  id: string;
  status: TestStatus;
  /** passed after failed attempts (`<flakyFailure>`/`<flakyError>` children) */
  flaky: boolean;
  /** the failure message, or for a flaky case the first failed attempt's message */
  message?: string;
  /** how many attempts failed before the final one */
  failedAttempts: number;
}

export interface JunitSuiteInfo {
  board: string;
  soc: string;
  kernel: string;
  cases: JunitCase[];
}

export function readJunitSuites(file: string): JunitSuiteInfo[] {
  const root = readXmlFile(file).documentElement as Element;
  const suites = root.nodeName === 'testsuite' ? [root] : childElements(root, 'testsuite');
  return suites.map((ts) => {
    const props = propertiesOf(ts);
    const cases = childElements(ts, 'testcase').map((tc) => readCase(tc, props.get('board')));
    return { board: props.get('board') ?? cases[0]?.board ?? '', soc: props.get('soc') ?? '', kernel: props.get('kernel') ?? '', cases };
  });
}

export function readJunitCases(file: string): JunitCase[] {
  return readJunitSuites(file).flatMap((s) => s.cases);
}

/** Per-board counts as summary.json has them, for a run whose summary.json is missing. */
export function boardSummariesOf(suites: readonly JunitSuiteInfo[], junit: string): BoardSummary[] {
  const byBoard = new Map<string, BoardSummary>();
  for (const s of suites) {
    const b = byBoard.get(s.board) ?? { board: s.board, soc: s.soc, kernel: s.kernel, passed: 0, failed: 0, skipped: 0, errors: 0, junit };
    for (const c of s.cases) {
      if (c.status === 'passed') b.passed++;
      else if (c.status === 'failed') b.failed++;
      else if (c.status === 'error') b.errors++;
      else b.skipped++;
    }
    byBoard.set(s.board, b);
  }
  return [...byBoard.values()];
}

function propertiesOf(el: Element): Map<string, string> {
  const out = new Map<string, string>();
  const props = firstChild(el, 'properties');
  if (props === undefined) return out;
  for (const p of childElements(props, 'property')) {
    const name = p.getAttribute('name');
    if (name) out.set(name, p.getAttribute('value') ?? p.textContent ?? '');
  }
  return out;
}

function readCase(tc: Element, suiteBoard: string | undefined): JunitCase {
  const classname = tc.getAttribute('classname') ?? '';
  const name = tc.getAttribute('name') ?? '';
  const id = propertiesOf(tc).get('hil.id') ?? `${classname}/${name}`;
  const board = suiteBoard ?? classname.split('.')[0] ?? '';
  const failure = firstChild(tc, 'failure');
  const error = firstChild(tc, 'error');
  const flakies = [...childElements(tc, 'flakyFailure'), ...childElements(tc, 'flakyError')];
  const reruns = [...childElements(tc, 'rerunFailure'), ...childElements(tc, 'rerunError')];
  const outcome = error ?? failure;
  if (outcome !== undefined) {
    return {
      board, id, status: outcome === error ? 'error' : 'failed', flaky: false, failedAttempts: reruns.length,
      message: outcome.getAttribute('message') || summaryLine(outcome.textContent ?? ''),
    };
  }
  if (firstChild(tc, 'skipped') !== undefined) return { board, id, status: 'skipped', flaky: false, failedAttempts: 0 };
  const first = flakies[0];
  return {
    board, id, status: 'passed', flaky: flakies.length > 0, failedAttempts: flakies.length,
    message: first === undefined ? undefined : first.getAttribute('message') || summaryLine(first.textContent ?? ''),
  };
}
