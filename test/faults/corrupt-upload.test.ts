// Fault: the next firmware upload lands with a flipped byte (corruptNextUpload). Outcome: the sha256 check after the
// upload finds the mismatch and the image is uploaded once more; the run passes.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TOOLS, describeWithTools } from '../helpers/tools';
import { firmwareImage } from '../virtual/kernel/fixtures';
import { coreBoard, describeE2e, expectLeftAsFound, recordsOf, REPO, runHilOn, startRig, whenBoardFile, type FaultRig } from './rig';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let rig: FaultRig;
beforeEach(async () => {
  rig = await startRig('corrupt');
});
afterEach(async () => {
  await rig.stop();
});

describe('corrupted upload (harness core)', () => {
  test('the mismatch is found and the image uploaded again once; the board ends with the right bytes and no temporary file', async () => {
    const c = await coreBoard(rig);
    const fw = firmwareImage();
    await rig.vb.setFault('corruptNextUpload', true);
    const r = await c.board.remoteproc.deploy(fw, 'rproc-hil-corrupt.elf');
    expect(r).toEqual({ path: '/lib/firmware/rproc-hil-corrupt.elf', sha256: sha(fw), skipped: false, uploads: 2 });
    expect(rig.vb.faults.corruptNextUpload).toBe(false);
    expect((await c.ssh.exec('sha256sum /lib/firmware/rproc-hil-corrupt.elf')).stdout).toBe(`${sha(fw)}  /lib/firmware/rproc-hil-corrupt.elf\n`);
    expect((await c.ssh.exec('ls -a /lib/firmware')).stdout).not.toContain('rproc-hil-tmp');
    await c.board.release();
  });
});

describeWithTools([TOOLS.xmllint], 'corrupted upload (hil flow)', () => {
  describeE2e('hil', () => {
    test('the boot suite passes with the re-uploaded image (exit 0)', async () => {
      const before = await rig.snapshot();
      const run = runHilOn(rig, ['--suite', 'boot', '--variant', 'st-default']);
      // armed once the run holds its lease, so the write it corrupts is the firmware upload, not the lease
      await whenBoardFile(rig, '/run/rproc-hil.lease', (l) => l.includes('"owner"'));
      await rig.vb.setFault('corruptNextUpload', true);
      const { code, interrupted } = await run;
      expect(interrupted).toBe(false);
      expect(rig.vb.faults.corruptNextUpload).toBe(false); // an upload was corrupted during the run
      expect(recordsOf(rig).map((r) => r.status)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed']);
      expect(code).toBe(0);
      const elf = fs.readFileSync(path.join(REPO, 'firmware', 'build', 'stm32mp15', 'st-default.elf'));
      expect((await rig.readBoardFile('/lib/firmware/rproc-hil-st-default.elf | sha256sum')).slice(0, 64)).toBe(sha(elf));
      await expectLeftAsFound(rig, before);
    }, 60_000);
  });
});
