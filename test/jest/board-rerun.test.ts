// A second identical run on the same board uploads nothing: bootVariant deploys only when the sha256 on the board differs.
import * as fs from 'node:fs';
import { describeWithTools, TOOLS } from '../helpers/tools';
import { runSuitesOnVirtualBoard, type SuiteRun } from '../helpers/suite-run';
import { API, specDir } from './spec-dir';

const SPEC = `
import { forEachVariant, bootVariant, stopCore, session } from ${API};
forEachVariant(() => true, (v) => {
  afterEach(() => stopCore());
  test('boots', async () => {
    const o = await bootVariant(v);
    expect(o.error).toBeUndefined();
    session().property('deploy.uploads', o.deploy.uploads);
    session().property('deploy.skipped', String(o.deploy.skipped));
  });
});
`;

describeWithTools([TOOLS.armGcc, TOOLS.make], 'two identical runs on one virtual-mp157 (st-default, vdev-only)', () => {
  let run: SuiteRun;
  let dir: string;
  const uploads = (records: SuiteRun['records']): string[] => records.map((r) => `${r.id} ${r.status} uploads=${r.properties['deploy.uploads']} skipped=${r.properties['deploy.skipped']}`);

  beforeAll(async () => {
    dir = specDir({ 'deploy.spec.ts': SPEC });
    run = await runSuitesOnVirtualBoard({ board: 'virtual-mp157', suites: ['deploy'], variants: ['st-default', 'vdev-only'], specDir: dir });
  }, 60_000);

  afterAll(async () => {
    await run?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the first run uploads each variant once', () => {
    expect(uploads(run.records)).toEqual(['deploy/vdev-only/boots passed uploads=1 skipped=false', 'deploy/st-default/boots passed uploads=1 skipped=false']);
  });

  test('the second run finds every sha256 already on the board and uploads nothing', async () => {
    const again = await run.rerun();
    expect(again.exitCode).toBe(0);
    expect(uploads(again.records)).toEqual(['deploy/vdev-only/boots passed uploads=0 skipped=true', 'deploy/st-default/boots passed uploads=0 skipped=true']);
  }, 60_000);
});
