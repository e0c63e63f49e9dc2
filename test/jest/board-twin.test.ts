// The glue on a QEMU twin board: the firmware itself boots through bootVariant and echoes over the identified channel.
import * as fs from 'node:fs';
import { describeWithTools, TOOLS } from '../helpers/tools';
import { runSuitesOnVirtualBoard, type SuiteRun } from '../helpers/suite-run';
import { boardLeftBehind, type LeftBehind } from './board-state';
import { API, specDir } from './spec-dir';

const SPEC = `
import { forEachVariant, bootVariant, stopCore, channels } from ${API};
forEachVariant(() => true, (v) => {
  afterAll(() => stopCore());
  test('boots and echoes', async () => {
    const o = await bootVariant(v);
    expect(o.error).toBeUndefined();
    expect(o.ttys).toHaveLength(2);
    const ch = await channels(v);
    try {
      await ch.echo!.echo('twin', { timeoutMs: 10000 });
      expect(await ch.control!.command('ping', { timeoutMs: 10000 })).toBe('pong');
    } finally {
      ch.close();
    }
  });
});
`;

describeWithTools([TOOLS.armGcc, TOOLS.make, TOOLS.qemu], 'a board run on twin-mp157 (st-default)', () => {
  let run: SuiteRun;
  let left: LeftBehind;
  let dir: string;

  beforeAll(async () => {
    dir = specDir({ 'twin.spec.ts': SPEC });
    run = await runSuitesOnVirtualBoard({ board: 'twin-mp157', suites: ['twin'], variants: ['st-default'], specDir: dir });
    left = await boardLeftBehind(run.vb);
  }, 90_000);

  afterAll(async () => {
    await run?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the qemu-m4 build boots, both channels answer (DESIGN §6), exit 0, the board left as found', () => {
    expect(run.records.map((r) => `${r.id} ${r.status} ${r.failure?.message ?? ''}`)).toEqual(['twin/st-default/boots-and-echoes passed ']);
    expect(run.exitCode).toBe(0);
    expect(left).toEqual({ state: 'offline', firmware: run.vb.profile.firmware.defaultName, lease: false });
  });
});
