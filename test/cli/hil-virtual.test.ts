// `hil --board virtual-mp157,virtual-mp257` end to end: boards started in-process, both pass, run layout, --json, cleanup.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { runHil } from '../../harness/cli/hil';
import type { EvidenceIndex, RunSummary } from '../../harness/reporting/types';
import { describeWithTools, TOOLS } from '../helpers/tools';

jest.setTimeout(60_000);

const BOARDS = ['virtual-mp157', 'virtual-mp257'];
let tmp: string;
let out: string;
const run = { code: -1, stdout: '', stderr: '' };

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hil-virtual-'));
  out = path.join(tmp, 'run');
  const o = new PassThrough();
  const e = new PassThrough();
  o.on('data', (d: Buffer) => (run.stdout += d.toString()));
  e.on('data', (d: Buffer) => (run.stderr += d.toString()));
  run.code = await runHil(['--board', BOARDS.join(','), '--suite', 'boot', '--variant', 'st-default', '--out', out, '--json'], {
    stdout: o,
    stderr: e,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('both virtual boards pass; --json prints exactly one JSON object on stdout: the summary, out dir and exit code', () => {
  expect(run.code).toBe(0);
  const printed = JSON.parse(run.stdout) as RunSummary & { out: string; exitCode: number };
  expect(printed.out).toBe(out);
  expect(printed.exitCode).toBe(0);
  expect(printed.gate.verdict).toBe('pass');
  expect(printed.boards.map((b) => [b.board, b.soc, b.failed, b.errors, b.junit])).toEqual([
    ['virtual-mp157', 'stm32mp15', 0, 0, 'junit-virtual-mp157.xml'],
    ['virtual-mp257', 'stm32mp25', 0, 0, 'junit-virtual-mp257.xml'],
  ]);
  expect(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify({ run: printed.run, boards: printed.boards, gate: printed.gate })));
});

test('progress (on stderr under --json): start-up notes, one line per test, the summary table with a total row', () => {
  const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as RunSummary;
  for (const b of summary.boards) {
    expect(run.stderr).toContain(`[${b.board}] starting the virtual board in-process\n`);
    expect(b.passed).toBeGreaterThan(0);
    expect(run.stderr.match(new RegExp(`^ PASS  ${b.board}  boot › st-default › `, 'gm'))).toHaveLength(b.passed);
    expect(run.stderr).toMatch(new RegExp(`^${b.board}\\s+${b.passed}\\s+0\\s+${b.skipped}\\s+0\\s+\\S+ \\S+\\s+junit-${b.board}.xml$`, 'm'));
  }
  expect(run.stderr).toMatch(/^total\s+\d+\s+0\s+\d+\s+0\s+\S+ \S+\s+junit\.xml$/m);
  expect(run.stderr).toContain('\nPASS (exit 0): all tests passed\n');
});

test('the run directory holds merged and per-board JUnit, console logs, evidence indexes and each board\'s session', () => {
  const top = fs.readdirSync(out).sort();
  expect(top).toEqual(['.work', 'console-virtual-mp157.log', 'console-virtual-mp257.log', 'evidence', 'junit-virtual-mp157.xml', 'junit-virtual-mp257.xml', 'junit.xml', 'summary.json']);
  const merged = fs.readFileSync(path.join(out, 'junit.xml'), 'utf8');
  for (const board of BOARDS) {
    expect(merged).toContain(`classname="${board}.boot"`);
    const session = JSON.parse(fs.readFileSync(path.join(out, '.work', board, 'session.json'), 'utf8')) as { instance: { power: unknown; type: string } };
    expect(session.instance.type).toBe(board);
    expect(session.instance.power).toEqual({ backend: 'virtual', socket: expect.stringMatching(/power\.sock$/) });
    const dir = path.join(out, 'evidence', board, 'boot', 'st-default');
    const tests = fs.readdirSync(dir);
    expect(tests.length).toBeGreaterThan(0);
    for (const t of tests) {
      const index = JSON.parse(fs.readFileSync(path.join(dir, t, 'index.json'), 'utf8')) as EvidenceIndex;
      expect(index).toMatchObject({ board, id: `boot/st-default/${t}` });
    }
  }
});

test('the in-process boards are stopped when the run ends: power sockets gone, throwaway keys not left in the run dir', () => {
  for (const board of BOARDS) {
    const session = JSON.parse(fs.readFileSync(path.join(out, '.work', board, 'session.json'), 'utf8')) as { instance: { power: { socket: string }; ssh: { privateKey: string } } };
    expect(fs.existsSync(session.instance.power.socket)).toBe(false);
    expect(session.instance.ssh.privateKey.startsWith(path.join(out, '.work', board, 'state'))).toBe(true);
    expect(fs.existsSync(session.instance.ssh.privateKey)).toBe(false);
    expect(fs.readdirSync(path.join(out, '.work', board)).sort()).toEqual(['jest-junit.xml', 'records.jsonl', 'session.json']);
  }
});

describeWithTools([TOOLS.xmllint], 'JUnit schema', () => {
  test('junit.xml and every junit-<board>.xml validate against ci/junit.xsd', () => {
    const xsd = path.resolve(__dirname, '../../ci/junit.xsd');
    for (const f of ['junit.xml', ...BOARDS.map((b) => `junit-${b}.xml`)]) {
      expect(() => execFileSync('xmllint', ['--noout', '--schema', xsd, path.join(out, f)], { stdio: 'pipe' })).not.toThrow();
    }
  });
});
