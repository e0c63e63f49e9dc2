// Fault: the board's SSH host key changed (rotateHostKey, as after a reflash or a swapped board). Outcome: the run is
// refused with exit 3 and a message showing both fingerprints; nothing on the board is touched.
import { connectBoard } from '../../harness/board/connect';
import { loadProfile } from '../../harness/config';
import { TOOLS, describeWithTools } from '../helpers/tools';
import { BOARD, describeE2e, expectLeftAsFound, recordsOf, rejectionOf, runHilOn, startRig, type FaultRig } from './rig';

let rig: FaultRig;
beforeEach(async () => {
  rig = await startRig('hostkey');
});
afterEach(async () => {
  await rig.stop();
});

describe('host key changed (harness core)', () => {
  test('the connection is refused with E_HOSTKEY naming the pinned and the presented fingerprint', async () => {
    const pinned = rig.instance.ssh.hostKey ?? '';
    await rig.vb.setFault('rotateHostKey', true);
    const presented = rig.vb.ssh.hostKey;
    expect(presented).not.toBe(pinned);
    const c = await connectBoard({ name: BOARD, profile: loadProfile('stm32mp157f-dk2'), instance: rig.instance }, { ssh: { connectBudgetMs: 3_000 } });
    rig.track(c);
    const e = await rejectionOf(c.board.acquire());
    expect(e.code).toBe('E_HOSTKEY');
    expect(e.message).toBe(
      `host key of board ${BOARD} (127.0.0.1:${rig.vb.ssh.port}) does not match the pinned fingerprint: expected ${pinned}, presented ${presented} (ssh-ed25519). ` +
        `Connection refused. If the board was reinstalled and this key is genuine, update the inventory: ssh.hostKey: ${presented} ` +
        '(check it first on the board\'s console: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub)',
    );
  });
});

describeWithTools([TOOLS.xmllint], 'host key changed (hil flow)', () => {
  describeE2e('hil', () => {
    test('exit 3, both fingerprints in the output, no test run, board and lease untouched', async () => {
      const before = await rig.snapshot();
      const pinned = rig.instance.ssh.hostKey ?? '';
      await rig.vb.setFault('rotateHostKey', true);
      const { code, stdout, stderr, interrupted } = await runHilOn(rig, ['--suite', 'boot', '--variant', 'st-default']);
      expect(interrupted).toBe(false);
      expect(code).toBe(3);
      const all = `${stdout}\n${stderr}`;
      expect(all).toContain(`expected ${pinned}, presented ${rig.vb.ssh.hostKey}`);
      expect(recordsOf(rig).filter((r) => r.status !== 'skipped')).toEqual([]);
      await expectLeftAsFound(rig, before);
    }, 60_000);
  });
});
