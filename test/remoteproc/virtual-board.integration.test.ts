// The driver and the RPMsg client over real SSH against the virtual board (DESIGN §5), the same code paths a real board takes.
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { RemoteprocDriver, openChannels, rebuildTraceLog, type RpmsgChannels } from '../../harness/remoteproc';
import { startVirtualBoard, type VirtualBoard } from '../../harness/virtual';
import { firmwareImage } from '../virtual/kernel/fixtures';
import { SshTestRunner } from './ssh-runner';

let board: VirtualBoard;
let runner: SshTestRunner;
let stateDir: string;
let ch: RpmsgChannels | undefined;

beforeAll(async () => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rproc-hil-rp-'));
  board = await startVirtualBoard({ profile: 'virtual-mp157', stateDir, console: 'tcp' });
  runner = await SshTestRunner.connect(board.ssh);
}, 30_000);

afterAll(async () => {
  ch?.close();
  runner?.end();
  await board?.stop();
  fs.rmSync(stateDir, { recursive: true, force: true });
});

test('deploy, start, ttys, echo/control by asking, burst, stop, over SSH', async () => {
  const driver = new RemoteprocDriver({ runner, profile: board.profile, board: 'virtual-mp157', pollMs: 10 });
  expect((await driver.instance()).id).toBe('remoteproc0');
  const fw = firmwareImage();
  expect(await driver.deploy(fw, 'rproc-hil-test.elf')).toMatchObject({ skipped: false, uploads: 1 });
  expect(await driver.deploy(fw, 'rproc-hil-test.elf')).toMatchObject({ skipped: true });
  if ((await driver.state()) !== 'offline') {
    await driver.stop();
    await driver.waitForState('offline', { timeoutMs: 5000 });
  }
  await driver.setFirmware('rproc-hil-test.elf');
  const mark = await driver.mark();
  await driver.start();
  expect(await driver.waitForState('running', { timeoutMs: 5000 })).toBe('running');
  expect((await driver.since(mark)).map((l) => l.text)).toContain('remoteproc remoteproc0: Booting fw image rproc-hil-test.elf, size ' + fw.length);
  const ttys = await driver.waitForTtys(2, { timeoutMs: 5000 });
  ch = await openChannels(runner, ttys, { timeoutMs: 5000, board: 'virtual-mp157' });
  expect(await ch.control?.command('ping', { timeoutMs: 3000 })).toBe('pong');
  await ch.echo.echo(Buffer.from([0, 1, 2, 0x0a, 0xff]), { timeoutMs: 3000 });
  const burst = await ch.echo.burst(100, 256, 8, { timeoutMs: 5000 });
  expect(burst).toMatchObject({ sent: 100, received: 100, lost: 0, outOfOrder: 0, corrupted: 0 });
  ch.close();
  ch = undefined;
  await driver.stop();
  expect(await driver.waitForState('offline', { timeoutMs: 5000 })).toBe('offline');
}, 60_000);

test('crash with coredump over SSH: devcoredump fetched binary-safe, pre-crash log rebuilt from the trace segment', async () => {
  const driver = new RemoteprocDriver({ runner, profile: board.profile, board: 'virtual-mp157', pollMs: 10 });
  await driver.setFirmware('rproc-hil-test.elf');
  await driver.start();
  await driver.setCoredump('enabled');
  await driver.crash(2);
  const dump = await driver.fetchCoredump({ timeoutMs: 10_000 });
  const trace = (await driver.resourceTable()).find((e) => e.type === 'trace');
  if (trace?.type !== 'trace') throw new Error('no trace entry');
  expect(rebuildTraceLog(driver.segmentAt(dump.core, trace.da, trace.len))).toMatch(/^\[\d{5}\.\d{3}\]\[INFO \] rproc-hil test firmware variant=/);
  await driver.waitForState('running', { phase: 'recovery', timeoutMs: 10_000 });
  await driver.setCoredump('disabled');
  await driver.stop();
}, 60_000);
