// The boot suite end to end: it passes on both virtual boards and the twin, takes a custom firmware set (failing start,
// reasoned skips), and fails with clear messages when the manifest or the profile lies about the board.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyMutation, parseVariantManifest, variantsForPort } from '../../harness/firmware';
import type { TestRecord } from '../../harness/reporting/types';
import { rerunWith, runSuitesOnVirtualBoard, type SuiteRun } from '../helpers/suite-run';
import { describeWithTools, hasTool, TOOLS } from '../helpers/tools';

const REPO = path.resolve(__dirname, '..', '..');
const BOARDS = ['virtual-mp157', 'virtual-mp257'] as const;
/**
 * One variant per kind of boot the suite must tell apart (COMMON.md: e2e files filter variants; the full set runs under
 * `npm run hil`): no table, ST default (era tests), no rpmsg despite a vdev, two traces, a printed warning, a linked
 * carveout (MP15 only), channels without ttys.
 */
const SAMPLE = ['no-table', 'st-default', 'vring-32', 'two-traces', 'vendor-entry', 'carveout', 'legacy-tty-name'];
const sampleFor = (port: string) => variantsForPort(manifest, port).filter((v) => SAMPLE.includes(v.name));
const manifest = parseVariantManifest(fs.readFileSync(path.join(REPO, 'firmware', 'variants.yaml'), 'utf8'), 'variants.yaml');

interface Rerun {
  exitCode: number;
  records: TestRecord[];
}

function copyPort(port: string, to: string): void {
  const from = path.join(REPO, 'firmware', 'build', port);
  for (const f of fs.readdirSync(from).filter((n) => n.endsWith('.elf'))) fs.copyFileSync(path.join(from, f), path.join(to, f));
}

const byId = (records: TestRecord[], part: string) => records.filter((r) => r.id.includes(part));
const summary = (records: TestRecord[]) => records.map((r) => `${r.status} ${r.id}${r.failure ? `: ${r.failure.message.split('\n')[0]}` : ''}`).join('\n');

const TWIN_TOOLS = [TOOLS.qemu, TOOLS.armGcc, TOOLS.make];
const runs = new Map<string, SuiteRun>();
let custom: Rerun;
let lie: Rerun;
let twin: SuiteRun | undefined;

/** the board's run, then a rerun on the same board while it is still up */
async function runThen(board: (typeof BOARDS)[number], next: (r: SuiteRun) => Promise<Rerun>): Promise<Rerun> {
  const port = board === 'virtual-mp157' ? 'stm32mp15' : 'stm32mp25';
  const run = await runSuitesOnVirtualBoard({ board, suites: ['boot'], variants: sampleFor(port).map((v) => v.name) });
  runs.set(board, run);
  return next(run);
}

// every run starts at once (the boards are independent) so the file stays well inside a minute
beforeAll(async () => {
  const twinRun = TWIN_TOOLS.every((t) => hasTool(t.command))
    ? runSuitesOnVirtualBoard({ board: 'twin-mp157', suites: ['boot'], variants: ['st-default', 'no-table'] }).then((r) => {
        runs.set('twin-mp157', r);
        return r;
      })
    : Promise.resolve(undefined);
  // allSettled: every board that started is in `runs` (and stopped by afterAll) even when another run failed
  const [c, l, t] = await Promise.allSettled([
    // --firmware DIR: st-default plus a devmem mutant (expectations derived from each table); no trace capability
    runThen('virtual-mp157', (run) => rerunWith(run, 'custom', (s, dir) => {
      const st = fs.readFileSync(path.join(REPO, 'firmware', 'build', 'stm32mp15', 'st-default.elf'));
      fs.writeFileSync(path.join(dir, 'st-default.elf'), st);
      fs.writeFileSync(path.join(dir, 'devmem-entry.elf'), applyMutation(st, 'devmem-entry'));
      return { ...s, firmwareSource: 'custom', firmwareDir: dir, variants: null, profile: { ...s.profile, capabilities: { ...s.profile.capabilities, trace: false } } };
    })),
    // the manifest's vdev-only (1 tty, no trace) is really st-default (2 ttys, trace0); the profile claims kernel 5.15
    runThen('virtual-mp257', (run) => rerunWith(run, 'lie', (s, dir) => {
      copyPort('stm32mp25', dir);
      fs.copyFileSync(path.join(dir, 'st-default.elf'), path.join(dir, 'vdev-only.elf'));
      const kernel = { ...s.profile.kernel, release: '5.15.118-stm32mp-r2', stateRules: 'ebusy' as const };
      return { ...s, firmwareDir: dir, variants: ['st-default', 'vdev-only'], profile: { ...s.profile, kernel } };
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

describe('the boot suite on the virtual boards', () => {
  describe.each(BOARDS)('%s', (board) => {
    test('passes: exit 0 and every test passed', () => {
      const run = runs.get(board);
      expect(run?.exitCode).toBe(0);
      expect(summary((run?.records ?? []).filter((r) => r.status !== 'passed'))).toBe('');
      expect(run?.records.length).toBeGreaterThan(0);
    });

    test('start, trace and stop tests for each sampled variant of the board\'s port, plus the two kernel-era tests on st-default', () => {
      const run = runs.get(board);
      if (!run) throw new Error('no run');
      const variants = sampleFor(run.spec.profile.coprocessor.firmwarePort);
      expect(variants.length).toBe(board === 'virtual-mp157' ? SAMPLE.length : SAMPLE.length - 1);
      const era = `kernel-${run.spec.profile.kernel.release.replace(/[^a-z0-9]+/g, '-')}-`;
      for (const v of variants) {
        const want = v.expect[run.spec.profile.soc]?.boots ? ['start-running-', 'debugfs-shows-', 'stop-offline-'] : ['start-fails-with-'];
        if (v.name === 'st-default') want.push(era, 'stop-while-offline-');
        const slugs = run.records.filter((r) => r.variant === v.name).map((r) => r.id.split('/')[2] ?? '');
        expect([v.name, slugs.map((slug, i) => (want[i] !== undefined && slug.startsWith(want[i]) ? want[i] : slug))]).toEqual([v.name, want]);
      }
      expect(run.records.every((r) => r.suite === 'boot' && r.board === board)).toBe(true);
      expect(run.records.length).toBe(variants.length * 3 + 2);
    });
  });

  test('the dmesg evidence of a start holds the kernel lines the suite checked', () => {
    const run = runs.get('virtual-mp157');
    const rec = run?.records.find((r) => r.id.startsWith('boot/st-default/start-running'));
    if (!run || !rec?.evidence) throw new Error('no evidence for boot/st-default/start-running...');
    const index = JSON.parse(fs.readFileSync(path.join(run.outDir, rec.evidence), 'utf8')) as { files: { name: string; kind: string }[] };
    const dmesg = index.files.find((f) => f.kind === 'dmesg');
    const text = fs.readFileSync(path.join(path.dirname(path.join(run.outDir, rec.evidence)), dmesg?.name ?? 'missing'), 'utf8');
    expect(text).toMatch(/remoteproc remoteproc0: powering up m4\n.*Booting fw image rproc-hil-st-default\.elf, size \d+\n[^]*remote processor m4 is now up/);
    expect(rec.properties['boot.ttys']).toBe(2);
  });
});

describe('custom firmware and planted expectations on the same boards', () => {
  test('a custom ELF whose table is fatal: its start fails with EINVAL (22) as its table predicts, and the run passes', () => {
    expect(custom.exitCode).toBe(0);
    const fatal = byId(custom.records, 'boot/devmem-entry/');
    expect(fatal.map((r) => [r.title, r.status])).toEqual([
      ['start fails with EINVAL (22) and the kernel\'s reason in dmesg; the core stays offline (remoteproc.md §1.3, §3.3)', 'passed'],
    ]);
  });

  test('a profile without the trace capability: the trace tests are skipped with the reason naming it', () => {
    const skipped = custom.records.filter((r) => r.status === 'skipped');
    expect(skipped.map((r) => [r.id, r.skipReason])).toEqual([
      ['boot/st-default/debugfs-shows-trace0-while-running-remoteproc-md-4', 'board virtual-mp157 (profile virtual-mp157) has no trace capability (capabilities.trace: false in its profile)'],
    ]);
  });

  test('a manifest promising 1 tty and no trace for firmware with 2 ttys and trace0: exit 1, both tests say what was expected and seen', () => {
    expect(lie.exitCode).toBe(1);
    const start = byId(lie.records, 'boot/vdev-only/start-running')[0];
    expect(start?.status).toBe('failed');
    expect(start?.failure?.message).toContain('vdev-only (rproc-hil-vdev-only.elf) on virtual-mp257: the start is not what the variant\'s table predicts');
    expect(start?.failure?.message).toContain('expected 1 /dev/ttyRPMSG* (firmware/variants.yaml expect.ttys; remoteproc.md §6.3: one per rpmsg-tty channel); the board has 2: /dev/ttyRPMSG0 /dev/ttyRPMSG1');
    expect(start?.failure?.message).toContain('expected 1 line(s) "virtio_rpmsg_bus virtioN: creating channel <name> addr 0x<addr>" (remoteproc.md §6.2); dmesg has 2');
    const trace = byId(lie.records, 'boot/vdev-only/debugfs-shows')[0];
    expect(trace?.failure?.message).toContain('expected debugfs trace files [] (one per trace entry');
    expect(trace?.failure?.message).toContain('the board shows [trace0]');
  });

  test('a profile claiming kernel 5.15 on a 6.6 board: the era test fails, saying EBUSY was expected and the kernel accepted the start', () => {
    const era = byId(lie.records, 'boot/st-default/kernel-5-15')[0];
    expect(era?.title).toBe('kernel 5.15.118-stm32mp-r2 (< 5.19): a second start fails with EBUSY (16), the core keeps running, one stop stops it (remoteproc.md §1.3)');
    expect(era?.status).toBe('failed');
    expect(era?.failure?.message).toContain('expected "start" while running to fail with EBUSY (16) (old rules); the kernel accepted it — does the board run 5.19 or later? fix kernel.release in the profile');
    // the lies touch nothing else: the rest of st-default passes
    expect(byId(lie.records, 'boot/st-default/').filter((r) => r.status !== 'passed').map((r) => r.id)).toEqual([era?.id]);
  });
});

describeWithTools(TWIN_TOOLS, 'the boot suite on twin-mp157 (firmware in QEMU)', () => {
  test('st-default and no-table pass: 3 tests each, plus the two era tests', () => {
    if (!twin) throw new Error('the twin run did not start');
    expect(summary(twin.records.filter((r) => r.status !== 'passed'))).toBe('');
    expect(twin.exitCode).toBe(0);
    expect(twin.records.map((r) => r.variant)).toEqual(['no-table', 'no-table', 'no-table', 'st-default', 'st-default', 'st-default', 'st-default', 'st-default']);
  });
});
