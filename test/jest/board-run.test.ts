// One board's jest process end to end on virtual-mp157: one SSH connection, a record + evidence per test, board left as found.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EvidenceIndex, TestRecord } from '../../harness/reporting/types';
import { describeWithTools, TOOLS } from '../helpers/tools';
import { runSuitesOnVirtualBoard, type SuiteRun } from '../helpers/suite-run';
import { boardLeftBehind, type LeftBehind } from './board-state';
import { API, specDir } from './spec-dir';
import { startCountingProxy, type CountingProxy } from './tcp-proxy';

const FIRST = `
import * as fs from 'node:fs';
import { session, forEachVariant, bootVariant, stopCore, channels, skipWithReason } from ${API};

forEachVariant((v) => (v.name === 'vdev-only' ? 'vdev-only has no control channel' : true), (v) => {
  afterAll(() => stopCore());
  test('Boots & echoes (1st)', async () => {
    const o = await bootVariant(v);
    session().property('deploy.uploads', o.deploy.uploads);
    const ch = await channels(v);
    try {
      await ch.echo!.echo('hello', { timeoutMs: 5000 });
      expect(await ch.control!.command('ping', { timeoutMs: 5000 })).toBe('pong');
    } finally {
      ch.close();
    }
    session().attach('notes/echo.txt', 'echo ok');
  });
  test('boots again', async () => {
    const o = await bootVariant(v);
    session().property('deploy.uploads', o.deploy.uploads);
    expect(o.ttys).toHaveLength(2);
  });
});

skipWithReason('needs a board with two cores', 'this board has one coprocessor');

test('fails on purpose', () => {
  expect(1 + 1).toBe(3);
});

test('throws an infrastructure error', () => {
  throw Object.assign(new Error('the disk went away'), { code: 'E_IO' });
});

test('passes on the second attempt', () => {
  const marker = process.env.HIL_FLAKY_MARKER!;
  if (!fs.existsSync(marker)) {
    fs.writeFileSync(marker, 'x');
    throw new Error('first attempt fails');
  }
});
`;

const SECOND = `
import { forEachVariant, bootVariant, stopCore } from ${API};
forEachVariant(() => true, (v) => {
  afterEach(() => stopCore());
  test('boots from a second spec file', async () => {
    expect((await bootVariant(v)).error).toBeUndefined();
  });
});
`;

const THIRD = `
import { forEachVariant, requireCapability } from ${API};
forEachVariant(() => requireCapability('trace'), () => {
  test('reads the trace', () => undefined);
});
`;

describeWithTools([TOOLS.armGcc, TOOLS.make], 'a board run (virtual-mp157, three spec files, --variant st-default vdev-only, --retries 1)', () => {
  let proxy: CountingProxy;
  let run: SuiteRun;
  let left: LeftBehind;
  let dir: string;
  const byId = (id: string): TestRecord => {
    const r = run.records.find((x) => x.id === id);
    if (!r) throw new Error(`no record ${id}; records: ${run.records.map((x) => x.id).join(', ')}`);
    return r;
  };
  const evidence = (r: TestRecord): EvidenceIndex => JSON.parse(fs.readFileSync(path.join(run.outDir, r.evidence ?? 'missing'), 'utf8')) as EvidenceIndex;
  const evidenceFile = (r: TestRecord, name: string): string => fs.readFileSync(path.join(run.outDir, path.dirname(r.evidence ?? ''), name), 'utf8');

  beforeAll(async () => {
    proxy = await startCountingProxy();
    dir = specDir({ 'first.spec.ts': FIRST, 'second.spec.ts': SECOND, 'third.spec.ts': THIRD });
    process.env.HIL_FLAKY_MARKER = path.join(dir, 'flaky-marker');
    run = await runSuitesOnVirtualBoard({
      board: 'virtual-mp157',
      suites: ['first', 'second', 'third'],
      // the child's profile says the board has no trace capability (third.spec.ts is gated on it)
      profile: (p) => ({ ...p, capabilities: { ...p.capabilities, trace: false } }),
      variants: ['st-default', 'vdev-only'],
      specDir: dir,
      retries: 1,
      instance: (i) => {
        proxy.target = i.ssh.port;
        return { ...i, ssh: { ...i.ssh, port: proxy.port } };
      },
    });
    left = await boardLeftBehind(run.vb);
  }, 90_000);

  afterAll(async () => {
    await run?.cleanup();
    await proxy?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    delete process.env.HIL_FLAKY_MARKER;
  });

  test('the whole run (setup, three spec files, teardown) used ONE ssh connection (DESIGN §1, §7)', () => {
    expect(proxy.connections).toBe(1);
  });

  test('exit code 1 because tests failed, and one record per test with stable ids', () => {
    expect(run.exitCode).toBe(1);
    expect(run.records.map((r) => r.id).sort()).toEqual([
      'first/_/fails-on-purpose',
      'first/_/needs-a-board-with-two-cores',
      'first/_/passes-on-the-second-attempt',
      'first/_/throws-an-infrastructure-error',
      'first/st-default/boots-again',
      'first/st-default/boots-echoes-1st',
      'first/vdev-only/boots-again',
      'first/vdev-only/boots-echoes-1st',
      'second/st-default/boots-from-a-second-spec-file',
      'second/vdev-only/boots-from-a-second-spec-file',
      'third/st-default/reads-the-trace',
      'third/vdev-only/reads-the-trace',
    ]);
    const r = byId('first/st-default/boots-echoes-1st');
    expect(r).toMatchObject({ board: 'virtual-mp157', suite: 'first', variant: 'st-default', title: 'Boots & echoes (1st)', titlePath: ['st-default', 'Boots & echoes (1st)'], status: 'passed' });
  });

  test('a skip carries its reason: forEachVariant (per variant) and skipWithReason', () => {
    expect(byId('first/vdev-only/boots-echoes-1st')).toMatchObject({ status: 'skipped', skipReason: 'vdev-only has no control channel' });
    expect(byId('first/vdev-only/boots-again')).toMatchObject({ status: 'skipped', skipReason: 'vdev-only has no control channel' });
    expect(byId('first/_/needs-a-board-with-two-cores')).toMatchObject({ status: 'skipped', skipReason: 'this board has one coprocessor' });
    expect(byId('third/st-default/reads-the-trace')).toMatchObject({
      status: 'skipped',
      skipReason: 'board virtual-mp157 (profile virtual-mp157) has no trace capability (capabilities.trace: false in its profile)',
    });
  });

  test('an assertion is a failure, an infrastructure code (E_IO) an error; a retried test keeps its failed attempts', () => {
    const failed = byId('first/_/fails-on-purpose');
    expect(failed.status).toBe('failed');
    expect(failed.failure).toMatchObject({ kind: 'failure' });
    expect(failed.failure?.message).toContain('Expected: 3');
    expect(failed.retries).toHaveLength(1);
    expect(byId('first/_/throws-an-infrastructure-error')).toMatchObject({ status: 'error', failure: { kind: 'error', code: 'E_IO', message: 'the disk went away' } });
    const flaky = byId('first/_/passes-on-the-second-attempt');
    expect(flaky.status).toBe('passed');
    expect(flaky.retries).toEqual([{ message: 'first attempt fails' }]);
  });

  test('the second boot of an identical firmware uploads nothing (sha256 already on the board)', () => {
    expect(byId('first/st-default/boots-echoes-1st').properties['deploy.uploads']).toBe(1);
    expect(byId('first/st-default/boots-again').properties['deploy.uploads']).toBe(0);
    expect(byId('first/st-default/boots-again').properties['firmware.sha256']).toMatch(/^[0-9a-f]{64}$/);
  });

  test('evidence per test: index.json listing console and dmesg slices, the trace present at the end, attachments', () => {
    const r = byId('first/st-default/boots-echoes-1st');
    expect(r.evidence).toBe('evidence/virtual-mp157/first/st-default/boots-echoes-1st/index.json');
    const index = evidence(r);
    expect(index).toMatchObject({ id: r.id, board: 'virtual-mp157', status: 'passed' });
    expect(index.files.map((f) => `${f.name}:${f.kind}`)).toEqual(['console.log:console', 'dmesg.log:dmesg', 'trace0.log:trace', 'echo.txt:other']);
    // remoteproc.md §1.3: the kernel logs the image it boots
    expect(evidenceFile(r, 'dmesg.log')).toContain('Booting fw image rproc-hil-st-default.elf');
    expect(evidenceFile(r, 'console.log')).toContain('remote processor m4 is now up');
    expect(evidenceFile(r, 'echo.txt')).toBe('echo ok');
    const dmesg = index.files.find((f) => f.name === 'dmesg.log');
    expect(dmesg?.bytes).toBe(Buffer.byteLength(evidenceFile(r, 'dmesg.log')));
    // a failing test has its evidence too; a skipped one an index with no files
    expect(evidence(byId('first/_/fails-on-purpose')).status).toBe('failed');
    expect(evidence(byId('first/_/needs-a-board-with-two-cores'))).toMatchObject({ status: 'skipped', files: [] });
  });

  test('jest-junit output lands in the work dir; the board is left as found: offline, original firmware, no lease', () => {
    const junit = fs.readFileSync(path.join(run.spec.workDir, 'jest-junit.xml'), 'utf8');
    expect(junit).toContain('name="fails on purpose"');
    // each testsuite is named by its spec path, so reporting can tell which suite it is
    expect(junit).toMatch(/<testsuite name="[^"]*\/first\.spec\.ts"/);
    expect(left).toEqual({ state: 'offline', firmware: run.vb.profile.firmware.defaultName, lease: false });
    expect(fs.existsSync(path.join(run.spec.workDir, 'infra.json'))).toBe(false);
  });
});
