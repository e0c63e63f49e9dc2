// The rpmsg suite run by the board jest process against both virtual boards, and proof that it fails when echo stops (twin: crash.test.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EvidenceIndex, TestRecord } from '../../harness/reporting/types';
import { describeReplies, expectedSplitReplies, splitProbe, ttyChunks } from '../../suites/lib/rpmsg-payload';
import { runSuitesOnVirtualBoard, type SuiteRun } from '../helpers/suite-run';

const ECHO_TESTS = [
  'echo-of-1-byte',
  'echo-of-16-bytes',
  'echo-of-495-bytes-one-below-the-mtu',
  'echo-of-496-bytes-the-mtu-one-full-message',
  'a-1000-byte-write-comes-back-whole-and-in-order-on-the-echo-tty',
];
const SPLIT = 'the-tty-driver-cuts-a-1000-byte-write-into-496-496-8-byte-messages';
const BURST = '1-000-message-burst-comes-back-in-order-with-no-loss';
const BOTH = 'both-ttys-channel-0-echoes-channel-1-answers-ping-and-info';
const ALL = [...ECHO_TESTS, SPLIT, BURST, BOTH];

/** failed tests with their messages: asserted empty first, so a failing run shows why */
const failures = (records: TestRecord[]): string[] => records.filter((r) => r.status === 'failed' || r.status === 'error').map((r) => `${r.id}: ${r.failure?.message ?? ''}`);

function byVariant(records: TestRecord[], variant: string): Record<string, TestRecord> {
  return Object.fromEntries(records.filter((r) => r.variant === variant).map((r) => [r.id.split('/')[2] ?? '', r]));
}

function statuses(records: TestRecord[], variant: string): Record<string, string> {
  return Object.fromEntries(Object.entries(byVariant(records, variant)).map(([slug, r]) => [slug, r.status]));
}

function evidenceOf(run: SuiteRun | { outDir: string }, r: TestRecord): EvidenceIndex {
  if (!r.evidence) throw new Error(`${r.id} has no evidence`);
  return JSON.parse(fs.readFileSync(path.join(run.outDir, r.evidence), 'utf8')) as EvidenceIndex;
}

/** latency and throughput of the burst as JUnit properties (issue 6: "recorded as test-case properties") */
function expectBurstProperties(r: TestRecord | undefined, window: number): void {
  expect(r?.status).toBe('passed');
  const p = r?.properties ?? {};
  expect(p).toMatchObject({ 'rpmsg.burst.messages': 1000, 'rpmsg.burst.message_bytes': 64, 'rpmsg.burst.window': window, 'rpmsg.burst.received': 1000 });
  for (const k of ['rpmsg.latency.p50_ms', 'rpmsg.latency.p95_ms', 'rpmsg.latency.p99_ms', 'rpmsg.latency.max_ms', 'rpmsg.throughput.bytes_per_s']) {
    expect(typeof p[k]).toBe('number');
    expect(p[k] as number).toBeGreaterThan(0);
  }
  expect(p['rpmsg.latency.p50_ms'] as number).toBeLessThanOrEqual(p['rpmsg.latency.p99_ms'] as number);
}

describe('rpmsg suite on virtual-mp157 (st-default, vdev-only, legacy-tty-name)', () => {
  let run: SuiteRun;
  beforeAll(async () => {
    run = await runSuitesOnVirtualBoard({ board: 'virtual-mp157', suites: ['rpmsg'], variants: ['st-default', 'vdev-only', 'legacy-tty-name'] });
  }, 60_000);
  afterAll(async () => {
    await run?.cleanup();
  });

  test('passes: every test of st-default passes, the control-only tests of vdev-only and all of legacy-tty-name are skipped with reasons', () => {
    expect(run.infra).toBeUndefined();
    expect(failures(run.records)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(statuses(run.records, 'st-default')).toEqual(Object.fromEntries(ALL.map((s) => [s, 'passed'])));
    const vdev = byVariant(run.records, 'vdev-only');
    expect(Object.fromEntries(Object.entries(vdev).map(([s, r]) => [s, r.status]))).toEqual({
      ...Object.fromEntries(ALL.map((s) => [s, 'passed'])),
      [SPLIT]: 'skipped',
      [BOTH]: 'skipped',
    });
    expect(vdev[BOTH]?.skipReason).toBe('variant vdev-only has no control channel (firmware/variants.yaml expect.control: false; DESIGN §6 channel 1)');
    expect(vdev[SPLIT]?.skipReason).toMatch(/no control channel .*: the split is seen through the control channel's replies$/);
    const legacy = byVariant(run.records, 'legacy-tty-name');
    expect(Object.keys(legacy).sort()).toEqual([...ALL].sort());
    for (const r of Object.values(legacy)) {
      expect(r.status).toBe('skipped');
      expect(r.skipReason).toBe('variant legacy-tty-name gets no /dev/ttyRPMSG* (firmware/variants.yaml expect.ttys: 0, 2 channel(s) announced; remoteproc.md §6.2, §6.3): no tty to test');
    }
  });

  test('latency and throughput are test-case properties; every echo records its round trip', () => {
    const st = byVariant(run.records, 'st-default');
    expectBurstProperties(st[BURST], 8);
    expect(Object.keys(st['echo-of-495-bytes-one-below-the-mtu']?.properties ?? {})).toContain('rpmsg.echo.495B.rtt_ms');
    expect(st[BOTH]?.properties['rpmsg.info']).toMatch(/^info variant=st-default build=\S+ soc=stm32mp15 vrings=16 trace=1$/);
  });

  test('each test has an evidence index with the dmesg slice and the trace present at its end', () => {
    const r = byVariant(run.records, 'st-default')[BURST];
    if (!r) throw new Error('no burst record');
    const index = evidenceOf(run, r);
    expect(index.id).toBe('rpmsg/st-default/1-000-message-burst-comes-back-in-order-with-no-loss');
    expect(index.files.map((f) => f.kind)).toEqual(expect.arrayContaining(['dmesg', 'trace']));
  });
});

describe('rpmsg suite on virtual-mp257 (st-default, vring-4)', () => {
  let run: SuiteRun;
  beforeAll(async () => {
    run = await runSuitesOnVirtualBoard({ board: 'virtual-mp257', suites: ['rpmsg'], variants: ['st-default', 'vring-4'] });
  }, 60_000);
  afterAll(async () => {
    await run?.cleanup();
  });

  test('passes every test on both variants; the 4-entry vrings allow 2 messages in flight', () => {
    expect(run.infra).toBeUndefined();
    expect(failures(run.records)).toEqual([]);
    expect(run.exitCode).toBe(0);
    for (const v of ['st-default', 'vring-4']) expect(statuses(run.records, v)).toEqual(Object.fromEntries(ALL.map((s) => [s, 'passed'])));
    expectBurstProperties(byVariant(run.records, 'vring-4')[BURST], 2);
    expect(byVariant(run.records, 'st-default')[BOTH]?.properties['rpmsg.info']).toMatch(/ soc=stm32mp25 vrings=16 trace=1$/);
  });
});

/**
 * A planted regression: the firmware stops answering from the 3rd message Linux sends (fault crashAfterMessages; the two
 * `ping`s that tell echo from control are messages 1 and 2). On the MP25 no watchdog reaches Linux (firmware.md §5.4),
 * so the core stays "running" and silent. The session's profile gets a 1 s tty budget to keep the run short.
 */
describe('rpmsg suite on a virtual-mp257 whose firmware stops echoing', () => {
  let run: SuiteRun | undefined;
  let records: TestRecord[] = [];
  let exitCode = -1;
  let outDir = '';

  beforeAll(async () => {
    run = await runSuitesOnVirtualBoard({
      board: 'virtual-mp257',
      name: 'silent-mp257',
      suites: ['rpmsg'],
      variants: ['st-default'],
      profile: (p) => ({ ...p, timeouts: { ...p.timeouts, tty: 1000 } }),
      onStart: (vb) => vb.setFault('crashAfterMessages', 3),
    });
    ({ records, exitCode, outDir } = run);
  }, 60_000);

  afterAll(async () => {
    await run?.cleanup();
  });

  test('fails (exit 1): every test fails as a test failure, not an infrastructure error', () => {
    expect(exitCode).toBe(1);
    expect(statuses(records, 'st-default')).toEqual(Object.fromEntries(ALL.map((s) => [s, 'failed'])));
    for (const r of records) expect(r.failure?.kind).toBe('failure');
  });

  test('the failure tells a firmware engineer what was expected and what the board showed', () => {
    const r = byVariant(records, 'st-default');
    expect(r['echo-of-1-byte']?.failure?.message).toMatch(
      /^expected: the 1 byte\(s\) written to the echo tty \/dev\/ttyRPMSG\d come back unchanged within 1000 ms \(DESIGN §6: channel 0 sends every message back unchanged; 1 <= 496 bytes = the rpmsg MTU, so one message, remoteproc\.md §6\.1\)\nthe board showed: phase "rpmsg" ran out of its 1000 ms budget on silent-mp257 waiting for the echo of 1 bytes on \/dev\/ttyRPMSG\d; received so far: ""/,
    );
    // the split test closed the channels; reopening them asks each tty `ping`, which the silent firmware never answers
    expect(r[BURST]?.failure?.message).toMatch(
      /^expected: each rpmsg tty of st-default answers "ping" within 1000 ms: channel 0 returns "ping", channel 1 answers "pong" \(DESIGN §6\)\nthe board showed: phase "rpmsg" ran out of its 1000 ms budget on silent-mp257 waiting for the reply to "ping" on \/dev\/ttyRPMSG0/,
    );
    expect(fs.existsSync(path.join(outDir, r[BURST]?.evidence ?? 'missing'))).toBe(true);
  });
});

/** What the split test expects from the control channel for a 1000-byte write (remoteproc.md §6.3, firmware/common/app.c). */
describe('split probe: the replies that show where the tty cut a write', () => {
  test('496 + 496 + 8: three replies naming the offsets 0, 496 and 992', () => {
    const probe = splitProbe(1000);
    expect(probe).toHaveLength(1000);
    expect(probe.slice(496, 512)).toBe('0000496.0000504.');
    expect(ttyChunks(1000)).toEqual([{ start: 0, length: 496 }, { start: 496, length: 496 }, { start: 992, length: 8 }]);
    const replies = expectedSplitReplies(probe, ttyChunks(1000));
    expect(replies[2]).toBe('error unknown command: 0000992.');
    expect(describeReplies(replies)).toBe('a message starting at byte 0, a message starting at byte 496, a message starting at byte 992 (8 bytes long)');
  });

  test('a driver cutting at 512 would draw different replies', () => {
    const probe = splitProbe(1000);
    expect(expectedSplitReplies(probe, ttyChunks(1000, 512))).not.toEqual(expectedSplitReplies(probe, ttyChunks(1000)));
    expect(describeReplies(expectedSplitReplies(probe, ttyChunks(1000, 512)))).toBe('a message starting at byte 0, a message starting at byte 512');
  });
});
