// Boot suite (issue 6 item 1): each planned variant starts as its table predicts, stops clean; state rules of the kernel era.
import { readFileSync, statSync } from 'node:fs';
import { forEachVariant, requireCapability, session, skipWithReason, stopCore } from '../harness/jest';
import type { VariantPlan } from '../harness/jest/types';
import { assertNoProblems, checkBootLog, type BootLogPlan } from './lib/boot-kernel-lines';
import { basename, pollFor, refusal, SETTLE_MS, sleep, stopUntilOffline } from './lib/boot-probe';
import { attemptBoot, bootProblem } from './lib/boot-run';
import { analyzeForBoard, errnoLabel } from './lib/rsc-mutants';

const s = session();
const profile = s.spec.profile;
const rp = () => session().remoteproc;
const budget = profile.timeouts.tty;
const CHANNEL = /^virtio_rpmsg_bus virtio\d+: creating channel /;

/** the variant the kernel-era tests run on: st-default when planned, else the first one that boots */
const eraVariant = s.variants.find((v) => v.name === 'st-default' && !v.skip) ?? s.variants.find((v) => !v.skip && v.expect.boots);

async function leaveOffline(): Promise<void> {
  // one stop per start first (a refcounted kernel needs them, remoteproc.md §1.3), then the glue's stop for the rest
  await stopUntilOffline(rp());
  await stopCore();
  const state = await rp().state();
  if (state !== 'offline') throw new Error(`the core could not be left offline after the test: state ${state} (remoteproc.md §1.3)`);
}

function logPlan(v: VariantPlan, device: string): BootLogPlan {
  // the kernel rules of this board decide which lines it prints (remoteproc.md §3.3); the manifest decides the rest
  const report = analyzeForBoard(new Uint8Array(readFileSync(v.elfPath)), v.firmwareName, profile);
  return {
    device: `remoteproc ${device}`,
    rprocName: profile.coprocessor.name,
    firmwareName: v.firmwareName,
    // a tee-signed board loads the signed image, whose size differs from the ELF's (firmware.md §7)
    size: profile.firmware.format === 'elf' ? statSync(v.elfPath).size : undefined,
    findings: report.findings,
    boots: v.expect.boots,
    rpmsg: v.expect.rpmsg,
    channels: v.expect.channels,
    errno: v.expect.errno,
  };
}

const ttyWords = (n: number | null) => (n === null ? 'the rpmsg ttys' : n === 1 ? '1 rpmsg tty' : `${n} rpmsg ttys`);
const traceWords = (t: string[]) => (t.length === 0 ? 'no trace file' : t.join(' + '));

forEachVariant(() => true, (v) => {
  afterEach(leaveOffline);
  const where = `${v.name} (${v.firmwareName}) on ${s.spec.board}`;

  if (v.expect.boots) {
    test(`start → running; boot lines in dmesg order; ${ttyWords(v.expect.ttys)} (remoteproc.md §1.3, §3.3, §6)`, async () => {
      const r = rp();
      const inst = await r.instance();
      const mark = await r.mark();
      const attempt = await attemptBoot(v);
      const problems: string[] = [];
      const failed = bootProblem(v, attempt);
      if (failed) problems.push(failed);
      const state = await r.state();
      if (state !== 'running') problems.push(`expected state running after start (remoteproc.md §1.3); ${inst.id}/state reads ${state}`);

      // channel announcements and tty nodes arrive after the start returns (remoteproc.md §1.3): wait, then settle
      const wantCh = v.expect.channels;
      const wantTty = v.expect.ttys;
      await pollFor(() => r.since(mark), (ls) => wantCh === null || ls.filter((l) => CHANNEL.test(l.text)).length >= wantCh, budget);
      if (wantTty !== null) await pollFor(() => r.ttys(), (t) => t.length >= wantTty, budget);
      await sleep(SETTLE_MS);
      const lines = await r.since(mark);
      problems.push(...checkBootLog(lines.map((l) => l.text), logPlan(v, inst.id)));
      const ttys = await r.ttys();
      s.property('boot.ttys', ttys.length);
      if (wantTty !== null && ttys.length !== wantTty) {
        problems.push(`expected ${wantTty} /dev/ttyRPMSG* (firmware/variants.yaml expect.ttys; remoteproc.md §6.3: one per rpmsg-tty channel); the board has ${ttys.length}${ttys.length ? `: ${ttys.join(' ')}` : ''}`);
      }
      assertNoProblems(problems, `${where}: the start is not what the variant's table predicts`, lines.map((l) => l.raw));
    });

    const traceTitle = `debugfs shows ${traceWords(v.expect.traces)} while running (remoteproc.md §4)`;
    const traceCap = requireCapability('trace');
    if (traceCap !== true) skipWithReason(traceTitle, traceCap);
    else {
      test(traceTitle, async () => {
        const r = rp();
        const failed = bootProblem(v, await attemptBoot(v));
        if (failed) throw new Error(`${where}: ${failed}`);
        const traces = (await r.listTraces()).map(basename);
        s.property('boot.traces', traces.join(' '));
        const want = v.expect.traces;
        if (traces.join(' ') !== want.join(' ')) {
          throw new Error(`${where}: expected debugfs trace files [${want.join(', ')}] (one per trace entry, named trace0, trace1, ... in table order: remoteproc.md §3.2, §4; firmware/variants.yaml expect.traces); the board shows [${traces.join(', ')}]`);
        }
      });
    }

    test('stop → offline; ttys and trace files gone (remoteproc.md §1.3, §4, §6.3)', async () => {
      const r = rp();
      const inst = await r.instance();
      const failed = bootProblem(v, await attemptBoot(v));
      if (failed) throw new Error(`${where}: ${failed}`);
      const mark = await r.mark();
      const refused = await refusal(r.stop());
      const problems: string[] = [];
      if (refused) problems.push(`expected stop to succeed from running (remoteproc.md §1.3); the kernel refused it:\n  ${refused.message.split('\n').join('\n  ')}`);
      const state = await r.state();
      if (state !== 'offline') problems.push(`expected state offline after stop (remoteproc.md §1.3); ${inst.id}/state reads ${state}`);
      const lines = await r.since(mark);
      const stopped = lines.filter((l) => l.text === `remoteproc ${inst.id}: stopped remote processor ${profile.coprocessor.name}`).length;
      if (stopped !== 1) problems.push(`expected one "remoteproc ${inst.id}: stopped remote processor ${profile.coprocessor.name}" (remoteproc.md §1.3); dmesg has ${stopped}`);
      const ttys = await pollFor(() => r.ttys(), (t) => t.length === 0, budget);
      if (ttys.length > 0) problems.push(`expected every /dev/ttyRPMSG* to go with the stop (remoteproc.md §6.3: the channel is removed, the tty unregistered); still there after ${budget} ms: ${ttys.join(' ')}`);
      const traces = (await r.listTraces()).map(basename);
      if (traces.length > 0) problems.push(`expected the trace files to go with the stop (remoteproc.md §4: rproc_resource_cleanup removes them); still there: ${traces.join(' ')}`);
      assertNoProblems(problems, `${where}: the stop is not clean`, lines.map((l) => l.raw), 'dmesg since the stop');
    });
  } else {
    const errno = v.expect.errno ?? 22;
    test(`start fails with ${errnoLabel(errno)} and the kernel's reason in dmesg; the core stays offline (remoteproc.md §1.3, §3.3)`, async () => {
      const r = rp();
      const inst = await r.instance();
      const mark = await r.mark();
      const attempt = await attemptBoot(v);
      const problems: string[] = [];
      if (attempt.timedOut) problems.push(`expected the start to fail with ${errnoLabel(errno)}; the boot step timed out instead:\n  ${attempt.timedOut}`);
      else if (!attempt.refusal) problems.push(`expected the start to fail with ${errnoLabel(errno)} (firmware/variants.yaml expect.boots: false); the kernel accepted it`);
      else if (attempt.refusal.errno !== errno) problems.push(`expected the start to fail with ${errnoLabel(errno)}; the kernel returned ${attempt.refusal.errnoName ?? '?'} (${attempt.refusal.errno ?? '?'})`);
      const state = await r.state();
      if (state !== 'offline') problems.push(`expected state offline after the failed start (remoteproc.md §1.3); ${inst.id}/state reads ${state}`);
      const lines = await r.since(mark);
      problems.push(...checkBootLog(lines.map((l) => l.text), logPlan(v, inst.id)));
      const traces = (await r.listTraces()).map(basename);
      if (traces.length > 0) problems.push(`expected no trace file after a failed boot (remoteproc.md §4); the board shows ${traces.join(' ')}`);
      assertNoProblems(problems, `${where}: the failed start is not what the variant's table predicts`, lines.map((l) => l.raw));
    });
  }

  if (v.name !== eraVariant?.name) return;
  const release = profile.kernel.release;
  if (profile.kernel.stateRules === 'refcount') {
    test(`kernel ${release} (≥ 5.19): a second start succeeds, one stop keeps the core running, the next stops it (remoteproc.md §1.3)`, async () => {
      const r = rp();
      const inst = await r.instance();
      const failed = bootProblem(v, await attemptBoot(v));
      if (failed) throw new Error(`${where}: ${failed}`);
      const mark = await r.mark();
      const problems: string[] = [];
      const second = await refusal(r.start());
      if (second) problems.push(`expected "start" while running to succeed (refcount rules: the power count goes to 2); the kernel refused it with ${second.errnoName} (${second.errno}) — does the board run a kernel before 5.19? fix kernel.release in the profile`);
      const afterStart = await r.state();
      if (afterStart !== 'running') problems.push(`expected the core still running after the second start; state reads ${afterStart}`);
      const firstStop = await refusal(r.stop());
      const afterOne = await r.state();
      if (firstStop) problems.push(`expected the first stop to succeed; the kernel refused it with ${firstStop.errnoName} (${firstStop.errno})`);
      if (afterOne !== 'running') problems.push(`expected the core still running after one stop (power count 2 → 1); state reads ${afterOne}`);
      const linesOne = await r.since(mark);
      const device = `remoteproc ${inst.id}: `;
      const noisy = linesOne.filter((l) => l.text === `${device}powering up ${profile.coprocessor.name}` || l.text === `${device}stopped remote processor ${profile.coprocessor.name}`);
      if (noisy.length > 0) problems.push(`expected neither a new power-up nor a stop in dmesg for the second start and the first stop (remoteproc.md §1.3: only the refcount moves); dmesg has: ${noisy.map((l) => l.text).join(' | ')}`);
      const secondStop = await refusal(r.stop());
      const afterTwo = await r.state();
      if (secondStop) problems.push(`expected the second stop to succeed; the kernel refused it with ${secondStop.errnoName} (${secondStop.errno})`);
      if (afterTwo !== 'offline') problems.push(`expected the core offline after the second stop (power count 1 → 0); state reads ${afterTwo}`);
      const lines = await r.since(mark);
      assertNoProblems(problems, `${where}: start/stop do not follow the refcount rules of kernel ${release}`, lines.map((l) => l.raw), 'dmesg since the second start');
    });
  } else {
    test(`kernel ${release} (< 5.19): a second start fails with EBUSY (16), the core keeps running, one stop stops it (remoteproc.md §1.3)`, async () => {
      const r = rp();
      const failed = bootProblem(v, await attemptBoot(v));
      if (failed) throw new Error(`${where}: ${failed}`);
      const mark = await r.mark();
      const problems: string[] = [];
      const second = await refusal(r.start());
      if (!second) problems.push('expected "start" while running to fail with EBUSY (16) (old rules); the kernel accepted it — does the board run 5.19 or later? fix kernel.release in the profile');
      else if (second.errno !== 16) problems.push(`expected "start" while running to fail with EBUSY (16); it failed with ${second.errnoName} (${second.errno})`);
      const afterStart = await r.state();
      if (afterStart !== 'running') problems.push(`expected the core still running after the refused start; state reads ${afterStart}`);
      const stop = await refusal(r.stop());
      const afterStop = await r.state();
      if (stop) problems.push(`expected one stop to succeed; the kernel refused it with ${stop.errnoName} (${stop.errno})`);
      if (afterStop !== 'offline') problems.push(`expected the core offline after one stop (the refused start did not count); state reads ${afterStop}`);
      const lines = await r.since(mark);
      assertNoProblems(problems, `${where}: start/stop do not follow the EBUSY rules of kernel ${release}`, lines.map((l) => l.raw), 'dmesg since the second start');
    });
  }

  test('stop while offline fails with EINVAL (22) and prints nothing (remoteproc.md §1.3)', async () => {
    const r = rp();
    const inst = await r.instance();
    const before = await stopUntilOffline(r);
    if (before !== 'offline') throw new Error(`${where}: could not reach offline before the test: state ${before}`);
    const mark = await r.mark();
    const refused = await refusal(r.stop());
    const problems: string[] = [];
    if (!refused) problems.push('expected "stop" while offline to fail with EINVAL (22); the kernel accepted it');
    else if (refused.errno !== 22) problems.push(`expected "stop" while offline to fail with EINVAL (22); it failed with ${refused.errnoName} (${refused.errno})`);
    const lines = (await r.since(mark)).filter((l) => l.text.startsWith(`remoteproc ${inst.id}: `));
    if (lines.length > 0) problems.push(`expected no dmesg line from ${inst.id} for the refused stop; dmesg has ${lines.length}`);
    assertNoProblems(problems, `${where}: stop while offline`, lines.map((l) => l.raw), `dmesg of ${inst.id} since the stop`);
  });
});
