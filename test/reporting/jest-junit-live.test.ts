// Runs real jest + jest-junit on the fixture specs: the committed fixture still matches what jest-junit writes today,
// and finalizeBoard turns the live file into a report that validates against ci/junit.xsd.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import type { Element } from '@xmldom/xmldom';
import { finalizeBoard } from '../../harness/reporting';
import { describeWithTools, TOOLS } from '../helpers/tools';
import { boardInfo, FIXTURES, JEST_JUNIT_17, makeRunDir, removeRunDir, validate } from './run-dir';

const BOARD = 'virtual-mp157';
let outDir: string;
let live: string;

beforeAll(() => {
  outDir = makeRunDir({ boards: [BOARD], jestJunit: false });
  const work = path.join(outDir, '.work', BOARD);
  const jest = path.resolve(__dirname, '../../node_modules/jest/bin/jest.js');
  try {
    execFileSync(process.execPath, [jest, '--config', path.join(FIXTURES, 'jest.fixture.config.js'), '--runInBand', '--ci'], {
      cwd: path.resolve(__dirname, '../..'), env: { ...process.env, FIXTURE_JUNIT_DIR: work }, stdio: 'pipe',
    });
  } catch {
    // the fixture specs fail on purpose (exit 1); the JUnit file is what matters
  }
  live = path.join(work, 'jest-junit.xml');
}, 60000);
afterAll(() => removeRunDir(outDir));

/** (testsuite name, classname, name, outcome element) of every case: the shape finalizeBoard relies on. */
function shape(file: string): string[] {
  const doc = new DOMParser({ onError: () => undefined }).parseFromString(fs.readFileSync(file, 'utf8'), 'text/xml');
  const out: string[] = [];
  const cases = doc.getElementsByTagName('testcase');
  for (let i = 0; i < cases.length; i++) {
    const tc = cases.item(i) as Element;
    const suite = (tc.parentNode as Element).getAttribute('name');
    let outcome = 'passed';
    for (let n = tc.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) outcome = n.nodeName;
    out.push(`${suite} | ${tc.getAttribute('classname')} | ${tc.getAttribute('name')} | ${outcome}`);
  }
  return out;
}

test('jest-junit writes the structure the committed fixture has (classname = describe path, name = title)', () => {
  expect(fs.existsSync(live)).toBe(true);
  expect(shape(live)).toEqual(shape(JEST_JUNIT_17));
});

test('the live file enriches to the same counts as the fixture', () => {
  const r = finalizeBoard(boardInfo(outDir, BOARD));
  expect(r.counts).toEqual({ passed: 4, failed: 3, skipped: 1, errors: 1 });
});

describeWithTools([TOOLS.xmllint], 'live report against ci/junit.xsd', () => {
  test('validates', () => {
    expect(validate(finalizeBoard(boardInfo(outDir, BOARD)).junitPath)).toEqual({ ok: true, output: '' });
  });
});
