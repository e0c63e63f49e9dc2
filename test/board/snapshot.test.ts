// Snapshot and restore on the virtual board: firmware, state, recovery, coredump; ST's auto-start (firmware.md §3.5); a crash mid-run.
import { restoreSnapshot, takeSnapshot } from '../../harness/board';
import { RemoteprocDriver } from '../../harness/remoteproc';
import { InProcessRunner } from '../remoteproc/in-process-runner';
import { disposeBoards, firmwareImage, install, makeBoard, type ProfileTweak, type TestBoard } from '../virtual/kernel/fixtures';

afterAll(disposeBoards);

/** an ST image whose load service auto-starts a default firmware at boot (firmware.md §3.5 DEFAULT_COPRO_FIRMWARE) */
const autoStarts: ProfileTweak = (p) => ({ ...p, firmware: { ...p.firmware, autoBoot: 'st-default.elf' } });

async function stBoard(): Promise<{ b: TestBoard; rp: RemoteprocDriver }> {
  const b = await makeBoard('virtual-mp157', autoStarts);
  await install(b, 'st-default.elf', firmwareImage());
  await install(b, 'test.elf', firmwareImage());
  await b.kernel.reset(); // boots again, now with the default image present
  const rp = new RemoteprocDriver({ runner: new InProcessRunner(b), profile: b.profile, board: 'lab-dk2-1', pollMs: 5 });
  return { b, rp };
}

test('a board found running ST\'s auto-started firmware runs that same name again after the test changed everything', async () => {
  const { b, rp } = await stBoard();
  const snap = await takeSnapshot(rp, b.profile);
  expect(snap).toEqual({ firmware: 'st-default.elf', state: 'running', recovery: 'enabled', coredump: 'disabled' });

  await rp.stop();
  await rp.setFirmware('test.elf');
  await rp.setRecovery('disabled');
  await rp.setCoredump('inline');
  await rp.start();

  const r = await restoreSnapshot(rp, snap);
  expect(r).toEqual({ actions: ['stop', 'firmware st-default.elf', 'recovery enabled', 'coredump disabled', 'start'], notRestored: [] });
  expect(await takeSnapshot(rp, b.profile)).toEqual(snap);
});

test('a board found offline is stopped again when a reboot in the middle auto-started the default firmware', async () => {
  const { b, rp } = await stBoard();
  await rp.stop();
  await rp.setFirmware('test.elf');
  await rp.setRecovery('disabled');
  const snap = await takeSnapshot(rp, b.profile);
  expect(snap).toEqual({ firmware: 'test.elf', state: 'offline', recovery: 'disabled', coredump: 'disabled' });

  await b.kernel.reset(); // power cycle: settings back to defaults, st-default.elf started by the load service
  expect(await rp.state()).toBe('running');

  const r = await restoreSnapshot(rp, snap);
  expect(r.actions).toEqual(['stop', 'firmware test.elf', 'recovery disabled']);
  expect(await takeSnapshot(rp, b.profile)).toEqual(snap);
});

test('restore after a crash in the middle of a test (recovery disabled leaves the core crashed)', async () => {
  const { b, rp } = await stBoard();
  const snap = await takeSnapshot(rp, b.profile);
  await rp.stop();
  await rp.setFirmware('test.elf');
  await rp.setRecovery('disabled');
  await rp.start();
  await rp.crash(2); // RPROC_FATAL_ERROR (remoteproc.md §4)
  await rp.waitForState('crashed', { timeoutMs: 5000 });

  const r = await restoreSnapshot(rp, snap);
  expect(r.actions).toEqual(['recover', 'stop', 'firmware st-default.elf', 'recovery enabled', 'start']);
  expect(await takeSnapshot(rp, b.profile)).toEqual(snap);
});

test('a crash with an inline coredump pending does not hold restore for the devcoredump timeout (remoteproc.md §1.6)', async () => {
  const { b, rp } = await stBoard();
  const snap = await takeSnapshot(rp, b.profile);
  await rp.stop();
  await rp.setFirmware('test.elf');
  await rp.setRecovery('disabled');
  await rp.setCoredump('inline');
  await rp.start();
  await rp.crash(2);
  await rp.waitForState('crashed', { timeoutMs: 5000 });

  const r = await restoreSnapshot(rp, snap, { recoveryTimeoutMs: 10_000 });
  expect(r.actions).toEqual(['recover', 'stop', 'firmware st-default.elf', 'recovery enabled', 'coredump disabled', 'start']);
  expect(await takeSnapshot(rp, b.profile)).toEqual(snap);
  expect(await rp.listCoredumps()).toEqual([]);
});

test('nothing changed: restore does nothing at all', async () => {
  const { b, rp } = await stBoard();
  const snap = await takeSnapshot(rp, b.profile);
  expect(await restoreSnapshot(rp, snap)).toEqual({ actions: [], notRestored: [] });
  expect(await takeSnapshot(rp, b.profile)).toEqual(snap);
});

test('a profile without recovery/coredump capabilities leaves those settings out of the snapshot', async () => {
  const b = await makeBoard('virtual-mp157', (p) => ({ ...p, capabilities: { ...p.capabilities, recovery: false, coredump: false } }));
  const rp = new RemoteprocDriver({ runner: new InProcessRunner(b), profile: b.profile, board: 'lab-dk2-1' });
  expect(await takeSnapshot(rp, b.profile)).toEqual({ firmware: 'rproc-m4-fw', state: 'offline' });
});
