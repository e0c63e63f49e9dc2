// Fault: /lib/firmware is full (fillFirmwareDir). Outcome: a clear error saying where space is missing and what to do.
import { TOOLS, describeWithTools } from '../helpers/tools';
import { firmwareImage } from '../virtual/kernel/fixtures';
import { coreBoard, describeE2e, expectLeftAsFound, recordsOf, rejectionOf, runHilOn, startRig, type FaultRig } from './rig';

let rig: FaultRig;
beforeEach(async () => {
  rig = await startRig('full');
});
afterEach(async () => {
  await rig.stop();
});

describe('/lib/firmware full (harness core)', () => {
  test('a deploy into a full /lib/firmware fails with ENOSPC named and the fix, and leaves no partial file', async () => {
    const c = await coreBoard(rig);
    const fw = firmwareImage();
    await rig.vb.setFault('fillFirmwareDir', true);
    const e = await rejectionOf(c.board.remoteproc.deploy(fw, 'rproc-hil-full.elf'));
    expect(e.code).toBe('E_REMOTE');
    expect(e.message).toBe(`no space left in /lib/firmware on fault-dk2 for ${fw.length} bytes: remove old firmware files there (ls -l /lib/firmware) and deploy again`);
    expect(e.details).toMatchObject({ errnoName: 'ENOSPC' });
    expect((await c.ssh.exec('ls -a /lib/firmware')).stdout).not.toContain('rproc-hil');
    await c.board.release();
  });

  test('the health check before a run names the full directory', async () => {
    await rig.vb.setFault('fillFirmwareDir', true);
    const c = await coreBoard(rig, { prepare: false });
    await c.board.acquire();
    const e = await rejectionOf(c.board.prepare());
    expect(e.message).toMatch(/^board fault-dk2 failed its health check \(1 of 4\): firmware-space: \/lib\/firmware has 0 KiB free, below the 4096 KiB needed; remove old images from \/lib\/firmware$/);
    await c.board.release();
    expect(await rig.readBoardFile('/run/rproc-hil.lease')).toBe('');
  });
});

describeWithTools([TOOLS.xmllint], '/lib/firmware full (hil flow)', () => {
  describeE2e('hil', () => {
    test('the run stops before any test with the health-check message (exit 3), the board untouched', async () => {
      const before = await rig.snapshot();
      await rig.vb.setFault('fillFirmwareDir', true);
      const { code, stdout, stderr, interrupted } = await runHilOn(rig, ['--suite', 'boot', '--variant', 'st-default']);
      expect(interrupted).toBe(false);
      expect(code).toBe(3);
      expect(`${stdout}\n${stderr}`).toContain('firmware-space: /lib/firmware has 0 KiB free, below the 4096 KiB needed; remove old images from /lib/firmware');
      expect(recordsOf(rig).filter((r) => r.status !== 'skipped')).toEqual([]);
      await expectLeftAsFound(rig, before);
    }, 60_000);
  });
});
