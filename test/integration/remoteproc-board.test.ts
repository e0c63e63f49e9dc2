// Issue 5 "Prove it" through connectBoard over real SSH: kernel errors mapped with errno and dmesg, snapshot/restore after a crash.
import { RemoteprocError } from '../../harness/remoteproc';
import { firmwareImage } from '../virtual/kernel/fixtures';
import { startFarm, rejectionOf, type Farm } from './virtual-farm';
import type { Board } from '../../harness/board';

let farm: Farm;
let board: Board;

// an ST image whose load service auto-starts a default firmware at boot (firmware.md §3.5)
beforeAll(async () => {
  farm = await startFarm('rproc', {}, (p) => ({ ...p, firmware: { ...p.firmware, autoBoot: 'st-default.elf' } }));
  const admin = await farm.connect();
  await admin.ssh.upload(firmwareImage(), '/lib/firmware/st-default.elf');
  await farm.vb.power.cycle();
  ({ board } = await farm.connect({ lease: { owner: 'int', host: 'h11', pid: 1, leaseWaitS: 0 } }));
  await board.acquire();
  await board.prepare();
}, 30_000);

afterAll(async () => {
  await farm?.stop();
});

async function remoteprocError(p: Promise<unknown>): Promise<RemoteprocError> {
  const e = await rejectionOf(p);
  if (!(e instanceof RemoteprocError)) throw new Error(`expected a RemoteprocError, got ${e.message}`);
  return e;
}

test('prepare() found ST\'s auto-started default firmware running and snapshotted it', () => {
  expect(board.snapshot).toEqual({ firmware: 'st-default.elf', state: 'running', recovery: 'enabled', coredump: 'disabled' });
});

test('remoteproc.md §1.4 set firmware while running: EBUSY (16) with the kernel line and what to do', async () => {
  const e = await remoteprocError(board.remoteproc.setFirmware('other.elf'));
  expect([e.code, e.errno, e.errnoName, e.operation, e.state]).toEqual(['E_REMOTE', 16, 'EBUSY', 'set firmware', 'running']);
  expect(e.dmesg.some((l) => l.endsWith("can't change firmware while running"))).toBe(true);
  expect(e.message).toMatch(/^set firmware of m4 \(remoteproc0\) on vmp157-01 failed: EBUSY \(16, Device or resource busy\) in state running\n/);
  expect(e.message).toMatch(/what to do: the firmware name can only change while offline: stop the coprocessor first/);
  expect(await board.remoteproc.firmware()).toBe('st-default.elf');
}, 30_000);

test('remoteproc.md §1.3 stop while offline: EINVAL (22) and no dmesg line', async () => {
  await board.remoteproc.stop();
  await board.remoteproc.waitForState('offline', { timeoutMs: 5000 });
  const e = await remoteprocError(board.remoteproc.stop());
  expect([e.errno, e.errnoName, e.operation, e.state, e.dmesg]).toEqual([22, 'EINVAL', 'stop', 'offline', []]);
  expect(e.message).toContain('stop of m4 (remoteproc0) on vmp157-01 failed: EINVAL (22, Invalid argument) in state offline\ndmesg since the write: (nothing)');
}, 30_000);

test('remoteproc.md §1.4 start with a missing firmware file: ENOENT (2), the loader lines, and what to do', async () => {
  await board.remoteproc.setFirmware('missing-int.elf');
  const e = await remoteprocError(board.remoteproc.start());
  expect([e.errno, e.errnoName, e.operation, e.state]).toEqual([2, 'ENOENT', 'start', 'offline']);
  expect(e.dmesg.some((l) => l.endsWith('Direct firmware load for missing-int.elf failed with error -2'))).toBe(true);
  expect(e.message).toMatch(/^start of m4 \(remoteproc0\) on vmp157-01 failed: ENOENT \(2, No such file or directory\) in state offline\ndmesg since the write:\n/);
  expect(e.message).toMatch(/what to do: the firmware file is missing from \/lib\/firmware: deploy it first/);
}, 30_000);

test('snapshot/restore after a failure in the middle: new firmware started, crashed with recovery disabled, all put back', async () => {
  const rp = board.remoteproc;
  expect(await rp.deploy(firmwareImage({ info: 'control=1 variant=int' }), 'int-test.elf')).toMatchObject({ skipped: false });
  if ((await rp.state()) !== 'offline') await rp.stop();
  await rp.setFirmware('int-test.elf');
  await rp.setRecovery('disabled');
  await rp.setCoredump('enabled');
  await rp.start();
  await rp.waitForState('running', { timeoutMs: 5000 });
  await rp.crash(2); // RPROC_FATAL_ERROR (remoteproc.md §4)
  await rp.waitForState('crashed', { timeoutMs: 5000 });

  const r = await board.restore();
  expect(r).toEqual({ actions: ['recover', 'stop', 'firmware st-default.elf', 'recovery enabled', 'coredump disabled', 'start'], notRestored: [] });
  expect({ firmware: await rp.firmware(), state: await rp.state(), recovery: await rp.getRecovery(), coredump: await rp.getCoredump() }).toEqual(board.snapshot);
}, 30_000);
