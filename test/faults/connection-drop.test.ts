// Fault: the SSH connection drops mid-command (dropAfterCommands). Outcome: reconnect; an idempotent step is retried,
// any other step ends as an infrastructure error (JUnit <error>), and the run goes on.
import { retryIdempotent } from '../../harness/board/recover';
import { isReadOnlyCommand, retryingRunner } from '../../harness/board/retrying-runner';
import { sshRunner } from '../../harness/board/ssh-capabilities';
import type { ConnectedBoard } from '../../harness/board/connect';
import { RemoteprocDriver } from '../../harness/remoteproc';
import { TOOLS, describeWithTools } from '../helpers/tools';
import { firmwareImage } from '../virtual/kernel/fixtures';
import { coreBoard, describeE2e, expectLeftAsFound, junitOf, recordsOf, rejectionOf, runHilOn, startRig, whenRecord, type FaultRig } from './rig';
import * as fs from 'node:fs';

/** a driver straight over the SSH transport, so only retryIdempotent decides about retries */
const rawDriver = (c: ConnectedBoard): RemoteprocDriver => new RemoteprocDriver({ runner: sshRunner(c.ssh), profile: c.board.profile, board: c.board.name });

let rig: FaultRig;
beforeEach(async () => {
  rig = await startRig('drop');
});
afterEach(async () => {
  await rig.stop();
});

describe('connection dropped mid-command (harness core)', () => {
  test('an idempotent step is run again on a new connection and gives its answer', async () => {
    const c = await coreBoard(rig);
    const rp = rawDriver(c); // the transport's own runner: no retrying layer under the step being tested
    await rp.instance(); // found once, so the commands counted below are the ones named
    const reconnects: boolean[] = [];
    c.ssh.on('connected', (info) => reconnects.push(info.reconnect));
    await rig.vb.setFault('dropAfterCommands', 1);
    await rp.firmware(); // the one command the knob lets through
    const retried: string[] = [];
    const state = await retryIdempotent('read state', () => rp.state(), { board: c.board.name, idempotent: true, onRetry: (e) => retried.push((e as { code: string }).code) });
    expect(state).toBe('offline');
    expect(retried).toEqual(['E_TRANSPORT']);
    expect(reconnects).toEqual([true]);
    await c.board.release();
    expect(await rig.readBoardFile('/run/rproc-hil.lease')).toBe('');
  });

  test('a step that must not run twice (start) ends as an infrastructure error saying it was not retried', async () => {
    const c = await coreBoard(rig);
    const before = c.board.snapshot;
    const rp = rawDriver(c); // the transport's own runner: no retrying layer under the step being tested
    await rp.instance(); // found once, so the commands counted below are the ones named
    await rp.deploy(firmwareImage(), 'rproc-hil-drop.elf');
    await rp.setFirmware('rproc-hil-drop.elf');
    await rig.vb.setFault('dropAfterCommands', 1);
    const e = await rejectionOf(retryIdempotent('remoteproc start', () => rp.start(), { board: c.board.name, idempotent: false }));
    expect(e.code).toBe('E_TRANSPORT');
    expect(e.message).toMatch(/^connection to board fault-dk2 lost during "remoteproc start", which is not safe to repeat \(it may have taken effect\), so it was not retried: connection to board fault-dk2 lost while running/);
    // the transport reconnects for the next step: the board is reachable and released as found
    await c.board.release();
    expect(await rig.snapshot()).toEqual(before);
    expect(await rig.readBoardFile('/run/rproc-hil.lease')).toBe('');
  });

  test('a connection that keeps dropping is given up after the retry, still as an infrastructure error', async () => {
    const c = await coreBoard(rig);
    const rp = rawDriver(c); // the transport's own runner: no retrying layer under the step being tested
    await rp.instance(); // found once, so the commands counted below are the ones named
    let runs = 0;
    const e = await rejectionOf(
      retryIdempotent(
        'read state',
        async () => {
          runs++;
          await rig.vb.setFault('dropAfterCommands', 1);
          await rp.firmware();
          return rp.state();
        },
        { board: c.board.name, idempotent: true },
      ),
    );
    expect(runs).toBe(2);
    expect(e.code).toBe('E_TRANSPORT');
    expect(e.message).toMatch(/^"read state" on board fault-dk2 failed: the connection dropped on all 2 runs: /);
    await c.board.release();
  });
});

describe('which commands are retried after a drop', () => {
  test.each([
    ['grep -H . /sys/class/remoteproc/*/name', true],
    ["cat '/sys/class/remoteproc/remoteproc0/state'", true],
    ["sha256sum '/lib/firmware/rproc-hil-st-default.elf'", true],
    ['ls /dev/ttyRPMSG* 2>/dev/null', true],
    ["date +%s; cat '/run/rproc-hil.lease' 2>/dev/null; true", true],
    ['df -Pk /lib/firmware', true],
    ["echo start > '/sys/class/remoteproc/remoteproc0/state'", false],
    ["mv -f '/lib/firmware/.a.rproc-hil-tmp' '/lib/firmware/a.elf'", false],
    ['cat > /lib/firmware/a.elf', false],
    ['dmesg -c', false],
    ['echo $(reboot)', false],
    ["mkdir '/run/rproc-hil.lease.lock' 2>/dev/null || exit 75", false],
  ])('%s -> read-only %s', (command, readOnly) => {
    expect(isReadOnlyCommand(command)).toBe(readOnly);
  });
});

describe('retryingRunner (the runner the jest glue should hand the driver)', () => {
  test('the driver over it rides out a drop under a read and the deploy completes; a write that loses its link is not retried', async () => {
    const c = await coreBoard(rig, { prepare: false });
    const rp = new RemoteprocDriver({ runner: retryingRunner(sshRunner(c.ssh), { board: 'fault-dk2' }), profile: c.board.profile, board: 'fault-dk2' });
    await rp.instance();
    await rig.vb.setFault('dropAfterCommands', 1);
    await rp.state(); // the one command the knob lets through
    // sha256sum (dropped, retried), cat > tmp, sha256sum, mv: the deploy goes through
    const r = await rp.deploy(firmwareImage(), 'rproc-hil-retry.elf');
    expect(r).toMatchObject({ skipped: false, uploads: 1 });
    expect(rig.vb.faults.dropAfterCommands).toBe(0);
    await rp.setFirmware('rproc-hil-retry.elf');
    await rig.vb.setFault('dropAfterCommands', 1); // the dmesg mark before the write runs, the write is dropped
    const e = await rejectionOf(rp.start());
    expect(e.code).toBe('E_TRANSPORT');
    expect(e.message).toContain('which is not safe to repeat (it may have taken effect), so it was not retried');
    expect(await rp.state()).toBe('offline');
  });
});

describeWithTools([TOOLS.xmllint], 'connection dropped mid-command (hil flow)', () => {
  describeE2e('hil', () => {
    test('the run goes on after the drop: every test ran, none failed as a test, at most one infrastructure error', async () => {
      const before = await rig.snapshot();
      const run = runHilOn(rig, ['--suite', 'boot', '--variant', 'st-default']);
      await whenRecord(rig, () => true);
      await rig.vb.setFault('dropAfterCommands', 3);
      const { code } = await run;
      const records = recordsOf(rig);
      const bad = records.filter((r) => r.status === 'failed' || r.status === 'error');
      expect(bad.every((r) => r.status === 'error' && r.failure?.code === 'E_TRANSPORT')).toBe(true);
      expect(bad.length).toBeLessThanOrEqual(1);
      expect(code).toBe(bad.length === 0 ? 0 : 1);
      expect(rig.vb.faults.dropAfterCommands).toBe(0); // the drop did happen during the run
      const xml = fs.readFileSync(junitOf(rig) ?? '', 'utf8');
      expect((xml.match(/<failure/g) ?? []).length).toBe(0);
      await expectLeftAsFound(rig, before);
    }, 60_000);
  });
});
