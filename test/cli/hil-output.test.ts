// What a `hil` run shows and decides: progress lines, the closing summary table, exit codes 0/1/2/3/130/143, run ids.
import { EventEmitter } from 'node:events';
import { decideExit, type BoardEnd } from '../../harness/cli/hil-exit';
import { formatDuration, Progress } from '../../harness/cli/hil-progress';
import { newRunId } from '../../harness/cli/hil-session';
import { watchSignals } from '../../harness/cli/hil-signals';
import { formatSummaryTable } from '../../harness/cli/hil-summary';
import type { GateResult, TestRecord } from '../../harness/reporting/types';

function record(over: Partial<TestRecord>): TestRecord {
  return {
    id: 'rpmsg/st-default/echo-16-bytes',
    board: 'twin-mp157',
    suite: 'rpmsg',
    variant: 'st-default',
    title: 'echo 16 bytes',
    titlePath: ['st-default', 'echo 16 bytes'],
    status: 'passed',
    durationMs: 41,
    retries: [],
    properties: {},
    startedAt: '2026-11-25T19:00:00.000Z',
    ...over,
  };
}

function progress(color = false): { p: Progress; text: () => string } {
  let text = '';
  return { p: new Progress({ write: (s) => void (text += s), color, boardWidth: 13 }), text: () => text };
}

const PASS_GATE: GateResult = { verdict: 'pass', newFailures: [], knownFailures: [], expired: [], fixed: [], flaky: [] };
const ok = (board: string, passed = 3): BoardEnd => ({ board, exitCode: 0, counts: { passed, failed: 0, skipped: 0, errors: 0 } });

describe('progress lines', () => {
  test('one line per finished test: status, board, suite › variant › test, duration, the board\'s running counts', () => {
    const { p, text } = progress();
    p.record(record({}));
    p.record(record({ board: 'virtual-mp257', durationMs: 5012 }));
    p.record(record({ title: 'trace0', titlePath: ['no-table', 'trace0'], suite: 'trace', status: 'skipped', skipReason: 'the table has no trace entry' }));
    expect(text()).toBe(
      ' PASS  twin-mp157     rpmsg › st-default › echo 16 bytes  (41 ms)  [1 passed, 0 failed, 0 skipped]\n' +
        ' PASS  virtual-mp257  rpmsg › st-default › echo 16 bytes  (5.0 s)  [1 passed, 0 failed, 0 skipped]\n' +
        ' SKIP  twin-mp157     trace › no-table › trace0 — the table has no trace entry  [1 passed, 0 failed, 1 skipped]\n',
    );
    expect(p.countsOf('twin-mp157')).toEqual({ passed: 1, failed: 0, skipped: 1, errors: 0 });
  });

  test('failures and infrastructure errors show the first line of the message; a pass on a retry is FLAKY', () => {
    const { p, text } = progress();
    p.record(record({ status: 'failed', durationMs: 5000, failure: { kind: 'failure', message: '\nexpected "pong"\nreceived ""' } }));
    p.record(record({ status: 'error', failure: { kind: 'error', code: 'E_TRANSPORT', message: 'connection to twin-mp157 lost' } }));
    p.record(record({ retries: [{ message: 'timeout' }] }));
    expect(text()).toBe(
      ' FAIL  twin-mp157     rpmsg › st-default › echo 16 bytes  (5.0 s)  [0 passed, 1 failed, 0 skipped]\n       expected "pong"\n' +
        'ERROR  twin-mp157     rpmsg › st-default › echo 16 bytes  (41 ms)  [0 passed, 1 failed, 0 skipped, 1 errors]\n       E_TRANSPORT: connection to twin-mp157 lost\n' +
        'FLAKY  twin-mp157     rpmsg › st-default › echo 16 bytes  (41 ms, 1 retry)  [1 passed, 1 failed, 0 skipped, 1 errors]\n',
    );
  });

  test('on a terminal the status word is coloured; board notes are dimmed', () => {
    const { p, text } = progress(true);
    p.record(record({ status: 'failed', failure: { kind: 'failure', message: 'x' } }));
    p.note('twin-mp157', 'finished');
    expect(text()).toContain('\x1b[31m FAIL\x1b[0m');
    expect(text()).toContain('\x1b[2m[twin-mp157]\x1b[0m finished\n');
  });

  test('durations read as ms, seconds or minutes', () => {
    expect([formatDuration(812), formatDuration(5049), formatDuration(125_000)]).toEqual(['812 ms', '5.0 s', '2m 05s']);
  });
});

describe('summary table', () => {
  test('one row per board with wall time and JUnit file, a total row for several boards, notes below', () => {
    expect(
      formatSummaryTable([
        { board: 'twin-mp157', passed: 84, failed: 1, skipped: 12, errors: 0, wallMs: 72_400, junit: 'junit-twin-mp157.xml' },
        { board: 'twin-mp257', passed: 80, failed: 0, skipped: 16, errors: 2, wallMs: 65_000, junit: 'junit-twin-mp257.xml', note: 'infrastructure error E_TRANSPORT (message above)' },
      ]),
    ).toBe(
      [
        'board       passed  failed  skipped  errors    wall  junit',
        'twin-mp157      84       1       12       0  1m 12s  junit-twin-mp157.xml',
        'twin-mp257      80       0       16       2  1m 05s  junit-twin-mp257.xml',
        '-------------------------------------------------------------------------',
        'total          164       1       28       2  1m 12s  junit.xml',
        'twin-mp257: infrastructure error E_TRANSPORT (message above)',
        '',
      ].join('\n'),
    );
  });

  test('a single board has no total row', () => {
    expect(formatSummaryTable([{ board: 'vdk2', passed: 5, failed: 0, skipped: 0, errors: 0, wallMs: 4200, junit: 'junit-vdk2.xml' }])).toBe(
      'board  passed  failed  skipped  errors   wall  junit\nvdk2        5       0        0       0  4.2 s  junit-vdk2.xml\n',
    );
  });
});

describe('exit code (DESIGN §4.3)', () => {
  test('0 when the gate passes, also with only known failures', () => {
    expect(decideExit({ boards: [ok('a'), ok('b')], gate: PASS_GATE })).toEqual({ code: 0, reason: 'all tests passed' });
    const known = { ...PASS_GATE, knownFailures: [{ board: 'a', id: 'rpmsg/x/y' }] };
    expect(decideExit({ boards: [{ ...ok('a'), exitCode: 1, counts: { passed: 2, failed: 1, skipped: 0, errors: 0 } }], gate: known })).toEqual({ code: 0, reason: 'passed with 1 known failure (see the gate report above)' });
  });

  test('1 when the gate fails, naming new and expired failures', () => {
    const gate: GateResult = { ...PASS_GATE, verdict: 'fail', newFailures: [{ board: 'a', id: 'x' }, { board: 'a', id: 'y' }], expired: [{ board: 'a', id: 'z' }] };
    expect(decideExit({ boards: [{ ...ok('a'), exitCode: 1 }], gate })).toEqual({ code: 1, reason: 'gate failed: 2 new failures, 1 expired known failure' });
  });

  test('3 when a board had an infrastructure failure, even if the other board failed tests', () => {
    const gate: GateResult = { ...PASS_GATE, verdict: 'fail', newFailures: [{ board: 'a', id: 'x' }] };
    const hostKey: BoardEnd = { ...ok('mp157-01', 0), exitCode: 3, infra: { code: 'E_HOSTKEY', message: 'expected SHA256:a, presented SHA256:b' } };
    expect(decideExit({ boards: [{ ...ok('a'), exitCode: 1 }, hostKey], gate })).toEqual({ code: 3, reason: 'infrastructure error on mp157-01 (E_HOSTKEY), see the message above' });
    expect(decideExit({ boards: [{ ...ok('a'), exitCode: null }], gate: PASS_GATE }).code).toBe(3);
    expect(decideExit({ boards: [{ ...ok('a'), exitCode: 134 }], gate: PASS_GATE }).reason).toBe('infrastructure error on a (jest exit 134), see the message above');
    expect(decideExit({ boards: [ok('a')] })).toEqual({ code: 3, reason: 'infrastructure error: no JUnit was written, so the run could not be gated' });
  });

  test('2 when a board\'s jest process found a configuration error; 130/143 when interrupted', () => {
    const config: BoardEnd = { ...ok('a', 0), exitCode: 2, infra: { code: 'E_CONFIG', message: 'variant name' } };
    expect(decideExit({ boards: [config, { ...ok('b'), exitCode: 3, infra: { code: 'E_LEASE', message: 'held' } }], gate: PASS_GATE }).code).toBe(2);
    expect(decideExit({ boards: [config], gate: PASS_GATE, interrupted: 'SIGINT' }).code).toBe(130);
    expect(decideExit({ boards: [ok('a')], gate: PASS_GATE, interrupted: 'SIGTERM' })).toEqual({ code: 143, reason: 'interrupted by SIGTERM: boards restored and released, partial results written' });
  });

  test('a run where no test ran passes but says to check the filters', () => {
    expect(decideExit({ boards: [ok('a', 0)], gate: PASS_GATE }).reason).toBe('passed, but no test ran: check the --suite and --variant filters');
  });
});

describe('run id and signals', () => {
  test('run ids are YYYYMMDD-HHMMSS-<4 hex> in UTC', () => {
    expect(newRunId(new Date('2026-03-04T05:06:07Z'), () => 'beef')).toBe('20260304-050607-beef');
    expect(newRunId()).toMatch(/^\d{8}-\d{6}-[0-9a-f]{4}$/);
  });

  test('the first signal aborts (children get it), later ones only report; dispose removes the listeners', () => {
    const source = new EventEmitter();
    const seen: string[] = [];
    const w = watchSignals(source, (sig, first) => seen.push(`${sig}:${first}`));
    expect(w.abort.aborted).toBe(false);
    source.emit('SIGTERM');
    source.emit('SIGINT');
    expect(w.received).toBe('SIGTERM');
    expect(w.abort.aborted).toBe(true);
    expect(seen).toEqual(['SIGTERM:true', 'SIGINT:false']);
    w.dispose();
    expect(source.listenerCount('SIGINT') + source.listenerCount('SIGTERM')).toBe(0);
  });
});
