// Fault: another runner holds the board's lease. Outcome: the run waits up to its bound (--lease-wait), then exits 3
// naming the holder; the other runner's lease is never removed, and the board is not touched.
import { TOOLS, describeWithTools } from '../helpers/tools';
import { coreBoard, describeE2e, expectLeftAsFound, leaseOnBoard, recordsOf, rejectionOf, runHilOn, startRig, type FaultRig } from './rig';

let rig: FaultRig;
beforeEach(async () => {
  rig = await startRig('lease');
});
afterEach(async () => {
  await rig.stop();
});

/** the other runner: a nightly job on another host */
async function otherRunner(r: FaultRig) {
  return coreBoard(r, { prepare: false, lease: { owner: 'nightly', host: 'ci-runner-7', pid: 4242 } });
}

describe('lease held by another runner (harness core)', () => {
  test('acquire waits its bound, then E_LEASE naming the holder; the holder keeps its lease', async () => {
    const other = await otherRunner(rig);
    await other.board.acquire();
    const ours = await coreBoard(rig, { prepare: false, lease: { leaseWaitS: 1, pollMs: 200 } });
    const e = await rejectionOf(ours.board.acquire());
    expect(e.code).toBe('E_LEASE');
    expect(e.message).toMatch(/^board fault-dk2 is leased by nightly on ci-runner-7 \(pid 4242\) until \S+; waited 1 s \(--lease-wait \/ HIL_LEASE_WAIT_S\)\. Wait for that run to end or raise --lease-wait$/);
    expect(JSON.parse(await leaseOnBoard(rig))).toMatchObject({ owner: 'nightly', host: 'ci-runner-7', pid: 4242 });
    await other.board.release();
    expect(await leaseOnBoard(rig)).toBe('');
  });
});

describeWithTools([TOOLS.xmllint], 'lease held by another runner (hil flow)', () => {
  describeE2e('hil', () => {
    test('--lease-wait 2: exit 3 naming the holder, no test run, the holder\'s lease intact', async () => {
      const before = await rig.snapshot();
      const other = await otherRunner(rig);
      await other.board.acquire();
      const { code, stdout, stderr, interrupted } = await runHilOn(rig, ['--suite', 'boot', '--variant', 'st-default', '--lease-wait', '2']);
      expect(interrupted).toBe(false);
      expect(code).toBe(3);
      expect(`${stdout}\n${stderr}`).toMatch(/board fault-dk2 is leased by nightly on ci-runner-7 \(pid 4242\) until \S+; waited 2 s/);
      expect(recordsOf(rig).filter((r) => r.status !== 'skipped')).toEqual([]);
      expect(JSON.parse(await leaseOnBoard(rig))).toMatchObject({ owner: 'nightly', host: 'ci-runner-7', pid: 4242 });
      await other.board.release();
      await expectLeftAsFound(rig, before);
    }, 60_000);
  });
});
