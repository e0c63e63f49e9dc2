// mergeJunit: every board's `junit-<board>.xml` into one `<out>/junit.xml` (one `<testsuites>`, totals recomputed).
import * as path from 'node:path';
import type { Element } from '@xmldom/xmldom';
import { setCounts } from './render';
import { childElements, newDocument, readXmlFile, writeXmlFile } from './xml';

/** Board files may be given relative to the run directory or absolute; returns the merged file's path. */
export function mergeJunit(outDir: string, boardJunits: string[]): string {
  const doc = newDocument('testsuites');
  const root = doc.documentElement as Element;
  root.setAttribute('name', 'rproc-hil');
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 };
  for (const file of boardJunits) {
    const full = path.resolve(outDir, file);
    const board = readXmlFile(full).documentElement as Element;
    const suites = board.nodeName === 'testsuite' ? [board] : childElements(board, 'testsuite');
    for (const ts of suites) {
      totals.tests += count(ts, 'tests');
      totals.failures += count(ts, 'failures');
      totals.errors += count(ts, 'errors');
      totals.skipped += count(ts, 'skipped');
      totals.time += Number(ts.getAttribute('time') ?? '0') || 0;
      root.appendChild(doc.importNode(ts, true));
    }
  }
  setCounts(root, totals.tests, totals.failures, totals.errors, totals.skipped, totals.time);
  const out = path.join(path.resolve(outDir), 'junit.xml');
  writeXmlFile(out, doc);
  return out;
}

function count(el: Element, attr: string): number {
  const n = Number(el.getAttribute(attr) ?? '0');
  return Number.isInteger(n) && n >= 0 ? n : 0;
}
