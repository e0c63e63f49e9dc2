// Fault: the board reboots and refuses SSH connections for 10 s (refuseForMs). Outcome: the harness backs off and
// reconnects, and the run continues.
import { retryIdempotent } from '../../harness/board/recover';
import { retryingRunner } from '../../harness/board/retrying-runner';
import { sshRunner } from '../../harness/board/ssh-capabilities';
import { RemoteprocDriver } from '../../harness/remoteproc';
import { TOOLS, describeWithTools } from '../helpers/tools';
import { coreBoard, describeE2e, expectLeftAsFound, recordsOf, rejectionOf, runHilOn, startRig, whenRecord, type FaultRig } from './rig';

const REBOOT_MS = 10_000;

let rig: FaultRig;
beforeEach(async () => {
  rig = await startRig('refuse');
});
afterEach(async () => {
  await rig.stop();
});

describe('connections refused for 10 s: a reboot (harness core)', () => {
  test('a read waits out the reboot with backoff and answers from the rebooted board; the lease is re-taken', async () => {
    // a short connect budget, so the reboot outlasts the transport's own retries and the reboot wait has to carry it
    const c = await coreBoard(rig, { ssh: { connectBudgetMs: 2_000, retryDelayMs: { min: 100, max: 500 } } });
    const before = c.board.snapshot;
    const retries: string[] = [];
    const rp = new RemoteprocDriver({
      runner: retryingRunner(sshRunner(c.ssh), { board: 'fault-dk2', rebootBudgetMs: 30_000, onRetry: (e) => retries.push(String((e as { details?: { reason?: string } }).details?.reason)) }),
      profile: c.board.profile,
      board: 'fault-dk2',
    });
    await rig.vb.setFault('refuseForMs', REBOOT_MS);
    expect(rig.vb.power.state).toBe('off');
    expect(await rp.state()).toBe('offline');
    expect(rig.vb.faults.refuseForMs).toBe(0); // the board came back on its own
    // at least one "lost" (the dropped link) and then "connect" failures while it was refusing
    expect(retries).toContain('connect');
    // a reboot empties /run: the lease is gone until the heartbeat (here: renew) writes it again
    expect(await rig.readBoardFile('/run/rproc-hil.lease')).toBe('');
    await c.board.lease.renew();
    expect(await rig.readBoardFile('/run/rproc-hil.lease')).toContain('"owner"');
    await c.board.release();
    expect(await rig.snapshot()).toEqual(before);
    expect(await rig.readBoardFile('/run/rproc-hil.lease')).toBe('');
  }, 40_000);
});

describe('how long a refused board is waited for', () => {
  const refused = () => Object.assign(new Error('cannot connect to board fault-dk2 within 10000 ms'), { code: 'E_TRANSPORT', details: { reason: 'connect' } });

  test('a board never reached in this run is not waited for beyond the transport\'s own connect budget', async () => {
    let runs = 0;
    const e = await rejectionOf(retryIdempotent('read state', async () => {
      runs++;
      throw refused();
    }, { board: 'fault-dk2', idempotent: true, mayBeRebooting: () => false }));
    expect(runs).toBe(1);
    expect(e.message).toBe('cannot connect to board fault-dk2 within 10000 ms');
  });

  test('a rebooting board is waited for up to the reboot budget, then the error says how long', async () => {
    let runs = 0;
    const e = await rejectionOf(retryIdempotent('read state', async () => {
      runs++;
      throw refused();
    }, { board: 'fault-dk2', idempotent: true, rebootBudgetMs: 1_200 }));
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(e.message).toBe('"read state" on board fault-dk2 failed: the board did not accept connections for 1200 ms: cannot connect to board fault-dk2 within 10000 ms');
  });
});

describeWithTools([TOOLS.xmllint], 'connections refused for 10 s (hil flow)', () => {
  describeE2e('hil', () => {
    test('the run goes on through the reboot: every test ran, the board is not given up (exit is not 3)', async () => {
      const before = await rig.snapshot();
      const run = runHilOn(rig, ['--suite', 'boot', '--variant', 'st-default']);
      await whenRecord(rig, () => true);
      await rig.vb.setFault('refuseForMs', REBOOT_MS);
      const { code } = await run;
      const records = recordsOf(rig);
      expect(records).toHaveLength(5);
      const bad = records.filter((r) => r.status !== 'passed' && r.status !== 'skipped');
      expect(bad.every((r) => r.status === 'error' && r.failure?.code === 'E_TRANSPORT')).toBe(true);
      expect(bad.length).toBeLessThanOrEqual(1);
      expect(code).toBe(bad.length === 0 ? 0 : 1);
      await expectLeftAsFound(rig, before);
    }, 60_000);
  });
});
