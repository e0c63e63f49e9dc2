// Deploy into a full /lib/firmware (the virtual board's quota, DESIGN §5 faults): a clear ENOSPC error, no leftovers.
import { RemoteprocDriver } from '../../harness/remoteproc';
import { disposeBoards, firmwareImage, makeBoard } from '../virtual/kernel/fixtures';
import { InProcessRunner } from './in-process-runner';

afterAll(disposeBoards);

test('ENOSPC on upload: the message says how many bytes, where, and what to remove; no temporary file is left', async () => {
  const b = await makeBoard();
  b.fs.setQuota('/lib/firmware', b.fs.usage('/lib/firmware'));
  const driver = new RemoteprocDriver({ runner: new InProcessRunner(b), profile: b.profile, board: 'virtual-mp157' });
  const fw = firmwareImage();
  await expect(driver.deploy(fw, 'fw.elf')).rejects.toMatchObject({
    code: 'E_REMOTE',
    message: `no space left in /lib/firmware on virtual-mp157 for ${fw.length} bytes: remove old firmware files there (ls -l /lib/firmware) and deploy again`,
    details: expect.objectContaining({ errnoName: 'ENOSPC' }),
  });
  expect(b.fs.readdir('/lib/firmware').filter((n) => n.startsWith('.fw.elf'))).toEqual([]);
});
