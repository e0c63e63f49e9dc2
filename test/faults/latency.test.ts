// Fault: 200 ms of latency before every SSH command (latencyMs). Outcome: everything passes, only slower.
import { TOOLS, describeWithTools } from '../helpers/tools';
import { firmwareImage } from '../virtual/kernel/fixtures';
import { coreBoard, describeE2e, expectLeftAsFound, recordsOf, runHilOn, startRig, type FaultRig } from './rig';

const LATENCY_MS = 200;

let rig: FaultRig;
beforeEach(async () => {
  rig = await startRig('latency', { faults: { latencyMs: LATENCY_MS } });
});
afterEach(async () => {
  await rig.stop();
});

describe('200 ms latency per command (harness core)', () => {
  test('lease, health, snapshot, deploy, start, stop and release all work unchanged', async () => {
    const c = await coreBoard(rig);
    const rp = c.board.remoteproc;
    expect(rig.vb.faults.latencyMs).toBe(LATENCY_MS);
    await rp.deploy(firmwareImage(), 'rproc-hil-latency.elf');
    await rp.setFirmware('rproc-hil-latency.elf');
    await rp.start();
    expect(await rp.waitForState('running')).toBe('running');
    expect(await rp.waitForTtys(2)).toEqual(['/dev/ttyRPMSG0', '/dev/ttyRPMSG1']);
    await rp.stop();
    expect(await rp.state()).toBe('offline');
    const before = c.board.snapshot;
    const r = await c.board.release();
    expect(r.lease.removed).toBe(true);
    expect(r.restore?.actions).toEqual(['firmware rproc-m4-fw']);
    expect(await rig.snapshot()).toEqual(before);
  }, 60_000);
});

describeWithTools([TOOLS.xmllint], '200 ms latency per command (hil flow)', () => {
  describeE2e('hil', () => {
    test('the boot suite passes (exit 0, every test passed)', async () => {
      const before = await rig.snapshot();
      // every command costs 200 ms more: the whole boot suite is a few hundred commands, so it gets a longer deadline
      const { code, interrupted } = await runHilOn(rig, ['--suite', 'boot', '--variant', 'st-default'], { deadlineMs: 100_000 });
      expect(interrupted).toBe(false);
      const records = recordsOf(rig);
      expect(records.map((r) => r.status)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed']);
      expect(code).toBe(0);
      await expectLeftAsFound(rig, before);
    }, 120_000);
  });
});
