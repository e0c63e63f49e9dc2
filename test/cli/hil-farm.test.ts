// `hil` on a farm instance of type stm32mp157f-dk2 that is really a virtual board (DESIGN §3): pass, pinned host key, SIGINT.
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { runHil } from '../../harness/cli/hil';
import { LEASE_PATH } from '../../harness/board';
import type { RunSummary } from '../../harness/reporting/types';
import { startVirtualBoard, type VirtualBoard } from '../../harness/virtual';
import { Remote } from '../virtual/conformance/ssh-client';

jest.setTimeout(60_000);

let tmp: string;
let board: VirtualBoard;
/** a second DK2 that another runner holds: an alias must pass it by */
let busy: VirtualBoard;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hil-farm-'));
  [board, busy] = await Promise.all([
    startVirtualBoard({ profile: 'virtual-mp157', stateDir: path.join(tmp, 'state'), console: 'tcp' }),
    startVirtualBoard({ profile: 'virtual-mp157', stateDir: path.join(tmp, 'state-busy'), console: 'tcp' }),
  ]);
  const lease = JSON.stringify({ owner: 'ci@other-runner', host: 'other-runner', pid: 4242, expiresAt: '2099-01-01T00:00:00.000Z' });
  await onBoard(`echo '${lease}' > ${LEASE_PATH}`, busy);
});
afterAll(async () => {
  await Promise.all([board.stop(), busy.stop()]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

function instanceLines(name: string, b: VirtualBoard, hostKey: string = b.ssh.hostKey): string[] {
  const s = b.ssh;
  return [
    `  ${name}:`,
    '    type: stm32mp157f-dk2',
    `    ssh: { host: 127.0.0.1, port: ${s.port}, user: root, privateKey: ${s.privateKey}, hostKey: "${hostKey}" }`,
    `    console: { tcp: "${(b.console as { tcp: string }).tcp}" }`,
    '    power: { backend: none }',
  ];
}

/** inventory entries made from the boards' READY endpoints, exactly as docs/farm.md tells a user to write them */
function farmFile(name: string, hostKey: string = board.ssh.hostKey): string {
  const file = path.join(tmp, `${name}.yaml`);
  fs.writeFileSync(file, ['boards:', ...instanceLines('vdk2-busy', busy), ...instanceLines('vdk2-local', board, hostKey), ''].join('\n'));
  return file;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function hil(argv: string[], opts: { signals?: EventEmitter; onStdout?: (all: string) => void } = {}): Promise<Run> {
  const out = new PassThrough();
  const err = new PassThrough();
  const r = { stdout: '', stderr: '' };
  out.on('data', (d: Buffer) => {
    r.stdout += d.toString();
    opts.onStdout?.(r.stdout);
  });
  err.on('data', (d: Buffer) => (r.stderr += d.toString()));
  const code = await runHil(argv, { stdout: out, stderr: err, env: { PATH: process.env.PATH, HOME: process.env.HOME }, ...(opts.signals ? { signals: opts.signals } : {}) });
  return { code, ...r };
}

async function onBoard(cmd: string, b: VirtualBoard = board): Promise<string> {
  const r = await Remote.connect(b.ssh);
  try {
    return (await r.exec(cmd)).stdout;
  } finally {
    r.close();
  }
}

test('the alias mp157 passes the leased DK2 by and picks the free one; the boot suite passes and writes the run layout', async () => {
  const out = path.join(tmp, 'pass');
  const r = await hil(['--farm', farmFile('farm'), '--board', 'mp157', '--suite', 'boot', '--variant', 'st-default', '--out', out]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^rproc-hil run \d{8}-\d{6}-[0-9a-f]{4}: vdk2-local; suites boot; variants st-default\n/);
  const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as RunSummary;
  expect(summary.boards).toEqual([expect.objectContaining({ board: 'vdk2-local', soc: 'stm32mp15', failed: 0, errors: 0, junit: 'junit-vdk2-local.xml' })]);
  const passed = summary.boards[0]?.passed ?? 0;
  expect(passed).toBeGreaterThan(0);
  // one progress line per test, then the table row and the verdict
  expect(r.stdout.match(/^ PASS {2}vdk2-local {2}boot › st-default › /gm)).toHaveLength(passed);
  expect(r.stdout).toMatch(new RegExp(`^vdk2-local\\s+${passed}\\s+0\\s+0\\s+0\\s+\\S+ \\S+\\s+junit-vdk2-local.xml$`, 'm'));
  expect(r.stdout).toContain('\nPASS (exit 0): all tests passed\n');
  const junit = fs.readFileSync(path.join(out, 'junit-vdk2-local.xml'), 'utf8');
  expect(junit).toContain('classname="vdk2-local.boot"');
  expect(fs.existsSync(path.join(out, 'junit.xml'))).toBe(true);
  expect(fs.statSync(path.join(out, 'console-vdk2-local.log')).size).toBeGreaterThan(0);
  expect(fs.readdirSync(path.join(out, 'evidence', 'vdk2-local', 'boot', 'st-default')).length).toBe(passed);
  // left as found: lease gone, core offline
  expect(await onBoard(`test -e ${LEASE_PATH} && echo leased; cat /sys/class/remoteproc/remoteproc0/state`)).toBe('offline\n');
});

test('a wrong pinned host key: exit 3, no test runs, and the output shows both fingerprints', async () => {
  const pinned = 'SHA256:Zk5o8v2qJm1lHq3m0cD9yR4Xw7tB6nV2uP8sL1aK0eE';
  const r = await hil(['--farm', farmFile('wrong-key', pinned), '--board', 'vdk2-local', '--suite', 'boot', '--out', path.join(tmp, 'hostkey')]);
  expect(r.code).toBe(3);
  const line = r.stdout.split('\n').find((l) => l.startsWith('[vdk2-local] infrastructure error: E_HOSTKEY: '));
  expect(line).toContain(`expected ${pinned}, presented ${board.ssh.hostKey}`);
  expect(r.stdout).toContain('\nFAIL (exit 3): infrastructure error on vdk2-local (E_HOSTKEY), see the message above\n');
  expect(r.stdout).not.toMatch(/^ PASS /m);
});

test('SIGINT mid-suite: exit 130, partial JUnit and summary written, the board restored and its lease released', async () => {
  const signals = new EventEmitter();
  const out = path.join(tmp, 'sigint');
  let sent = false;
  const r = await hil(['--farm', farmFile('farm-int'), '--board', 'vdk2-local', '--suite', 'boot', '--out', out], {
    signals,
    onStdout: (all) => {
      if (!sent && / PASS {2}vdk2-local /.test(all)) {
        sent = true;
        signals.emit('SIGINT');
      }
    },
  });
  expect(sent).toBe(true);
  expect(r.code).toBe(130);
  expect(r.stdout).toContain('SIGINT: stopping; each board is restored and its lease released before exit');
  expect(r.stdout).toContain('\nFAIL (exit 130): interrupted by SIGINT: boards restored and released, partial results written\n');
  const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as RunSummary;
  expect(summary.boards[0]?.passed).toBeGreaterThan(0);
  expect(fs.readFileSync(path.join(out, 'junit.xml'), 'utf8')).toContain('classname="vdk2-local.boot"');
  expect(await onBoard(`test -e ${LEASE_PATH} && echo leased; cat /sys/class/remoteproc/remoteproc0/state`)).toBe('offline\n');
});

test('--firmware DIR runs a team\'s own ELF as its own variant, with its sha256 in the JUnit suite properties', async () => {
  const fw = path.join(tmp, 'team-elfs');
  fs.mkdirSync(fw);
  const elf = fs.readFileSync(path.resolve(__dirname, '../../firmware/build/stm32mp15/st-default.elf'));
  fs.writeFileSync(path.join(fw, 'team-fw.elf'), elf);
  const out = path.join(tmp, 'custom');
  const r = await hil(['--farm', farmFile('farm-custom'), '--board', 'vdk2-local', '--suite', 'boot', '--firmware', fw, '--out', out]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^ PASS {2}vdk2-local {2}boot › team-fw › /m);
  const junit = fs.readFileSync(path.join(out, 'junit-vdk2-local.xml'), 'utf8');
  expect(junit).toContain(`<property name="firmware.team-fw.sha256" value="${createHash('sha256').update(elf).digest('hex')}"/>`);
  expect(junit).toContain('<property name="hil.id" value="boot/team-fw/');
  expect(JSON.parse(fs.readFileSync(path.join(out, '.work', 'vdk2-local', 'session.json'), 'utf8'))).toMatchObject({ firmwareSource: 'custom', firmwareDir: fw });
});
