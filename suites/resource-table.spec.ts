// Resource-table suite (issue 6 item 1): the live debugfs table vs the ELF's, and every MUTATION drawing its verdict.
import { readFileSync } from 'node:fs';
import { forEachVariant, session, skipWithReason, stopCore } from '../harness/jest';
import type { FirmwareReport } from '../harness/firmware';
import { assertNoProblems, checkBootLog } from './lib/boot-kernel-lines';
import { basename, refusal, stopUntilOffline } from './lib/boot-probe';
import { attemptBoot, bootProblem } from './lib/boot-run';
import { diffLiveTable, expectedLiveTable } from './lib/rsc-expected';
import { analyzeForBoard, errnoLabel, mutantsOf, outcomeWords } from './lib/rsc-mutants';

const s = session();
const profile = s.spec.profile;
const rp = () => session().remoteproc;
const MUTATION_BASE = 'st-default';

async function leaveOffline(): Promise<void> {
  // one stop per start first (a refcounted kernel needs them, remoteproc.md §1.3), then the glue's stop for the rest
  await stopUntilOffline(rp());
  await stopCore();
  const state = await rp().state();
  if (state !== 'offline') throw new Error(`the core could not be left offline after the test: state ${state} (remoteproc.md §1.3)`);
}

/** the kernel goes on without the table when find_table (or the STM32 driver) rejected it (remoteproc.md §3.3) */
const tableIgnored = (report: FirmwareReport) => report.table === null || report.findings.some((f) => f.severity === 'no-table');

forEachVariant(
  (v) => (v.expect.boots ? true : `${v.name} does not boot on ${s.spec.board} (start fails with ${errnoLabel(v.expect.errno ?? 22)}): there is no live resource table to compare`),
  (v) => {
    afterEach(leaveOffline);
    const where = `${v.name} (${v.firmwareName}) on ${s.spec.board}`;
    const report = analyzeForBoard(new Uint8Array(readFileSync(v.elfPath)), v.firmwareName, profile);
    const table = tableIgnored(report) ? null : report.table;

    if (table === null) {
      const why = report.findings.find((f) => f.severity === 'no-table')?.message ?? 'no .resource_table section';
      test('debugfs resource_table says "No resource table found": the kernel runs it without a table (remoteproc.md §2, §3.3)', async () => {
        const failed = bootProblem(v, await attemptBoot(v));
        if (failed) throw new Error(`${where}: ${failed}`);
        const dump = await rp().resourceTable();
        s.attach('resource_table.json', JSON.stringify(dump, null, 2), 'resource-table');
        if (dump.length > 0) {
          throw new Error(`${where}: expected debugfs resource_table to read "No resource table found" (remoteproc.md §2; the kernel runs this firmware without its table: ${why}); the board shows ${dump.length} entries: ${dump.map((e) => e.type).join(', ')}`);
        }
      });
      return;
    }

    test(`debugfs resource_table = the ELF's ${table.entries.length} entries with the kernel's fill-ins; none once offline (remoteproc.md §2, §3.3)`, async () => {
      const r = rp();
      const failed = bootProblem(v, await attemptBoot(v));
      if (failed) throw new Error(`${where}: ${failed}`);
      const dump = await r.resourceTable();
      s.attach('resource_table.json', JSON.stringify(dump, null, 2), 'resource-table');
      const problems = diffLiveTable(expectedLiveTable(table, profile.coprocessor.memory, v.expect.rpmsg), dump);

      // the manifest's own promises about the table (firmware/variants.yaml expect.traceNames, logSize, vringNum)
      const traces = dump.flatMap((e) => (e.type === 'trace' ? [e] : []));
      const names = traces.map((t) => t.name);
      if (names.join(' ') !== v.expect.traceNames.join(' ')) {
        problems.push(`expected trace entries named [${v.expect.traceNames.join(', ')}] (firmware/variants.yaml expect.traceNames); the dump shows [${names.join(', ')}]`);
      }
      const first = traces[0];
      if (first && first.len !== v.expect.logSize) problems.push(`expected the first trace buffer to be ${v.expect.logSize} bytes (firmware/variants.yaml expect.logSize); the dump shows ${first.len}`);
      const vrings = dump.flatMap((e) => (e.type === 'vdev' ? e.vrings : []));
      const nums = [...new Set(vrings.map((x) => x.num))];
      if (v.expect.vringNum === 0 ? vrings.length > 0 : nums.join() !== String(v.expect.vringNum)) {
        problems.push(`expected ${v.expect.vringNum === 0 ? 'no vring' : `every vring with ${v.expect.vringNum} buffers`} (firmware/variants.yaml expect.vringNum); the dump shows ${vrings.length === 0 ? 'none' : `num ${nums.join(', ')}`}`);
      }

      // remoteproc.md §2: offline there is no table to show
      const stopped = await refusal(r.stop());
      if (stopped) problems.push(`expected stop to succeed (remoteproc.md §1.3); the kernel refused it with ${stopped.errnoName} (${stopped.errno})`);
      const after = await r.resourceTable();
      if (after.length > 0) problems.push(`expected "No resource table found" once offline (remoteproc.md §2); the dump still shows ${after.length} entries`);
      assertNoProblems(problems, `${where}: debugfs resource_table differs from the ELF's table and what the kernel fills in`, JSON.stringify(dump, null, 2).split('\n'), 'the parsed dump while running');
    });
  },
);

describe(`${MUTATION_BASE} mutations`, () => {
  const base = s.variants.find((v) => v.name === MUTATION_BASE && !v.skip);
  if (!base) {
    skipWithReason(`every mutation of ${MUTATION_BASE}`, `${MUTATION_BASE} is not among this run's variants (--variant filter or --firmware DIR): the mutations are made from it`);
    return;
  }
  // the mutants stay in /lib/firmware like the variants (about 1 MiB in all): the next run finds their sha256 there
  // and uploads nothing (a nightly farm run costs no flash writes for unchanged firmware)
  afterEach(leaveOffline);

  for (const m of mutantsOf(base.elfPath, profile)) {
    if ('skip' in m) {
      skipWithReason(`mutation ${m.mutation}`, m.skip);
      continue;
    }
    const verdict = m.report.verdict;
    test(`mutation ${m.mutation}: ${outcomeWords(m.report)}; board healthy after (remoteproc.md §3.3) — ${m.description}`, async () => {
      const r = rp();
      const inst = await r.instance();
      await stopUntilOffline(r);
      await r.deployImage(m.bytes, m.firmwareName);
      await r.setFirmware(m.firmwareName);
      const mark = await r.mark();
      const refused = await refusal(r.start());
      const problems: string[] = [];
      const predicted = `analyzeFirmware with ${profile.name}'s rules: ${outcomeWords(m.report)}${m.report.findings.length ? ` — ${m.report.findings.map((f) => `${f.code}: ${f.message}`).join('; ')}` : ''}`;
      if (verdict.boots && refused) problems.push(`expected the start to succeed (${predicted}); the kernel refused it with ${refused.errnoName} (${refused.errno})`);
      if (!verdict.boots && !refused) problems.push(`expected the start to fail with ${errnoLabel(verdict.errno ?? 22)} (${predicted}); the kernel accepted it`);
      if (!verdict.boots && refused && refused.errno !== verdict.errno) problems.push(`expected the start to fail with ${errnoLabel(verdict.errno ?? 22)} (${predicted}); it failed with ${refused.errnoName} (${refused.errno})`);
      const state = await r.state();
      const wantState = verdict.boots ? 'running' : 'offline';
      if (state !== wantState) problems.push(`expected state ${wantState} (remoteproc.md §1.3); ${inst.id}/state reads ${state}`);
      if (verdict.boots && state === 'running') {
        const traces = (await r.listTraces()).map(basename);
        if (traces.join(' ') !== verdict.traces.join(' ')) problems.push(`expected trace files [${verdict.traces.join(', ')}] (remoteproc.md §4); the board shows [${traces.join(', ')}]`);
      }
      const lines = await r.since(mark);
      problems.push(...checkBootLog(lines.map((l) => l.text), {
        device: `remoteproc ${inst.id}`, rprocName: profile.coprocessor.name, firmwareName: m.firmwareName,
        size: profile.firmware.format === 'elf' ? m.bytes.length : undefined,
        findings: m.report.findings, boots: verdict.boots, rpmsg: verdict.rpmsg, channels: null, errno: verdict.errno,
      }));

      const offline = await stopUntilOffline(r);
      if (offline !== 'offline') problems.push(`expected the core to stop (remoteproc.md §1.3); state reads ${offline}`);
      const health = await s.board.health();
      if (!health.ok) problems.push(`expected the board healthy after the mutant; failed checks: ${health.checks.filter((c) => c.status === 'fail').map((c) => `${c.name}: ${c.detail}`).join('; ')}`);
      if (problems.length > 0) {
        s.attach(m.firmwareName, m.bytes, 'other');
        s.attach(`${m.firmwareName}.report.json`, JSON.stringify(m.report, null, 2), 'other');
      }
      assertNoProblems(problems, `mutation ${m.mutation} of ${MUTATION_BASE} (${m.firmwareName}) on ${s.spec.board} does not draw its predicted verdict`, lines.map((l) => l.raw));
    });
  }
});
