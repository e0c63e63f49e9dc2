// The trace suite run by the board jest process against both virtual boards, and on a board without the trace capability.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EvidenceIndex, TestRecord } from '../../harness/reporting/types';
import { predictLog } from '../../suites/lib/trace-predict';
import { runSuitesOnVirtualBoard, type SuiteRun } from '../helpers/suite-run';

const EXISTS = 'trace0-exists-exactly-when-the-table-has-a-trace-entry';
const BOOT = 'trace0-starts-with-the-boot-line';
const LOG = 'log-text-on-the-control-channel-appears-in-trace0';
const WRAP = 'a-full-log-wraps-to-its-start-with-a-nul-after-the-newest-character';
const ALL = [EXISTS, BOOT, LOG, WRAP];

/** failed tests with their messages: asserted empty first, so a failing run shows why */
const failures = (records: TestRecord[]): string[] => records.filter((r) => r.status === 'failed' || r.status === 'error').map((r) => `${r.id}: ${r.failure?.message ?? ''}`);

function byVariant(records: TestRecord[], variant: string): Record<string, TestRecord> {
  return Object.fromEntries(records.filter((r) => r.variant === variant).map((r) => [r.id.split('/')[2] ?? '', r]));
}

function statuses(records: TestRecord[], variant: string): Record<string, string> {
  return Object.fromEntries(Object.entries(byVariant(records, variant)).map(([slug, r]) => [slug, r.status]));
}

function evidenceFile(run: SuiteRun, r: TestRecord | undefined, name: string): string {
  if (!r?.evidence) throw new Error(`${r?.id ?? 'record'} has no evidence`);
  const index = JSON.parse(fs.readFileSync(path.join(run.outDir, r.evidence), 'utf8')) as EvidenceIndex;
  const file = index.files.find((f) => f.name === name);
  if (!file) throw new Error(`${r.id}: no ${name} in ${index.files.map((f) => f.name).join(', ')}`);
  expect(file.kind).toBe('trace');
  return fs.readFileSync(path.join(run.outDir, path.dirname(r.evidence), name), 'utf8');
}

const noTraceReason = (v: string): string =>
  `variant ${v} has no trace entry the kernel uses (resource table: 0 trace entries; firmware/variants.yaml expect.traces: []), so there is no trace0 (remoteproc.md §4)`;

describe('trace suite on virtual-mp157 (st-default, small-log, vdev-only, no-table)', () => {
  let run: SuiteRun;
  beforeAll(async () => {
    run = await runSuitesOnVirtualBoard({ board: 'virtual-mp157', suites: ['trace'], variants: ['st-default', 'small-log', 'vdev-only', 'no-table'] });
  }, 60_000);
  afterAll(async () => {
    await run?.cleanup();
  });

  test('passes; the boot line is skipped on the 256-byte log and every trace0 test on variants without a trace entry, each with its reason', () => {
    expect(run.infra).toBeUndefined();
    expect(failures(run.records)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(statuses(run.records, 'st-default')).toEqual(Object.fromEntries(ALL.map((s) => [s, 'passed'])));
    const small = byVariant(run.records, 'small-log');
    expect(statuses(run.records, 'small-log')).toEqual({ [EXISTS]: 'passed', [BOOT]: 'skipped', [LOG]: 'passed', [WRAP]: 'passed' });
    expect(small[BOOT]?.skipReason).toBe('the 256-byte log of small-log can wrap during boot, hiding the boot line (firmware.md §2.1); the log and wrap tests cover this buffer');
    for (const v of ['vdev-only', 'no-table']) {
      expect(statuses(run.records, v)).toEqual({ [EXISTS]: 'passed', [BOOT]: 'skipped', [LOG]: 'skipped', [WRAP]: 'skipped' });
      for (const slug of [BOOT, LOG, WRAP]) expect(byVariant(run.records, v)[slug]?.skipReason).toBe(noTraceReason(v));
    }
  });

  test('the wrap test saw two wraps on both buffer sizes', () => {
    expect(byVariant(run.records, 'st-default')[WRAP]?.properties).toMatchObject({ 'trace.buffer_bytes': 2048, 'trace.wraps': 2 });
    expect(byVariant(run.records, 'small-log')[WRAP]?.properties).toMatchObject({ 'trace.buffer_bytes': 256, 'trace.wraps': 2 });
  });

  test('evidence: trace0 before and after `log`, the new line at the end; a wrapped log no longer shows the boot line', () => {
    const r = byVariant(run.records, 'st-default')[LOG];
    const before = evidenceFile(run, r, 'trace0-before.txt');
    const after = evidenceFile(run, r, 'trace0-after.txt');
    expect(before).toMatch(/^\[\d{5}\.\d{3}\]\[INFO \] rproc-hil test firmware variant=st-default build=\S+ port=stm32mp15 soc=stm32mp15\n/);
    expect(after.startsWith(before)).toBe(true);
    expect(after.slice(before.length)).toMatch(/^\[\d{5}\.\d{3}\]\[INFO \] hil-trace-[0-9a-f]{8}\n$/);
    const end = evidenceFile(run, byVariant(run.records, 'small-log')[WRAP], 'trace0-end.txt');
    expect(end.length).toBeLessThanOrEqual(255);
    expect(end).not.toContain('rproc-hil test firmware');
  });
});

describe('trace suite on virtual-mp257 (st-default, trace-only)', () => {
  let run: SuiteRun;
  beforeAll(async () => {
    run = await runSuitesOnVirtualBoard({ board: 'virtual-mp257', suites: ['trace'], variants: ['st-default', 'trace-only'] });
  }, 60_000);
  afterAll(async () => {
    await run?.cleanup();
  });

  test('passes on the 1048-byte cm33_log; trace-only has no control channel to log through', () => {
    expect(run.infra).toBeUndefined();
    expect(failures(run.records)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(statuses(run.records, 'st-default')).toEqual(Object.fromEntries(ALL.map((s) => [s, 'passed'])));
    expect(byVariant(run.records, 'st-default')[WRAP]?.properties).toMatchObject({ 'trace.buffer_bytes': 1048, 'trace.wraps': 2 });
    expect(statuses(run.records, 'trace-only')).toEqual({ [EXISTS]: 'passed', [BOOT]: 'passed', [LOG]: 'skipped', [WRAP]: 'skipped' });
    expect(byVariant(run.records, 'trace-only')[LOG]?.skipReason).toBe('variant trace-only has no control channel (firmware/variants.yaml expect.control: false; DESIGN §6 channel 1)');
  });
});

/** a virtual-mp157 whose profile says it has no trace capability (a board whose firmware logs elsewhere, firmware.md §2.3) */
describe('trace suite on a board without the trace capability', () => {
  let run: SuiteRun | undefined;
  let records: TestRecord[] = [];
  let exitCode = -1;

  beforeAll(async () => {
    run = await runSuitesOnVirtualBoard({
      board: 'virtual-mp157',
      name: 'notrace-mp157',
      suites: ['trace'],
      variants: ['st-default', 'vdev-only'],
      profile: (p) => ({ ...p, name: 'notrace-mp157', capabilities: { ...p.capabilities, trace: false } }),
    });
    ({ records, exitCode } = run);
  }, 60_000);

  afterAll(async () => {
    await run?.cleanup();
  });

  test('every trace test is skipped, each naming the missing capability', () => {
    expect(exitCode).toBe(0);
    expect(records.map((r) => r.id).sort()).toEqual(['st-default', 'vdev-only'].flatMap((v) => ALL.map((s) => `trace/${v}/${s}`)).sort());
    for (const r of records) {
      expect(r.status).toBe('skipped');
      expect(r.skipReason).toBe('board notrace-mp157 (profile notrace-mp157) has no trace capability (capabilities.trace: false in its profile)');
    }
  });
});

/** The rule the log and wrap tests hold the board to (firmware.md §2.1), on a 64-byte buffer: 63 visible characters. */
describe('predictLog: what trace0 must show after one more line', () => {
  const before = 'x'.repeat(40);

  test('a line that fits is appended; a different time stamp is fine, a different text is not', () => {
    expect(predictLog(before, 'hi', 64, `${before}[00012.345][INFO ] hi\n`)).toEqual({ wrapped: false, length: 62 });
    expect(predictLog(before, 'hi', 64, `${before}[00012.345][INFO ] ho\n`).problem).toBe(
      'trace0 should be the 40 characters it showed before plus the line "[sssss.mmm][INFO ] hi" (62 characters, no wrap: 22 <= 23 free)',
    );
  });

  test('a line that does not fit wraps: only its tail after the wrap is visible, the older text is hidden behind the NUL', () => {
    // 23 free: "[00001.000][INFO ] abcd" takes them all, "efgh\n" lands at the start
    expect(predictLog(before, 'abcdefgh', 64, 'efgh\n')).toEqual({ wrapped: true, length: 5 });
    const ringThatKeepsOldText = `${before}[00001.000][INFO ] abcdefgh\n`.slice(-63);
    expect(predictLog(before, 'abcdefgh', 64, ringThatKeepsOldText).problem).toBe(
      'the line does not fit the 23 free characters, so log_buff wraps to the start: trace0 should be only the last 5 characters of the line, "efgh\\n"',
    );
    expect(predictLog(before, 'abcdefgh', 64, `${before}[00001.000][INFO ] abcd`).problem).toMatch(/^the line does not fit the 23 free characters/);
  });

  test('a wrap inside the time stamp leaves digits of the stamp at the start', () => {
    // 62 characters before: one free, "[" is written, the rest wraps
    expect(predictLog('y'.repeat(62), 'ok', 64, '00007.001][INFO ] ok\n')).toEqual({ wrapped: true, length: 21 });
    expect(predictLog('y'.repeat(62), 'ok', 64, '0000x.001][INFO ] ok\n').problem).toBeDefined();
  });

  test('a trace0 longer than the buffer can show is itself a finding', () => {
    expect(predictLog('z'.repeat(64), 'ok', 64, '').problem).toBe('trace0 showed 64 characters before the line, more than the 63 a 64-byte buffer with a NUL after the newest character can show');
  });
});
