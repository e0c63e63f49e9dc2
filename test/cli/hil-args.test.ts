// `npm run hil` arguments (DESIGN §4.3): defaults, filters, pinned usage errors (exit 2) before any board is touched.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { runHil } from '../../harness/cli/hil';
import { DEFAULT_BOARDS, HIL_SUITES, parseHilArgs } from '../../harness/cli/hil-args';
import { UsageError } from '../../harness/errors';

const cwd = '/work/somewhere';
const ENV = {} as NodeJS.ProcessEnv;

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hil-args-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function usage(argv: string[], env: NodeJS.ProcessEnv = ENV): string {
  try {
    parseHilArgs(argv, env, cwd);
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error('expected a UsageError');
}

/** runs the real entry point in-process and captures what a user sees */
async function hil(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await runHil(argv, { stdout: out, stderr: err, env: { PATH: process.env.PATH, ...env } });
  return { code, stdout, stderr };
}

describe('parseHilArgs', () => {
  test('no arguments: the two twin boards, every suite and variant, lease wait 60 s, no retries', () => {
    const o = parseHilArgs([], ENV, cwd);
    expect(o).toMatchObject({ boards: ['twin-mp157', 'twin-mp257'], defaultBoards: true, variants: null, suites: null, leaseWaitS: 60, retries: 0, json: false });
    expect(DEFAULT_BOARDS).toEqual(['twin-mp157', 'twin-mp257']);
    expect(o.outDir).toBeUndefined();
    expect(o.farmFile).toBeUndefined();
  });

  test('comma lists and repeats combine; duplicates drop; suites run in their fixed order', () => {
    const o = parseHilArgs(['--board', 'virtual-mp157,virtual-mp257', '--board', 'virtual-mp157', '--suite', 'rpmsg', '--suite', 'boot,rpmsg', '--variant', 'st-default,no-table', '--variant', 'vdev-only'], ENV, cwd);
    expect(o.boards).toEqual(['virtual-mp157', 'virtual-mp257']);
    expect(o.defaultBoards).toBe(false);
    expect(o.suites).toEqual(['boot', 'rpmsg']);
    expect(o.variants).toEqual(['st-default', 'no-table', 'vdev-only']);
    expect(HIL_SUITES).toEqual(['boot', 'resource-table', 'rpmsg', 'trace', 'crash']);
  });

  test('paths are made absolute against the working directory; HIL_FARM is the default inventory', () => {
    const o = parseHilArgs(['--out', 'res/x', '--firmware', '../fw', '--known-failures', 'ci/known-failures.yaml'], { HIL_FARM: 'lab/farm.yaml' }, cwd);
    expect(o.outDir).toBe('/work/somewhere/res/x');
    expect(o.firmwareDir).toBe('/work/fw');
    expect(o.knownFailuresFile).toBe('/work/somewhere/ci/known-failures.yaml');
    expect(o.farmFile).toBe('/work/somewhere/lab/farm.yaml');
    expect(parseHilArgs(['--farm', '/etc/farm.yaml'], { HIL_FARM: 'lab/farm.yaml' }, cwd).farmFile).toBe('/etc/farm.yaml');
  });

  test('--lease-wait wins over HIL_LEASE_WAIT_S, which wins over 60', () => {
    expect(parseHilArgs(['--lease-wait', '5'], { HIL_LEASE_WAIT_S: '7' }, cwd).leaseWaitS).toBe(5);
    expect(parseHilArgs([], { HIL_LEASE_WAIT_S: '7' }, cwd).leaseWaitS).toBe(7);
    expect(parseHilArgs(['--retries', '2', '--json'], ENV, cwd)).toMatchObject({ retries: 2, json: true });
  });

  test('bad values name the flag and what it takes', () => {
    expect(usage(['--suite', 'smoke'])).toBe('unknown suite "smoke"; suites are: boot, resource-table, rpmsg, trace, crash');
    expect(usage(['--variant', 'St Default'])).toBe('--variant "St Default" is not a variant name (lower-case letters, digits, . _ -; at most 64 characters)');
    expect(usage(['--retries', '11'])).toBe('--retries takes a whole number from 0 to 10, not "11"');
    expect(usage(['--retries', '-1'])).toBe('--retries takes a whole number from 0 to 10, not "-1"');
    expect(usage(['--board', ','])).toBe('--board needs at least one board name');
    expect(usage(['--lease-wait', 'soon'])).toBe('--lease-wait is "soon"; expected the number of seconds to wait for a board leased by another runner (e.g. 60, or 0 to fail at once)');
    expect(usage([], { HIL_LEASE_WAIT_S: '-3' })).toBe('HIL_LEASE_WAIT_S is "-3"; expected the number of seconds to wait for a board leased by another runner (e.g. 60, or 0 to fail at once)');
    expect(usage(['--boards', 'x'])).toBe('unknown option --boards (did you mean --board?)');
  });
});

describe('runHil usage and configuration errors: exit 2, one message, nothing started', () => {
  test('--help prints the flags and the exit codes and exits 0', async () => {
    const r = await hil(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('usage: hil [--board B[,B...]] [--variant V ...] [--suite S ...]');
    expect(r.stdout).toContain('Exit 0 passed (or only known failures), 1 test failures or gate failed, 2 usage or configuration error, 3 infrastructure error, 130/143 interrupted.');
    for (const flag of ['--board', '--variant', '--suite', '--firmware', '--out', '--farm', '--known-failures', '--lease-wait', '--retries', '--json']) expect(r.stdout).toContain(`  ${flag} `);
  });

  test('a usage error prints the message and the usage line on stderr', async () => {
    const r = await hil(['--board']);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: option --board needs a value (B[,B...])\nusage: hil [--board B[,B...]] [--variant V ...] [--suite S ...] [--firmware DIR] [--out DIR] [--farm FILE] [--known-failures FILE] [--lease-wait S] [--retries N] [--json]\n',
    });
  });

  test('a board type without a farm instance says how to name a real or virtual board', async () => {
    const r = await hil(['--board', 'stm32mp157f-dk2', '--out', path.join(tmp, 'a')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: "stm32mp157f-dk2" is a board type, not a board: name one of its farm instances (inventory from --farm or HIL_FARM), or a virtual board: twin-mp157, twin-mp257, virtual-mp157, virtual-mp257');
    expect(fs.existsSync(path.join(tmp, 'a'))).toBe(false);
  });

  test('an unknown board without an inventory names --farm and the virtual boards', async () => {
    const r = await hil(['--board', 'mp157-03']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('board "mp157-03" is not a board profile, and no farm inventory was given to look it up as an instance or alias: pass --farm FILE or set HIL_FARM');
  });

  test('an unknown variant lists the variants that exist for the boards', async () => {
    const r = await hil(['--board', 'virtual-mp157', '--variant', 'st-defualt']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown variant "st-defualt": no such \*\.elf in \S*firmware\/build\/stm32mp15; variants there: .*\bst-default\b.*\n/);
  });

  test('--firmware must be a directory with ELF files', async () => {
    const empty = fs.mkdtempSync(path.join(tmp, 'fw-'));
    expect((await hil(['--board', 'virtual-mp157', '--firmware', empty])).stderr).toBe(`error: --firmware ${empty} holds no *.elf file; give the directory holding your firmware ELF files\nusage: hil [--board B[,B...]] [--variant V ...] [--suite S ...] [--firmware DIR] [--out DIR] [--farm FILE] [--known-failures FILE] [--lease-wait S] [--retries N] [--json]\n`);
    const r = await hil(['--board', 'virtual-mp157', '--firmware', path.join(tmp, 'nope')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: --firmware ${path.join(tmp, 'nope')} is not a readable directory`);
  });

  test('--out must be new or empty, so two runs never mix their records', async () => {
    const used = path.join(tmp, 'used');
    fs.mkdirSync(used);
    fs.writeFileSync(path.join(used, 'summary.json'), '{}');
    const r = await hil(['--board', 'virtual-mp157', '--out', used]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: --out ${used} is not empty (it holds summary.json); every run writes its own directory: give a new one or leave --out out`);
  });

  test('a known-failures file that does not exist is a configuration error', async () => {
    const r = await hil(['--board', 'virtual-mp157', '--known-failures', path.join(tmp, 'kf.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('kf.yaml');
  });
});
