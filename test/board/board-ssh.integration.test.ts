// The Board over real SSH against the virtual board (DESIGN §5) with its virtual power: lease, health, power off.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assertHealthy, createBoard, type Board } from '../../harness/board';
import { startVirtualBoard, type VirtualBoard } from '../../harness/virtual';
import { SshTestRunner } from '../remoteproc/ssh-runner';

let vb: VirtualBoard;
let runner: SshTestRunner;
let stateDir: string;
const boards: Board[] = [];

beforeAll(async () => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rproc-hil-board-'));
  vb = await startVirtualBoard({ profile: 'virtual-mp157', stateDir, console: 'tcp' });
  runner = await SshTestRunner.connect(vb.ssh);
}, 30_000);

afterAll(async () => {
  for (const b of boards) b.lease.stopHeartbeat();
  runner?.end();
  await vb?.stop();
  fs.rmSync(stateDir, { recursive: true, force: true });
});

function board(pid: number): Board {
  const b = createBoard({
    instance: { name: 'virtual-mp157', power: { backend: 'virtual' } },
    profile: vb.profile,
    runner,
    virtualPower: vb.power,
    lease: { owner: 'ci', host: 'runner-a', pid, leaseWaitS: 0.2, pollMs: 50 },
  });
  boards.push(b);
  return b;
}

test('lease and health over SSH; a second runner is refused; power off makes the health check fail on ssh', async () => {
  const first = board(1);
  await first.acquire();
  const report = await first.prepare();
  expect(report.checks.map((c) => `${c.name}:${c.status}`)).toEqual(['ssh:pass', 'remoteproc:pass', 'compatible:pass', 'firmware-space:pass']);

  await expect(board(2).acquire()).rejects.toMatchObject({ code: 'E_LEASE', message: expect.stringMatching(/^board virtual-mp157 is leased by ci on runner-a \(pid 1\) until \d{4}-/) });

  await first.power.off();
  const down = await first.health();
  expect(down.ok).toBe(false);
  expect(down.checks[0]).toMatchObject({ name: 'ssh', status: 'fail' });
  const e = (() => {
    try {
      assertHealthy(down);
    } catch (err) {
      return err;
    }
  })();
  expect(e).toMatchObject({ code: 'E_TRANSPORT', message: expect.stringMatching(/^board virtual-mp157 failed its health check \(1 of 4\): ssh: /) });
  expect(down.checks.slice(1).map((c) => c.status)).toEqual(['skip', 'skip', 'skip']);
  await first.power.on();
}, 30_000);
