// `npm run gate -- <run-dir>... [--known-failures FILE]`: exit codes 0/1/2, the printed report and summary.json's gate.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../harness/cli/gate';
import { runMain, type CliIO } from '../../harness/cli/run';
import { finalizeBoard, mergeJunit, writeSummary, type RunSummary, type TestRecord } from '../../harness/reporting';
import { boardInfo, fixtureRecords, makeRunDir, removeRunDir } from './run-dir';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeRunDir));

function run(board: string, records: (b: string) => TestRecord[]): string {
  const outDir = makeRunDir({ boards: [board], jestJunit: false, records });
  dirs.push(outDir);
  finalizeBoard(boardInfo(outDir, board));
  mergeJunit(outDir, [`junit-${board}.xml`]);
  return outDir;
}
const passing = (b: string): TestRecord[] => [fixtureRecords(b)[0] as TestRecord];
const failing = (b: string): TestRecord[] => fixtureRecords(b).slice(0, 2);

async function gate(argv: string[], cwd = process.cwd()): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (s) => void (out += s), stderr: (s) => void (err += s), cwd };
  const code = await runMain(main, argv, io, {});
  return { code, out, err };
}

function knownFile(text: string): string {
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'hil-known-'));
  dirs.push(dir);
  const file = path.join(dir, 'known-failures.yaml');
  fs.writeFileSync(file, text);
  return file;
}

test('a clean run passes: exit 0, a readable verdict, summary.json gate updated and the rest kept', async () => {
  const outDir = run('twin-mp157', passing);
  const summary: RunSummary = {
    run: { id: '20261125-210000-ab12', startedAt: '2026-11-25T21:00:00.000Z', durationMs: 61000 },
    boards: [{ board: 'twin-mp157', soc: 'stm32mp157', kernel: '6.6.48', passed: 1, failed: 0, skipped: 0, errors: 0, junit: 'junit-twin-mp157.xml' }],
    gate: { verdict: 'fail', newFailures: [], knownFailures: [], expired: [], fixed: [], flaky: [] },
  };
  writeSummary(outDir, summary);
  const r = await gate([outDir]);
  expect(r.code).toBe(0);
  expect(r.out).toContain('known failures: none (give --known-failures FILE to tolerate listed failures)\ngate: PASS\n');
  const after = JSON.parse(fs.readFileSync(path.join(outDir, 'summary.json'), 'utf8')) as RunSummary;
  expect(after).toEqual({ ...summary, gate: { verdict: 'pass', newFailures: [], knownFailures: [], expired: [], fixed: [], flaky: [] } });
});

test('a new failure: exit 1 and the failing test named', async () => {
  const r = await gate([run('twin-mp157', failing)]);
  expect(r.code).toBe(1);
  expect(r.out).toContain('  FAIL  twin-mp157  rpmsg/st-default/echo-496-bytes  expected "496 bytes", received "0 bytes"\n');
});

test('the same failure listed in --known-failures passes with a warning', async () => {
  const file = knownFile('- id: rpmsg/st-default/echo-496-bytes\n  reason: firmware drops the 496th byte\n  issue: HIL-42\n  expires: 2999-12-31\n');
  const r = await gate([run('twin-mp157', failing), '--known-failures', file]);
  expect(r.code).toBe(0);
  expect(r.out).toContain(`known failures: ${file} (1 entry)\ngate: PASS with 1 known failure (warning)\n`);
  expect(r.out).toContain('  WARN  twin-mp157  rpmsg/st-default/echo-496-bytes  firmware drops the 496th byte (HIL-42, until 2999-12-31)\n');
});

test('an expired entry fails the gate', async () => {
  const file = knownFile('- id: rpmsg/st-default/echo-496-bytes\n  reason: r\n  issue: HIL-42\n  expires: 2020-01-01\n');
  const r = await gate([run('twin-mp157', failing), '--known-failures', file]);
  expect(r.code).toBe(1);
  expect(r.out).toContain('expired known failures');
});

test('several run directories (one per board job) are judged together; a run without summary.json gets one', async () => {
  const a = run('mp157-01', passing);
  const b = run('mp257-01', failing);
  const r = await gate([a, b, '--json']);
  expect(r.code).toBe(1);
  const g = JSON.parse(r.out) as { verdict: string; newFailures: { board: string }[] };
  expect(g.verdict).toBe('fail');
  expect(g.newFailures.map((f) => f.board)).toEqual(['mp257-01']);
  const sa = JSON.parse(fs.readFileSync(path.join(a, 'summary.json'), 'utf8')) as RunSummary;
  expect(sa.gate.verdict).toBe('fail');
  expect(sa.boards).toEqual([{ board: 'mp157-01', soc: 'stm32mp157', kernel: '6.6.48', passed: 1, failed: 0, skipped: 0, errors: 0, junit: 'junit.xml' }]);
});

test('a bad known-failures file: exit 2 and the problem on stderr, nothing judged', async () => {
  const file = knownFile('- id: rpmsg/x/y\n  reason: r\n  issue: HIL-1\n  expires: soon\n');
  const r = await gate([run('twin-mp157', passing), '--known-failures', file]);
  expect(r.code).toBe(2);
  expect(r.err).toContain('entry 1 (id "rpmsg/x/y"), key expires: expected a date YYYY-MM-DD');
  expect(r.out).toBe('');
});

test('a corrupt summary.json: exit 2 with what to do about it', async () => {
  const outDir = run('twin-mp157', passing);
  fs.writeFileSync(path.join(outDir, 'summary.json'), '{"run": ');
  const r = await gate([outDir]);
  expect(r.code).toBe(2);
  expect(r.err).toContain(`${outDir}/summary.json is not valid JSON`);
  expect(r.err).toContain('delete it and the gate writes a new one');
});

test('usage errors exit 2 with the usage line', async () => {
  const none = await gate([]);
  expect(none.code).toBe(2);
  expect(none.err).toBe('error: missing argument <run-dir>\nusage: gate <run-dir> [<run-dir>...] [--known-failures FILE] [--json]\n');
  const typo = await gate(['results/x', '--known-failure', 'f']);
  expect(typo.err).toContain('unknown option --known-failure (did you mean --known-failures?)');
  const missing = await gate(['/nonexistent/run']);
  expect(missing.code).toBe(2);
  expect(missing.err).toContain('/nonexistent/run does not exist: give the run directory that npm run hil wrote (results/<run-id>/)');
});

test('--help prints the usage and exits 0', async () => {
  const r = await gate(['--help']);
  expect(r.code).toBe(0);
  expect(r.out).toContain('usage: gate <run-dir> [<run-dir>...] [--known-failures FILE] [--json]');
});
