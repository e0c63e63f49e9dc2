// The crash suite run by the board jest process on both virtual boards, and all three of suites-b's suites on the twin.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFirmware } from '../../harness/firmware';
import { parseCoredump } from '../../harness/remoteproc';
import type { EvidenceIndex, TestRecord } from '../../harness/reporting/types';
import { runSuitesOnVirtualBoard, type SuiteRun } from '../helpers/suite-run';
import { describeWithTools, TOOLS } from '../helpers/tools';

const PATHS = ['control-crash-watchdog', 'control-crash-hardfault', 'debugfs-crash'];
const SCENARIOS = ['recovery-disabled-crashed-trace0-keeps-the-nonce', 'coredump-enabled-trace-segment-at-da-holds-the-nonce', 'recovery-enabled-firmware-back-and-echoing'];
const slugs = (paths: string[]): string[] => paths.flatMap((p) => SCENARIOS.map((s) => `${p}-${s}`));
const AS_FOUND = 'crash/_/the-board-is-as-it-was-found-recovery-and-coredump-settings-no-coredump-left';

/** failed tests with their messages: asserted empty first, so a failing run shows why */
const failures = (records: TestRecord[]): string[] => records.filter((r) => r.status === 'failed' || r.status === 'error').map((r) => `${r.id}: ${r.failure?.message ?? ''}`);

function byVariant(records: TestRecord[], variant: string): Record<string, TestRecord> {
  return Object.fromEntries(records.filter((r) => r.variant === variant && r.suite === 'crash').map((r) => [r.id.split('/')[2] ?? '', r]));
}

function statuses(records: TestRecord[], variant: string): Record<string, string> {
  return Object.fromEntries(Object.entries(byVariant(records, variant)).map(([slug, r]) => [slug, r.status]));
}

function evidence(run: SuiteRun, r: TestRecord | undefined): { index: EvidenceIndex; file(name: string): Buffer } {
  if (!r?.evidence) throw new Error(`${r?.id ?? 'record'} has no evidence`);
  const dir = path.join(run.outDir, path.dirname(r.evidence));
  return { index: JSON.parse(fs.readFileSync(path.join(run.outDir, r.evidence), 'utf8')) as EvidenceIndex, file: (name) => fs.readFileSync(path.join(dir, name)) };
}

/** the attached devcoredump is an ELF core with the trace buffer at the table's da, and the rebuilt log holds the nonce */
function expectCoredumpEvidence(run: SuiteRun, r: TestRecord | undefined, elf: string): void {
  const ev = evidence(run, r);
  expect(ev.index.files.find((f) => f.name === 'coredump.elf')?.kind).toBe('coredump');
  const core = parseCoredump(ev.file('coredump.elf'));
  const trace = analyzeFirmware(fs.readFileSync(elf), { file: elf }).table?.entries.find((e) => e.type === 'trace');
  if (trace?.type !== 'trace') throw new Error(`${elf} has no trace entry`);
  expect(core.segments.find((s) => s.vaddr === trace.da)?.size).toBe(trace.len);
  expect(ev.file('trace0-from-coredump.txt').toString('latin1')).toMatch(/\[\d{5}\.\d{3}\]\[INFO \] hil-crash-[0-9a-f]{8}\n/);
}

const firmware = (port: string, variant: string): string => path.resolve(__dirname, '..', '..', 'firmware', 'build', port, `${variant}.elf`);

describe('crash suite on virtual-mp157 (st-default, small-log, vdev-only)', () => {
  let run: SuiteRun;
  beforeAll(async () => {
    run = await runSuitesOnVirtualBoard({ board: 'virtual-mp157', suites: ['crash'], variants: ['st-default', 'small-log', 'vdev-only'] });
  }, 60_000);
  afterAll(async () => {
    await run?.cleanup();
  });

  test('passes every path and scenario on st-default and on the 256-byte log; vdev-only is skipped for lack of a control channel', () => {
    expect(run.infra).toBeUndefined();
    expect(failures(run.records)).toEqual([]);
    expect(run.exitCode).toBe(0);
    for (const v of ['st-default', 'small-log']) expect(statuses(run.records, v)).toEqual(Object.fromEntries(slugs(PATHS).map((s) => [s, 'passed'])));
    const vdev = Object.values(byVariant(run.records, 'vdev-only'));
    expect(vdev).toHaveLength(9);
    for (const r of vdev) {
      expect(r.status).toBe('skipped');
      expect(r.skipReason).toBe('variant vdev-only has no control channel (firmware/variants.yaml expect.control: false; DESIGN §6 channel 1): the crash suite logs its nonce through the control channel');
    }
    expect(run.records.find((r) => r.id === AS_FOUND)?.status).toBe('passed');
  });

  test('evidence: the coredump is attached and holds the trace segment at da with the nonce; the crashed trace0 ends with the crash request', () => {
    const st = byVariant(run.records, 'st-default');
    for (const p of PATHS) expectCoredumpEvidence(run, st[`${p}-${SCENARIOS[1]}`], firmware('stm32mp15', 'st-default'));
    expectCoredumpEvidence(run, byVariant(run.records, 'small-log')[`debugfs-crash-${SCENARIOS[1]}`], firmware('stm32mp15', 'small-log'));
    const crashed = evidence(run, st[`control-crash-hardfault-${SCENARIOS[0]}`]).file('trace0-crashed.txt').toString('latin1');
    expect(crashed).toMatch(/\[INFO \] hil-crash-[0-9a-f]{8}\n\[\d{5}\.\d{3}\]\[ERR {2}\] crash hardfault requested\n$/);
    expect(evidence(run, st[`control-crash-watchdog-${SCENARIOS[2]}`]).index.files.map((f) => f.name)).toEqual(expect.arrayContaining(['dmesg-crash.txt', 'dmesg-recovery.txt', 'trace0-recovered.txt']));
  });
});

describe('crash suite on virtual-mp257 (st-default)', () => {
  let run: SuiteRun;
  beforeAll(async () => {
    run = await runSuitesOnVirtualBoard({ board: 'virtual-mp257', suites: ['crash'], variants: ['st-default'] });
  }, 60_000);
  afterAll(async () => {
    await run?.cleanup();
  });

  test('the debugfs path passes; the control paths are skipped: no watchdog reaches Linux on the M33 (firmware.md §5.4)', () => {
    expect(run.infra).toBeUndefined();
    expect(failures(run.records)).toEqual([]);
    expect(run.exitCode).toBe(0);
    const st = byVariant(run.records, 'st-default');
    expect(statuses(run.records, 'st-default')).toEqual({
      ...Object.fromEntries(slugs(['control-crash-watchdog', 'control-crash-hardfault']).map((s) => [s, 'skipped'])),
      ...Object.fromEntries(slugs(['debugfs-crash']).map((s) => [s, 'passed'])),
    });
    const capability = 'board virtual-mp257 (profile virtual-mp257) has no watchdogCrash capability (capabilities.watchdogCrash: false in its profile)';
    expect(st[`control-crash-watchdog-${SCENARIOS[0]}`]?.skipReason).toBe(
      `"crash watchdog" cannot be seen by Linux on this board: no watchdog interrupt is wired for the M33 on stock images, so a firmware fault never reaches Linux (firmware.md §5.4); ${capability}`,
    );
    expect(st[`control-crash-hardfault-${SCENARIOS[2]}`]?.skipReason).toBe(
      `"crash hardfault" cannot be seen by Linux on this board: the HardFault handler spins until the watchdog fires, and no watchdog interrupt is wired for the M33 on stock images, so a firmware fault never reaches Linux (firmware.md §5.4); ${capability}`,
    );
    expectCoredumpEvidence(run, st[`debugfs-crash-${SCENARIOS[1]}`], firmware('stm32mp25', 'st-default'));
    expect(run.records.find((r) => r.id === AS_FOUND)?.status).toBe('passed');
  });
});

describeWithTools([TOOLS.qemu, TOOLS.armGcc, TOOLS.make], 'rpmsg, trace and crash suites on twin-mp157 (st-default firmware in QEMU)', () => {
  let run: SuiteRun;
  beforeAll(async () => {
    run = await runSuitesOnVirtualBoard({ board: 'twin-mp157', suites: ['rpmsg', 'trace', 'crash'], variants: ['st-default'] });
  }, 90_000);
  afterAll(async () => {
    await run?.cleanup();
  });

  test('every test passes against the real firmware: 8 rpmsg, 4 trace, 9 crash + the as-found check', () => {
    expect(run.infra).toBeUndefined();
    expect(failures(run.records)).toEqual([]);
    expect(run.exitCode).toBe(0);
    const counts = (suite: string): Record<string, number> =>
      run.records.filter((r) => r.suite === suite).reduce<Record<string, number>>((a, r) => ({ ...a, [r.status]: (a[r.status] ?? 0) + 1 }), {});
    expect([counts('rpmsg'), counts('trace'), counts('crash')]).toEqual([{ passed: 8 }, { passed: 4 }, { passed: 10 }]);
    const burst = run.records.find((r) => r.id === 'rpmsg/st-default/1-000-message-burst-comes-back-in-order-with-no-loss');
    expect(burst?.properties).toMatchObject({ 'rpmsg.burst.received': 1000 });
    expect(typeof burst?.properties['rpmsg.throughput.bytes_per_s']).toBe('number');
  });

  test('the watchdog-path coredump of the emulated M4 holds the trace segment at da and the nonce', () => {
    expectCoredumpEvidence(run, byVariant(run.records, 'st-default')[`control-crash-watchdog-${SCENARIOS[1]}`], firmware('qemu-m4', 'st-default'));
  });
});
