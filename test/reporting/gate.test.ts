// The release gate over a merged junit.xml: each outcome a release manager acts on, and the report they read.
import { finalizeBoard, formatGate, mergeJunit, runGate, type KnownFailure, type TestRecord } from '../../harness/reporting';
import { boardInfo, fixtureRecords, makeRunDir, removeRunDir } from './run-dir';

const BOARD = 'twin-mp157';
const NOW = new Date('2026-11-25T21:00:00Z');
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeRunDir));

const [echo1, echo496, burst, , vring4] = fixtureRecords(BOARD) as [TestRecord, TestRecord, TestRecord, TestRecord, TestRecord];
const pass = (r: TestRecord): TestRecord => ({ ...r, status: 'passed', failure: undefined, retries: [] });

/** A finished run of these records on one board: junit-<board>.xml and the merged junit.xml. */
function run(records: TestRecord[]): string {
  const outDir = makeRunDir({ boards: [BOARD], jestJunit: false, records: () => records });
  dirs.push(outDir);
  finalizeBoard(boardInfo(outDir, BOARD));
  mergeJunit(outDir, [`junit-${BOARD}.xml`]);
  return outDir;
}

function entry(id: string, expires = '2027-01-31', board = '*'): KnownFailure {
  return { id, board, reason: 'firmware drops the 496th byte', issue: 'https://gitlab.example.com/fw/-/issues/42', expires };
}

test('all tests passed: the gate passes with nothing to report', () => {
  const g = runGate({ outDir: run([echo1, pass(echo496)]), now: NOW });
  expect(g).toEqual({ verdict: 'pass', newFailures: [], knownFailures: [], expired: [], fixed: [], flaky: [] });
});

test('a failure nobody listed is a new failure and fails the gate', () => {
  const g = runGate({ outDir: run([echo1, echo496]), now: NOW });
  expect(g.verdict).toBe('fail');
  expect(g.newFailures).toEqual([{ board: BOARD, id: 'rpmsg/st-default/echo-496-bytes', message: 'expected "496 bytes", received "0 bytes"' }]);
});

test('an infrastructure error is a new failure too, marked as such', () => {
  const g = runGate({ outDir: run([echo1, vring4]), now: NOW });
  expect(g.verdict).toBe('fail');
  expect(g.newFailures).toEqual([{ board: BOARD, id: 'rpmsg/vring-4/echo-1-byte', message: 'infrastructure error: ssh connection lost: ECONNRESET' }]);
});

test('a listed failure passes the gate as a known failure (warning), up to and including its expiry day', () => {
  const known = entry('rpmsg/*/echo-496-*', '2026-11-25');
  const g = runGate({ outDir: run([echo1, echo496]), knownFailures: [known], now: NOW });
  expect(g.verdict).toBe('pass');
  expect(g.newFailures).toEqual([]);
  expect(g.knownFailures).toEqual([{ board: BOARD, id: 'rpmsg/st-default/echo-496-bytes', message: 'expected "496 bytes", received "0 bytes"', entry: known }]);
  expect(formatGate(g)).toMatch(/^gate: PASS with 1 known failure \(warning\)\n/);
});

test('an entry past its expiry day no longer covers the failure: the gate fails', () => {
  const old = entry('rpmsg/st-default/echo-496-bytes', '2026-11-24');
  const g = runGate({ outDir: run([echo1, echo496]), knownFailures: [old], now: NOW });
  expect(g.verdict).toBe('fail');
  expect(g.knownFailures).toEqual([]);
  expect(g.expired).toEqual([{ board: BOARD, id: 'rpmsg/st-default/echo-496-bytes', message: 'expected "496 bytes", received "0 bytes"', entry: old }]);
});

test('an entry for another board does not cover the failure', () => {
  const g = runGate({ outDir: run([echo496]), knownFailures: [entry('rpmsg/**', '2027-01-31', 'mp257-*')], now: NOW });
  expect(g.newFailures.map((f) => f.id)).toEqual(['rpmsg/st-default/echo-496-bytes']);
});

test('an entry whose tests all pass now is reported as fixed, and the gate still passes', () => {
  const known = entry('rpmsg/st-default/echo-*');
  const g = runGate({ outDir: run([echo1, pass(echo496)]), knownFailures: [known], now: NOW });
  expect(g.verdict).toBe('pass');
  expect(g.fixed).toEqual([{ board: '*', id: 'rpmsg/st-default/echo-*', entry: known, message: `2 matching tests passed on ${BOARD}: remove the entry` }]);
});

test('a test that passed only on a retry is reported flaky and does not fail the gate', () => {
  const g = runGate({ outDir: run([echo1, burst]), now: NOW });
  expect(g.verdict).toBe('pass');
  expect(g.flaky).toEqual([{ board: BOARD, id: 'rpmsg/st-default/burst-of-1000-messages', message: 'passed after 1 failed attempt: message 412 arrived before 411' }]);
});

test('a flaky pass does not count as fixed', () => {
  const g = runGate({ outDir: run([burst]), knownFailures: [entry('rpmsg/st-default/burst-*')], now: NOW });
  expect(g.fixed).toEqual([]);
});

test('a board on which nothing ran fails the gate as an infrastructure error', () => {
  const g = runGate({ outDir: run([]), now: NOW });
  expect(g.verdict).toBe('fail');
  expect(g.newFailures.map((f) => [f.board, f.id])).toEqual([[BOARD, 'session/_/board-session']]);
  expect(g.newFailures[0]?.message).toMatch(/^infrastructure error: no test ran on twin-mp157: /);
});

test('a junit.xml without any test case fails the gate', () => {
  const outDir = run([]);
  mergeJunit(outDir, []);
  const g = runGate({ outDir, now: NOW });
  expect(g.verdict).toBe('fail');
  expect(g.newFailures).toEqual([{ board: '*', id: '(no test cases)', message: 'the JUnit report holds no test case: nothing was tested' }]);
});

test('a directory without junit.xml is an error saying what to give', () => {
  expect(() => runGate({ outDir: '/nonexistent/run' })).toThrow('/nonexistent/run does not exist: give the run directory that npm run hil wrote (results/<run-id>/)');
});

test('the report lists blocking findings first, then warnings, flaky and fixed', () => {
  const boot = fixtureRecords(BOARD)[5] as TestRecord;
  const bootFailed: TestRecord = { ...boot, status: 'failed', failure: { kind: 'failure', message: 'state stayed offline' } };
  const known = entry('rpmsg/vring-4/*');
  const stale = entry('boot/**', '2026-01-01', 'twin-*');
  const gone = entry('rpmsg/st-default/echo-1-byte');
  const g = runGate({ outDir: run([echo1, echo496, burst, vring4, bootFailed]), knownFailures: [known, stale, gone], now: NOW });
  expect(formatGate(g)).toBe([
    'gate: FAIL (2 blocking failures)',
    '',
    'new failures (block the release): 1',
    '  FAIL  twin-mp157  rpmsg/st-default/echo-496-bytes  expected "496 bytes", received "0 bytes"',
    '',
    'expired known failures (the entry no longer covers the failure: fix the test or renew the entry): 1',
    '  FAIL  twin-mp157  boot/st-default/starts-running  entry "boot/**" expired 2026-01-01 (https://gitlab.example.com/fw/-/issues/42): state stayed offline',
    '',
    'known failures (tolerated until their entry expires): 1',
    '  WARN  twin-mp157  rpmsg/vring-4/echo-1-byte  firmware drops the 496th byte (https://gitlab.example.com/fw/-/issues/42, until 2027-01-31)',
    '',
    'flaky (passed only on a retry): 1',
    '  FLAKY twin-mp157  rpmsg/st-default/burst-of-1000-messages  passed after 1 failed attempt: message 412 arrived before 411',
    '',
    'fixed (the known failure passes now: delete its entry from the known-failures file): 1',
    '  FIXED *  rpmsg/st-default/echo-1-byte  1 matching test passed on twin-mp157: remove the entry (https://gitlab.example.com/fw/-/issues/42)',
    '',
  ].join('\n'));
});
