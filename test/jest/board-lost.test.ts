// The board lost in the middle of a run (power cut, never back): the running test is an E_TRANSPORT error, then exit 3.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeWithTools, TOOLS } from '../helpers/tools';
import { runSuitesOnVirtualBoard, type SuiteRun } from '../helpers/suite-run';
import { API, specDir } from './spec-dir';

const AFTER_CUT = `
import * as fs from 'node:fs';
import { forEachVariant, bootVariant, session } from ${API};
forEachVariant(() => true, (v) => {
  test('boots', async () => {
    expect((await bootVariant(v)).error).toBeUndefined();
  });
  test('reads the state after the power cut', async () => {
    for (let i = 0; i < 200 && !fs.existsSync(process.env.HIL_CUT_MARKER!); i++) await new Promise((r) => setTimeout(r, 100));
    await session().remoteproc.state();
  });
  test('would wait out the connect budget again', async () => {
    await session().remoteproc.state();
  });
});
`;

describeWithTools([TOOLS.armGcc, TOOLS.make], 'a board lost during the run', () => {
  let dir: string;
  const runs: SuiteRun[] = [];

  beforeAll(() => {
    dir = specDir({ 'cut.spec.ts': AFTER_CUT });
  });

  afterAll(async () => {
    for (const r of runs) await r.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
    delete process.env.HIL_CUT_MARKER;
  });

  test('the board lost mid-run (power cut, never back): that test is an E_TRANSPORT error, no later test runs, infra.json and exit 3', async () => {
    const marker = path.join(dir, 'cut');
    process.env.HIL_CUT_MARKER = marker;
    let cut: Promise<void> | undefined;
    let board: SuiteRun['vb'] | undefined;
    const run = await runSuitesOnVirtualBoard({
      board: 'virtual-mp157',
      suites: ['cut'],
      variants: ['st-default'],
      specDir: dir,
      // short connect and reboot budgets: a board that is gone is given up on in seconds instead of a minute
      profile: (p) => ({ ...p, timeouts: { ...p.timeouts, connect: 1000, reboot: 2000 } }),
      onRecord: () => {
        cut ??= (async () => {
          await board?.power.off();
          fs.writeFileSync(marker, 'cut');
        })();
      },
      onStart: (vb) => {
        board = vb;
      },
    });
    runs.push(run);
    await cut;
    expect(run.records.map((r) => `${r.id} ${r.status}`)).toEqual(['cut/st-default/boots passed', 'cut/st-default/reads-the-state-after-the-power-cut error']);
    expect(run.records[1]?.failure).toMatchObject({ kind: 'error', code: 'E_TRANSPORT' });
    expect(run.exitCode).toBe(3);
    expect(run.infra?.code).toBe('E_TRANSPORT');
  }, 60_000);
});
