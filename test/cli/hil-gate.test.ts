// The gate inside `hil --known-failures` (DESIGN §4.3): a planted regression fails it (exit 1); listed, it passes with a
// warning (exit 0); an expired entry fails it again. The regression: the board's coprocessor dies on the first rpmsg message.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { runHil } from '../../harness/cli/hil';
import type { RunSummary } from '../../harness/reporting/types';
import { startVirtualBoard, type VirtualBoard } from '../../harness/virtual';

jest.setTimeout(60_000);

const REGRESSED = 'rpmsg/st-default/echo-of-1-byte';
/** the entry covers the variant's rpmsg tests: on a loaded machine the recovery after the crash can spill into the next test */
const ENTRY = 'rpmsg/st-default/*';
let tmp: string;
let board: VirtualBoard;
let farm: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hil-gate-'));
  board = await startVirtualBoard({ profile: 'virtual-mp157', stateDir: path.join(tmp, 'state'), console: 'tcp' });
  const s = board.ssh;
  farm = path.join(tmp, 'farm.yaml');
  fs.writeFileSync(
    farm,
    `boards:\n  vdk2-local:\n    type: stm32mp157f-dk2\n    ssh: { host: 127.0.0.1, port: ${s.port}, user: root, privateKey: ${s.privateKey}, hostKey: "${s.hostKey}" }\n` +
      `    console: { tcp: "${(board.console as { tcp: string }).tcp}" }\n`,
  );
});
afterAll(async () => {
  await board.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function knownFailures(name: string, expires: string): string {
  const file = path.join(tmp, `${name}.yaml`);
  fs.writeFileSync(file, `- id: "${ENTRY}"\n  board: vdk2-*\n  reason: firmware stops echoing after its first message\n  issue: https://gitlab.example.com/fw/m4/-/issues/7\n  expires: "${expires}"\n`);
  return file;
}

/** one rpmsg run of the st-default variant with the regression planted: the coprocessor crashes inside the first message */
async function regressedRun(name: string, extra: string[] = []): Promise<{ code: number; stdout: string; summary: RunSummary }> {
  await board.setFault('crashAfterMessages', 1);
  const out = new PassThrough();
  let stdout = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  const dir = path.join(tmp, name);
  const code = await runHil(['--farm', farm, '--board', 'vdk2-local', '--suite', 'rpmsg', '--variant', 'st-default', '--out', dir, ...extra], {
    stdout: out,
    stderr: new PassThrough(),
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
  return { code, stdout, summary: JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')) as RunSummary };
}

test('the regression is a new failure: the gate fails and hil exits 1', async () => {
  const r = await regressedRun('new');
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/^ FAIL {2}vdk2-local {2}rpmsg › st-default › echo of 1 byte {2}\(/m);
  expect(r.summary.gate.verdict).toBe('fail');
  expect(r.summary.gate.newFailures.map((f) => f.id)).toContain(REGRESSED);
  expect(r.stdout).toMatch(/\nFAIL \(exit 1\): gate failed: \d+ new failures?\n/);
});

test('listed in known failures it passes the gate with a warning: exit 0', async () => {
  const r = await regressedRun('known', ['--known-failures', knownFailures('kf', '2099-12-31')]);
  expect(r.code).toBe(0);
  expect(r.summary.gate.verdict).toBe('pass');
  expect(r.summary.gate.knownFailures.map((f) => f.id)).toContain(REGRESSED);
  expect(r.summary.gate.newFailures).toEqual([]);
  expect(r.stdout).toMatch(/gate: PASS with \d+ known failures? \(warning\)/);
  expect(r.stdout).toMatch(/\nPASS \(exit 0\): passed with \d+ known failures? \(see the gate report above\)\n/);
});

test('an expired entry no longer covers it: the gate fails again, exit 1', async () => {
  const r = await regressedRun('expired', ['--known-failures', knownFailures('kf-old', '2020-01-31')]);
  expect(r.code).toBe(1);
  expect(r.summary.gate.expired.map((f) => f.id)).toContain(REGRESSED);
  expect(r.summary.gate.newFailures).toEqual([]);
  expect(r.stdout).toMatch(/\nFAIL \(exit 1\): gate failed: \d+ expired known failures?\n/);
});
