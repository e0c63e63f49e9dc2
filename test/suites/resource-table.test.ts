// The resource-table suite end to end: live tables and every mutation pass on both virtual boards and the twin, a custom
// firmware set gets reasoned skips, and a lying manifest or profile makes it fail saying what it expected and saw.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { boardRulesOf } from '../../harness/config';
import { analyzeFirmware, applyMutation, MUTATIONS, parseVariantManifest, variantsForPort } from '../../harness/firmware';
import type { TestRecord } from '../../harness/reporting/types';
import { rerunWith, runSuitesOnVirtualBoard, type SuiteRun } from '../helpers/suite-run';
import { describeWithTools, hasTool, TOOLS } from '../helpers/tools';

const REPO = path.resolve(__dirname, '..', '..');
const BOARDS = ['virtual-mp157', 'virtual-mp257'] as const;
const PORT = { 'virtual-mp157': 'stm32mp15', 'virtual-mp257': 'stm32mp25' } as const;
const TWIN_TOOLS = [TOOLS.qemu, TOOLS.armGcc, TOOLS.make];
const manifest = parseVariantManifest(fs.readFileSync(path.join(REPO, 'firmware', 'variants.yaml'), 'utf8'), 'variants.yaml');
/** a sample of table shapes (COMMON.md: e2e files filter variants): none, ST default, 3 entries with a vendor one, a linked carveout (MP15), two traces */
const SAMPLE = ['no-table', 'st-default', 'vendor-entry', 'carveout', 'two-traces'];
const sampleFor = (port: string) => variantsForPort(manifest, port).filter((v) => SAMPLE.includes(v.name)).map((v) => v.name);

interface Rerun {
  exitCode: number;
  records: TestRecord[];
}

const elfOf = (port: string, variant: string) => fs.readFileSync(path.join(REPO, 'firmware', 'build', port, `${variant}.elf`));
const notPassed = (records: TestRecord[]) => records.filter((r) => r.status !== 'passed').map((r) => `${r.status} ${r.id}: ${r.failure?.message ?? r.skipReason ?? ''}`);

const runs = new Map<string, SuiteRun>();
let custom: Rerun;
let lie: Rerun;
let twin: SuiteRun | undefined;

async function runThen(board: (typeof BOARDS)[number], next: (r: SuiteRun) => Promise<Rerun>): Promise<Rerun> {
  const run = await runSuitesOnVirtualBoard({ board, suites: ['resource-table'], variants: sampleFor(PORT[board]) });
  runs.set(board, run);
  return next(run);
}

// every run starts at once (the boards are independent) so the file stays well inside a minute
beforeAll(async () => {
  const twinRun = TWIN_TOOLS.every((t) => hasTool(t.command))
    ? runSuitesOnVirtualBoard({ board: 'twin-mp157', suites: ['resource-table'], variants: ['st-default', 'no-table'] }).then((r) => {
        runs.set('twin-mp157', r);
        return r;
      })
    : Promise.resolve(undefined);
  // allSettled: every board that started is in `runs` (and stopped by afterAll) even when another run failed
  const [c, l, t] = await Promise.allSettled([
    // --firmware DIR without st-default: a devmem mutant (does not boot) and no-table
    runThen('virtual-mp157', (run) => rerunWith(run, 'custom', (s, dir) => {
      fs.writeFileSync(path.join(dir, 'devmem-entry.elf'), applyMutation(elfOf('stm32mp15', 'st-default'), 'devmem-entry'));
      fs.writeFileSync(path.join(dir, 'no-table.elf'), elfOf('stm32mp15', 'no-table'));
      return { ...s, firmwareSource: 'custom', firmwareDir: dir, variants: null };
    })),
    // two-traces is really small-log (one 256-byte trace; the manifest says cm33_log + cm33_diag, 1048 bytes), and the
    // profile moves vdev0vring0's pa
    runThen('virtual-mp257', (run) => rerunWith(run, 'lie', (s, dir) => {
      for (const v of variantsForPort(manifest, 'stm32mp25')) fs.writeFileSync(path.join(dir, `${v.name}.elf`), elfOf('stm32mp25', v.name));
      fs.writeFileSync(path.join(dir, 'two-traces.elf'), elfOf('stm32mp25', 'small-log'));
      const memory = s.profile.coprocessor.memory.map((m) => (m.name === 'vdev0vring0' ? { ...m, pa: 0x90000000 } : m));
      return { ...s, firmwareDir: dir, variants: ['two-traces'], profile: { ...s.profile, coprocessor: { ...s.profile.coprocessor, memory } } };
    })),
    twinRun,
  ]);
  for (const r of [c, l, t]) if (r.status === 'rejected') throw r.reason;
  if (c.status === 'fulfilled') custom = c.value;
  if (l.status === 'fulfilled') lie = l.value;
  if (t.status === 'fulfilled') twin = t.value;
}, 300_000);

afterAll(async () => {
  await Promise.all([...runs.values()].map((r) => r.cleanup()));
});

describe.each(BOARDS)('the resource-table suite on %s', (board) => {
  test('passes: exit 0, one live-table test per sampled variant and one test per mutation, all passed', () => {
    const run = runs.get(board);
    if (!run) throw new Error('no run');
    expect(run.exitCode).toBe(0);
    expect(notPassed(run.records)).toEqual([]);
    expect(run.records.filter((r) => r.variant !== '_').map((r) => r.variant)).toEqual(sampleFor(PORT[board]));
    expect(run.records.filter((r) => r.variant === '_').map((r) => r.title.split(':')[0])).toEqual(MUTATIONS.map((m) => `mutation ${m.name}`));
  });

  test('each mutation test names the verdict the board\'s own rules predict (not the DK2 catalogue\'s)', () => {
    const run = runs.get(board);
    if (!run) throw new Error('no run');
    const base = elfOf(PORT[board], 'st-default');
    for (const m of MUTATIONS) {
      const v = analyzeFirmware(applyMutation(base, m.name), { file: 'm.elf', board: boardRulesOf(run.spec.profile) }).verdict;
      const words = !v.boots ? `start fails with ${v.errno === 12 ? 'ENOMEM' : 'EINVAL'} (${v.errno})` : v.rpmsg ? 'boots with rpmsg' : 'boots without rpmsg';
      const rec = run.records.find((r) => r.title.startsWith(`mutation ${m.name}: `));
      expect([m.name, rec?.title.slice(`mutation ${m.name}: `.length).split(';')[0]]).toEqual([m.name, words]);
    }
  });

  test('the live table is attached to the test\'s evidence', () => {
    const run = runs.get(board);
    const rec = run?.records.find((r) => r.id.startsWith('resource-table/st-default/'));
    if (!run || !rec?.evidence) throw new Error('no evidence for resource-table/st-default');
    const index = JSON.parse(fs.readFileSync(path.join(run.outDir, rec.evidence), 'utf8')) as { files: { name: string; kind: string }[] };
    const file = index.files.find((f) => f.kind === 'resource-table');
    const dump = JSON.parse(fs.readFileSync(path.join(path.dirname(path.join(run.outDir, rec.evidence)), file?.name ?? 'missing'), 'utf8')) as { type: string }[];
    expect(dump.map((e) => e.type)).toEqual(['vdev', 'trace']);
  });
});

describe('custom firmware and planted expectations', () => {
  test('a custom set without st-default: the variant that does not boot and the mutations are skipped, each with its reason', () => {
    expect(custom.exitCode).toBe(0);
    expect(custom.records.map((r) => [r.id, r.status, r.skipReason])).toEqual([
      ['resource-table/devmem-entry/debugfs-resource-table-the-elf-s-2-entries-with-the-kernel-s-fill-ins-none-once', 'skipped',
        'devmem-entry does not boot on virtual-mp157 (start fails with EINVAL (22)): there is no live resource table to compare'],
      ['resource-table/no-table/debugfs-resource-table-says-no-resource-table-found-the-kernel-runs-it-without-a', 'passed', undefined],
      ['resource-table/_/every-mutation-of-st-default', 'skipped', 'st-default is not among this run\'s variants (--variant filter or --firmware DIR): the mutations are made from it'],
    ]);
  });

  test('a manifest promising two traces and a 1048-byte log for one 256-byte trace, and a profile with the wrong vring pa: exit 1, the test says all three', () => {
    expect(lie.exitCode).toBe(1);
    expect(lie.records.map((r) => [r.id, r.status])).toEqual([
      ['resource-table/two-traces/debugfs-resource-table-the-elf-s-2-entries-with-the-kernel-s-fill-ins-none-once', 'failed'],
      ['resource-table/_/every-mutation-of-st-default', 'skipped'],
    ]);
    const msg = lie.records[0]?.failure?.message ?? '';
    expect(msg).toContain('two-traces (rproc-hil-two-traces.elf) on virtual-mp257: debugfs resource_table differs from the ELF\'s table and what the kernel fills in');
    expect(msg).toContain('expected trace entries named [cm33_log, cm33_diag] (firmware/variants.yaml expect.traceNames); the dump shows [cm33_log]');
    expect(msg).toContain('expected the first trace buffer to be 1048 bytes (firmware/variants.yaml expect.logSize); the dump shows 256');
    expect(msg).toContain('entry 0 (vdev) vring[0].pa: expected 0x0 (as in the ELF) or 0x90000000 (the carveout\'s physical address) (remoteproc.md §2/§3.2: vring pa (who writes it is UNCONFIRMED)); the board shows 2167373824 (0x812f8000)');
  });
});

describeWithTools(TWIN_TOOLS, 'the resource-table suite on twin-mp157 (firmware in QEMU)', () => {
  test('st-default and no-table tables match, every mutation draws its verdict on the real firmware', () => {
    if (!twin) throw new Error('the twin run did not start');
    expect(notPassed(twin.records)).toEqual([]);
    expect(twin.exitCode).toBe(0);
    expect(twin.records).toHaveLength(2 + MUTATIONS.length);
  });
});
