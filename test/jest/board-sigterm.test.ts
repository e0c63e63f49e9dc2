// SIGTERM to a board's jest process mid-test: the board is restored and the lease released before it exits (DESIGN §7).
import * as fs from 'node:fs';
import { describeWithTools, TOOLS } from '../helpers/tools';
import { runSuitesOnVirtualBoard, type SuiteRun } from '../helpers/suite-run';
import { boardLeftBehind, type LeftBehind } from './board-state';
import { API, specDir } from './spec-dir';

const SPEC = `
import { forEachVariant, bootVariant } from ${API};
forEachVariant(() => true, (v) => {
  test('boots', async () => {
    expect((await bootVariant(v)).error).toBeUndefined();
  });
  test('hangs with the core running', () => new Promise(() => undefined));
});
`;

describeWithTools([TOOLS.armGcc, TOOLS.make], 'SIGTERM while a test runs (virtual-mp157, st-default)', () => {
  let run: SuiteRun;
  let left: LeftBehind;
  let dir: string;

  beforeAll(async () => {
    dir = specDir({ 'hang.spec.ts': SPEC });
    const abort = new AbortController();
    run = await runSuitesOnVirtualBoard({
      board: 'virtual-mp157',
      suites: ['hang'],
      variants: ['st-default'],
      specDir: dir,
      signal: abort.signal,
      // the first record means `boots` finished and `hangs…` is running with the core up
      onRecord: () => abort.abort(),
    });
    left = await boardLeftBehind(run.vb);
  }, 60_000);

  afterAll(async () => {
    await run?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the process ends as a SIGTERM does (143) with the finished test recorded', () => {
    expect(run.exitCode).toBe(143);
    expect(run.records.map((r) => `${r.id} ${r.status}`)).toEqual(['hang/st-default/boots passed']);
  });

  test('the core was stopped, the firmware name put back and the lease removed', () => {
    expect(left).toEqual({ state: 'offline', firmware: run.vb.profile.firmware.defaultName, lease: false });
  });
});
