// The variant plan of a board: builtin from firmware/variants.yaml for the board's port, custom from --firmware DIR.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadProfile } from '../../harness/config';
import { planVariants } from '../../harness/jest/plan';
import type { SessionSpec } from '../../harness/jest/types';
import { firmwareDirOf } from '../helpers/suite-run';
import { describeWithTools, TOOLS } from '../helpers/tools';

function specFor(board: string, over: Partial<SessionSpec> = {}): SessionSpec {
  const profile = loadProfile(board);
  return {
    runId: 'r', board, profile, instance: { name: board, type: profile.name, ssh: { host: '127.0.0.1', port: 22, user: 'root', privateKey: 'k', hostKey: `SHA256:${'A'.repeat(43)}` }, power: { backend: 'none' } },
    outDir: '/tmp/o', workDir: '/tmp/o/.work/b', evidenceDir: '/tmp/o/evidence/b', consoleLog: '/tmp/o/c.log',
    firmwareDir: firmwareDirOf(profile.coprocessor.firmwarePort), firmwareSource: 'builtin', variants: null, suites: null,
    leaseWaitS: 0, owner: 'me', retries: 0, ...over,
  };
}

function thrown(f: () => unknown): { code?: string; message: string } {
  try {
    f();
  } catch (e) {
    return e as { code?: string; message: string };
  }
  throw new Error('expected an error');
}

describeWithTools([TOOLS.armGcc, TOOLS.make], 'planVariants', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rproc-hil-plan-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('builtin on virtual-mp157: every stm32mp15 variant in manifest order, deployed as rproc-hil-<name>.elf with its sha256', () => {
    const plan = planVariants(specFor('virtual-mp157'));
    expect(plan.map((v) => v.name)).toEqual(['no-table', 'vdev-only', 'st-default', 'vring-4', 'vring-8', 'vring-32', 'vring-64', 'trace-only', 'two-traces', 'no-ns', 'vendor-entry', 'carveout', 'legacy-tty-name', 'small-log', 'mp25-trace']);
    const st = plan.find((v) => v.name === 'st-default');
    expect(st?.firmwareName).toBe('rproc-hil-st-default.elf');
    expect(st?.sha256).toBe(createHash('sha256').update(fs.readFileSync(st?.elfPath ?? '')).digest('hex'));
    expect(st?.expect).toMatchObject({ ttys: 2, control: true, traceNames: ['cm4_log'] });
    expect(st?.report.verdict.boots).toBe(true);
    expect(st?.skip).toBeUndefined();
  });

  test('builtin on virtual-mp257 takes the MP25 expectations and leaves out the MP15-only carveout variant', () => {
    const plan = planVariants(specFor('virtual-mp257'));
    expect(plan.map((v) => v.name)).not.toContain('carveout');
    expect(plan.find((v) => v.name === 'st-default')?.expect).toMatchObject({ traceNames: ['cm33_log'], logSize: 1048 });
  });

  test('--variant keeps manifest order; an unknown name lists the known ones', () => {
    expect(planVariants(specFor('virtual-mp157', { variants: ['st-default', 'no-table'] })).map((v) => v.name)).toEqual(['no-table', 'st-default']);
    const e = thrown(() => planVariants(specFor('virtual-mp157', { variants: ['nope'] })));
    expect(e.code).toBe('E_CONFIG');
    expect(e.message).toMatch(/^--variant nope: no such variant for port stm32mp15 in firmware\/variants\.yaml; known: no-table, vdev-only, /);
  });

  test('a builtin ELF that was not built says how to build it', () => {
    const e = thrown(() => planVariants(specFor('virtual-mp157', { firmwareDir: tmp })));
    expect(e.message).toBe(`firmware variant no-table: ${path.join(tmp, 'no-table.elf')} does not exist; build the test firmware with \`npm run firmware\` (make -C firmware) or pass --firmware DIR`);
  });

  test('custom: every *.elf of the directory, expectations derived from its table', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'custom-'));
    fs.copyFileSync(path.join(firmwareDirOf('stm32mp15'), 'st-default.elf'), path.join(dir, 'team-fw.elf'));
    fs.copyFileSync(path.join(firmwareDirOf('stm32mp15'), 'no-table.elf'), path.join(dir, 'bare.elf'));
    fs.writeFileSync(path.join(dir, 'README.txt'), 'not firmware');
    const plan = planVariants(specFor('virtual-mp157', { firmwareDir: dir, firmwareSource: 'custom' }));
    expect(plan.map((v) => `${v.name} ${v.firmwareName}`)).toEqual(['bare rproc-hil-bare.elf', 'team-fw rproc-hil-team-fw.elf']);
    expect(plan[1]?.expect).toMatchObject({ verdict: 'ok', rpmsg: true, ttys: null, control: null, traceNames: ['cm4_log'], logSize: 2048 });
    expect(plan[0]?.expect).toMatchObject({ verdict: 'no-table', rpmsg: false, ttys: 0 });
  });

  test('custom: a file name that cannot be a variant name, and an empty directory, are configuration errors', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'bad-'));
    fs.writeFileSync(path.join(dir, 'My Firmware.elf'), 'x');
    expect(thrown(() => planVariants(specFor('virtual-mp157', { firmwareDir: dir, firmwareSource: 'custom' }))).message).toBe(
      `--firmware ${path.join(dir, 'My Firmware.elf')}: "My Firmware" cannot be a variant name (it becomes rproc-hil-My Firmware.elf on the board); rename the file to lower-case letters, digits, . _ - (at most 64, starting with a letter or digit) + .elf`,
    );
    const dots = fs.mkdtempSync(path.join(tmp, 'dots-'));
    fs.writeFileSync(path.join(dots, 'fw..v2.elf'), 'x');
    expect(thrown(() => planVariants(specFor('virtual-mp157', { firmwareDir: dots, firmwareSource: 'custom' }))).message).toBe(
      `--firmware ${path.join(dots, 'fw..v2.elf')}: "fw..v2" cannot be a variant name: it contains ".." and the board's firmware loader refuses path walking; rename the file without ".."`,
    );
    const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
    expect(thrown(() => planVariants(specFor('virtual-mp157', { firmwareDir: empty, firmwareSource: 'custom' }))).message).toBe(`--firmware ${empty}: no *.elf file in that directory; put the firmware ELF files to test there`);
  });
});
