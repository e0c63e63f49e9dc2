// Fault: the run is interrupted mid-suite by SIGINT (Ctrl-C) or SIGTERM (a CI job cancelled). Outcome: the board is
// restored as found, the lease released, and the partial JUnit written so far is valid.
import * as fs from 'node:fs';
import { EventEmitter } from 'node:events';
import { TOOLS, describeWithTools } from '../helpers/tools';
import { describeE2e, expectLeftAsFound, junitOf, recordsOf, runHilOn, spawnHil, startRig, whenRecord, type FaultRig } from './rig';

let rig: FaultRig;
beforeEach(async () => {
  rig = await startRig('signal');
});
afterEach(async () => {
  await rig.stop();
});

/** the rpmsg suite: long enough (8 tests, a 1,000-message burst) that a signal after its first test lands mid-suite */
const RUN = ['--suite', 'rpmsg', '--variant', 'st-default'];

describeWithTools([TOOLS.xmllint], 'SIGINT and SIGTERM mid-suite (hil flow)', () => {
  describeE2e(
    'hil',
    () => {
      test('SIGINT (in-process runHil): exit 130, partial JUnit valid, board restored, lease released', async () => {
        const before = await rig.snapshot();
        const signals = new EventEmitter();
        const run = runHilOn(rig, RUN, { signals });
        await whenRecord(rig, () => true);
        signals.emit('SIGINT', 'SIGINT');
        const { code, stdout } = await run;
        expect(code).toBe(130);
        expect(stdout).toContain('SIGINT: stopping; each board is restored and its lease released before exit');
        expect(recordsOf(rig).length).toBeLessThan(8);
        expect(fs.readFileSync(junitOf(rig) ?? '', 'utf8')).toContain('<testcase');
        await expectLeftAsFound(rig, before);
      }, 60_000);

      test('SIGTERM (a `hil` process, as CI cancels a job): exit 143, partial JUnit valid, board restored, lease released', async () => {
        const before = await rig.snapshot();
        const { child, done } = spawnHil(rig, RUN);
        // the first test record, or the process ending before it (then its output says why)
        const first = await Promise.race([whenRecord(rig, () => true, 45_000).then(() => undefined), done]).catch((e: Error) => e);
        if (first !== undefined) {
          child.kill('SIGKILL');
          const r = await done;
          throw new Error(`hil ended or stalled before its first test (${first instanceof Error ? first.message : `exit ${first.code}`}):\n${r.stdout}\n${r.stderr}`);
        }
        child.kill('SIGTERM');
        const { code } = await done;
        expect(code).toBe(143);
        expect(recordsOf(rig).length).toBeLessThan(8);
        expect(fs.readFileSync(junitOf(rig) ?? '', 'utf8')).toContain('<testcase');
        await expectLeftAsFound(rig, before);
      }, 90_000);
    },
    'rpmsg',
  );
});
