// Board-level infrastructure failures of a board's jest process: infra.json { code, message } and exit 3 (CONTRACT-6).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BoardLease, sshRunner } from '../../harness/board';
import { SshTransport } from '../../harness/transports';
import { describeWithTools, TOOLS } from '../helpers/tools';
import { runSuitesOnVirtualBoard, type SuiteRun } from '../helpers/suite-run';
import { API, specDir } from './spec-dir';

const SPEC = `
import { session } from ${API};
test('never runs', () => {
  expect(session()).toBeDefined();
});
`;

// a well-formed fingerprint of some other key (43 base64 characters)
const WRONG_KEY = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

describeWithTools([TOOLS.armGcc, TOOLS.make], 'board-level failures before any test', () => {
  let dir: string;
  const runs: SuiteRun[] = [];

  beforeAll(() => {
    dir = specDir({ 'never.spec.ts': SPEC });
  });

  afterAll(async () => {
    for (const r of runs) await r.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a wrong pinned host key: exit 3, infra.json E_HOSTKEY naming both fingerprints, no test ran', async () => {
    const run = await runSuitesOnVirtualBoard({ board: 'virtual-mp157', suites: ['never'], specDir: dir, variants: ['st-default'], instance: (i) => ({ ...i, ssh: { ...i.ssh, hostKey: WRONG_KEY } }) });
    runs.push(run);
    expect(run.exitCode).toBe(3);
    expect(run.infra?.code).toBe('E_HOSTKEY');
    expect(run.infra?.message).toContain(WRONG_KEY);
    expect(run.infra?.message).toContain(run.vb.ssh.hostKey);
    expect(JSON.parse(fs.readFileSync(path.join(run.spec.workDir, 'infra.json'), 'utf8'))).toEqual(run.infra);
    expect(run.records).toEqual([]);
  }, 60_000);

  test('an unknown --variant is a configuration error: exit 2, infra.json E_CONFIG listing the known variants', async () => {
    const run = await runSuitesOnVirtualBoard({ board: 'virtual-mp157', suites: ['never'], specDir: dir, variants: ['no-such-variant'] });
    runs.push(run);
    expect(run.exitCode).toBe(2);
    expect(run.infra).toEqual({
      code: 'E_CONFIG',
      message: expect.stringMatching(/^--variant no-such-variant: no such variant for port stm32mp15 in firmware\/variants\.yaml; known: no-table, vdev-only, st-default, /),
    });
  }, 60_000);

  test('a lease held by another runner past --lease-wait: exit 3, infra.json E_LEASE naming the holder', async () => {
    let other: BoardLease | undefined;
    let ssh: SshTransport | undefined;
    const run = await runSuitesOnVirtualBoard({
      board: 'virtual-mp157',
      suites: ['never'],
      variants: ['st-default'],
      specDir: dir,
      leaseWaitS: 0,
      onStart: async (vb) => {
        const { host, port, user, privateKey, hostKey } = vb.ssh;
        ssh = SshTransport.forInstance({ name: 'alice-runner', type: vb.profile.name, ssh: { host, port, user, privateKey, hostKey }, power: { backend: 'none' } }, vb.profile);
        other = new BoardLease({ runner: sshRunner(ssh), board: 'virtual-mp157', owner: 'alice@ci-7' });
        await other.acquire();
      },
    });
    runs.push(run);
    other?.stopHeartbeat();
    await ssh?.close();
    expect(run.exitCode).toBe(3);
    expect(run.infra?.code).toBe('E_LEASE');
    expect(run.infra?.message).toContain('alice@ci-7');
    expect(run.records).toEqual([]);
  }, 60_000);
});
