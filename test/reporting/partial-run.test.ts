// A run killed before jest-junit wrote its file still gets a JUnit report, built from records.jsonl (CONTRACT-6 run dir).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { finalizeBoard, readRecords } from '../../harness/reporting';
import { boardInfo, casesById, child, fixtureRecords, makeRunDir, removeRunDir } from './run-dir';
import type { Element } from '@xmldom/xmldom';

const BOARD = 'twin-mp257';
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeRunDir));

function killedRun(records = fixtureRecords): string {
  const dir = makeRunDir({ boards: [BOARD], jestJunit: false, records });
  dirs.push(dir);
  return dir;
}

test('without jest-junit.xml every recorded test is a case, with the same ids, outcomes and evidence', () => {
  const outDir = killedRun();
  const r = finalizeBoard(boardInfo(outDir, BOARD));
  expect(r.counts).toEqual({ passed: 4, failed: 1, skipped: 1, errors: 1 });
  const cases = casesById(r.junitPath);
  expect([...cases.keys()]).toEqual(fixtureRecords(BOARD).map((x) => x.id));
  const failed = cases.get('rpmsg/st-default/echo-496-bytes') as Element;
  expect(failed.getAttribute('classname')).toBe('twin-mp257.rpmsg');
  expect(child(failed, 'failure')?.getAttribute('message')).toBe('expected "496 bytes", received "0 bytes"');
  expect(child(cases.get('rpmsg/vring-4/echo-1-byte') as Element, 'error')?.getAttribute('type')).toBe('E_TRANSPORT');
  expect(child(failed, 'system-out')?.textContent).toMatch(/^\[\[ATTACHMENT\|evidence\/twin-mp257\/rpmsg\/st-default\/echo-496-bytes\/index.json\]\]/);
});

test('the report says it was built from records because the run was cut short', () => {
  const outDir = killedRun();
  const xml = fs.readFileSync(finalizeBoard(boardInfo(outDir, BOARD)).junitPath, 'utf8');
  expect(xml).toContain('<property name="hil.source" value="records.jsonl (jest-junit.xml missing or unreadable: the run was cut short, tests after the last record are absent)"/>');
});

test('a torn last line (killed mid-write) is dropped; the complete lines before it are kept', () => {
  const outDir = killedRun();
  const file = path.join(outDir, '.work', BOARD, 'records.jsonl');
  fs.appendFileSync(file, '{"id":"crash/st-default/hardfault","board":"twin-mp257","sui');
  expect(readRecords(file).map((r) => r.id)).toEqual(fixtureRecords(BOARD).map((r) => r.id));
  expect(finalizeBoard(boardInfo(outDir, BOARD)).counts.passed).toBe(4);
});

test('a board-level infrastructure failure (infra.json) becomes an <error> case naming the cause', () => {
  const outDir = killedRun(() => []);
  fs.writeFileSync(path.join(outDir, `console-${BOARD}.log`), 'U-Boot 2023.10\n');
  fs.writeFileSync(path.join(outDir, '.work', BOARD, 'infra.json'), JSON.stringify({
    code: 'E_HOSTKEY', message: 'host key mismatch for 127.0.0.1:2222: pinned SHA256:abc, offered SHA256:def',
  }));
  const r = finalizeBoard(boardInfo(outDir, BOARD));
  expect(r.counts).toEqual({ passed: 0, failed: 0, skipped: 0, errors: 1 });
  const session = casesById(r.junitPath).get('session/_/board-session') as Element;
  expect(session.getAttribute('classname')).toBe('twin-mp257.session');
  const error = child(session, 'error');
  expect(error?.getAttribute('type')).toBe('E_HOSTKEY');
  expect(error?.getAttribute('message')).toBe('host key mismatch for 127.0.0.1:2222: pinned SHA256:abc, offered SHA256:def');
  expect(child(session, 'system-out')?.textContent).toBe(`[[ATTACHMENT|console-${BOARD}.log]]`);
});

test('ANSI colours and control characters in a failure message cannot make the XML ill-formed', () => {
  const outDir = killedRun((board) => [{
    ...fixtureRecords(board)[1]!,
    failure: { kind: 'failure', message: '\u001b[31mexpected\u001b[39m 496 bytes\u0000\u0007 got 0' },
  }]);
  const r = finalizeBoard(boardInfo(outDir, BOARD));
  const failure = child(casesById(r.junitPath).get('rpmsg/st-default/echo-496-bytes') as Element, 'failure');
  expect(failure?.getAttribute('message')).toBe('expected 496 bytes\\x00\\x07 got 0');
});

test('a board where no test ran at all still appears, as one <error> case saying so', () => {
  const outDir = killedRun(() => []);
  const r = finalizeBoard(boardInfo(outDir, BOARD));
  expect(r.counts).toEqual({ passed: 0, failed: 0, skipped: 0, errors: 1 });
  const error = child(casesById(r.junitPath).get('session/_/board-session') as Element, 'error');
  expect(error?.getAttribute('type')).toBe('no-tests');
  expect(error?.getAttribute('message')).toBe(
    'no test ran on twin-mp257: there is neither a jest-junit.xml nor a recorded test; the board\'s jest process ended before its first test (see console-twin-mp257.log and the hil output)',
  );
});
