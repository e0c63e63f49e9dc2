// Fault: `echo start > state` hangs until the board is power-cycled (hangNextStart). Outcome: the start phase times
// out naming its budget, the harness power-cycles the board, and the next test runs on it.
import { formatRecovery, isWedged, powerCycleAndReconnect } from '../../harness/board/recover';
import { TOOLS, describeWithTools } from '../helpers/tools';
import { firmwareImage } from '../virtual/kernel/fixtures';
import { coreBoard, describeE2e, expectLeftAsFound, recordsOf, rejectionOf, runHilOn, startRig, type FaultRig } from './rig';

let rig: FaultRig;
beforeEach(async () => {
  rig = await startRig('hang');
});
afterEach(async () => {
  await rig.stop();
});

describe('start hangs (harness core)', () => {
  test('phase timeout, power cycle, and the next start on the same board runs', async () => {
    const c = await coreBoard(rig, { tweak: (p) => ({ ...p, timeouts: { ...p.timeouts, start: 1_500 } }) });
    const before = c.board.snapshot;
    const rp = c.board.remoteproc;
    await rp.deploy(firmwareImage(), 'rproc-hil-hang.elf');
    await rp.setFirmware('rproc-hil-hang.elf');
    await rig.vb.setFault('hangNextStart', true);
    const e = await rejectionOf(rp.start());
    expect(e.code).toBe('E_TIMEOUT');
    expect(e.message).toMatch(/^remoteproc start timed out after 1500 ms on fault-dk2; /);
    expect(isWedged(e)).toBe(true);

    const report = await powerCycleAndReconnect({ board: 'fault-dk2', power: c.board.power, probe: () => c.ssh.exec('true'), lease: c.board.lease }, e);
    expect(report.actions).toEqual(['power cycle', expect.stringMatching(/^ssh back after \d+ probes?$/), 'lease renewed']);
    expect(formatRecovery(report)).toMatch(/^board fault-dk2 was power-cycled after: remoteproc start timed out after 1500 ms/);
    expect(rig.vb.faults.hangNextStart).toBe(false); // the reboot cleared the wedge

    // the next test: the image is still in /lib/firmware, the rebooted kernel starts it
    expect(await rp.state()).toBe('offline');
    await rp.setFirmware('rproc-hil-hang.elf');
    await rp.start();
    expect(await rp.waitForState('running')).toBe('running');
    await rp.stop();
    await c.board.release();
    expect(await rig.snapshot()).toEqual(before);
    expect(await rig.readBoardFile('/run/rproc-hil.lease')).toBe('');
  }, 30_000);

  test('a timeout that is not a wedged kernel write is not a reason to power-cycle', () => {
    expect(isWedged({ code: 'E_TIMEOUT', details: { phase: 'remoteproc start' } })).toBe(true);
    expect(isWedged({ code: 'E_TIMEOUT', details: { phase: 'remoteproc stop' } })).toBe(true);
    expect(isWedged({ code: 'E_TIMEOUT', details: { phase: 'tty' } })).toBe(false);
    expect(isWedged({ code: 'E_REMOTE', details: { phase: 'remoteproc start' } })).toBe(false);
  });
});

describeWithTools([TOOLS.xmllint], 'start hangs (hil flow)', () => {
  describeE2e('hil', () => {
    test('the test whose start hung fails with the phase timeout; the board is power-cycled and the next tests pass', async () => {
      const before = await rig.snapshot();
      await rig.vb.setFault('hangNextStart', true);
      const { code, interrupted } = await runHilOn(rig, ['--suite', 'boot', '--variant', 'st-default'], { deadlineMs: 60_000 });
      expect(interrupted).toBe(false);
      const records = recordsOf(rig);
      expect(records).toHaveLength(5);
      const [first, ...rest] = records;
      expect(first?.status).toBe('failed');
      expect(first?.failure?.message).toMatch(/start timed out after \d+ ms on fault-dk2/);
      expect(rest.map((r) => r.status)).toEqual(['passed', 'passed', 'passed', 'passed']);
      expect(rig.vb.faults.hangNextStart).toBe(false);
      expect(code).toBe(1);
      await expectLeftAsFound(rig, before);
    }, 90_000);
  });
});
