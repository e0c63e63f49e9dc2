// DESIGN §7 leave as found: once release() begins (end of run, SIGINT, SIGTERM), a test still holding the driver
// cannot start or stop the core behind the restore's back.
import { Board, powerBackend } from '../../harness/board';
import { InProcessRunner } from '../remoteproc/in-process-runner';
import { disposeBoards, firmwareImage, install, makeBoard, read } from '../virtual/kernel/fixtures';

afterAll(disposeBoards);

test('a driver taken before release() is refused afterwards with E_TRANSPORT naming the board, and the board is restored offline', async () => {
  const vb = await makeBoard();
  install(vb, 'fw.elf', firmwareImage());
  const board = new Board({ name: 'lab-dk2-7', profile: vb.profile, runner: new InProcessRunner(vb), power: powerBackend({ backend: 'none' }, { board: 'lab-dk2-7' }), lease: { owner: 't', host: 'h', pid: 1, leaseWaitS: 0 } });
  await board.acquire();
  await board.prepare();
  const rp = board.remoteproc; // what a running test holds
  await rp.setFirmware('fw.elf');
  await rp.start();
  const released = board.release();
  await expect(rp.start()).rejects.toMatchObject({ code: 'E_TRANSPORT', message: expect.stringMatching(/^board lab-dk2-7: command "[a-z ]+" refused: the board is being released \(release\) and is no longer available to tests$/) });
  const r = await released;
  expect(r.restore?.notRestored).toEqual([]);
  expect(await read(vb, '/sys/class/remoteproc/remoteproc0/state')).toBe('offline\n');
});
