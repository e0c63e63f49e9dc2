// Issue 5 "Prove it": the board lease over real SSH (held → E_LEASE naming the owner, expired → taken over) and the health check with df.
import { LEASE_PATH, parseDfAvailableKiB } from '../../harness/board';
import { startFarm, rejectionOf, type Farm } from './virtual-farm';

let farm: Farm;

beforeAll(async () => {
  farm = await startFarm('lease');
}, 30_000);

afterAll(async () => {
  await farm?.stop();
});

const lease = (owner: string, expiresAt: Date): string => JSON.stringify({ owner, host: 'ci-runner-7', pid: 4242, expiresAt: expiresAt.toISOString() });

async function writeLease(text: string): Promise<void> {
  const admin = await farm.connect();
  const r = await admin.ssh.exec(`cat > ${LEASE_PATH}`, { stdin: text });
  expect(r.code).toBe(0);
}

test('a lease held by another runner is waited for, then refused with E_LEASE naming its owner; the lease is left alone', async () => {
  const until = new Date(Date.now() + 10 * 60_000);
  const held = lease('nightly-mp157', until);
  await writeLease(held);
  const { board, ssh } = await farm.connect({ lease: { owner: 'me', host: 'laptop', pid: 1, leaseWaitS: 0.3, pollMs: 50 } });
  const e = await rejectionOf(board.acquire());
  expect(e.code).toBe('E_LEASE');
  expect(e.message).toMatch(new RegExp(`^board vmp157-01 is leased by nightly-mp157 on ci-runner-7 \\(pid 4242\\) until ${until.toISOString().replace(/\./g, '\\.')}`));
  expect(board.state).toBe('idle');
  expect((await ssh.exec(`cat ${LEASE_PATH}`)).stdout.trim()).toBe(held);
}, 30_000);

test('an expired lease is taken over (the acquire says from whom), and released on release()', async () => {
  await writeLease(lease('crashed-runner', new Date(Date.now() - 60_000)));
  const { board, ssh } = await farm.connect({ lease: { owner: 'me', host: 'laptop', pid: 2, leaseWaitS: 0, pollMs: 50 } });
  const r = await board.acquire();
  expect(r.tookOverFrom).toMatchObject({ owner: 'crashed-runner', host: 'ci-runner-7', pid: 4242 });
  expect(JSON.parse((await ssh.exec(`cat ${LEASE_PATH}`)).stdout)).toMatchObject({ owner: 'me', host: 'laptop', pid: 2 });
  expect(await board.release()).toMatchObject({ lease: { removed: true } });
  expect((await ssh.exec(`test -e ${LEASE_PATH}`)).code).toBe(1);
}, 30_000);

test('df -Pk /lib/firmware on the virtual board prints the POSIX columns sized by the firmware quota', async () => {
  const c = await farm.connect();
  const before = await c.ssh.exec('df -Pk /lib/firmware');
  expect(before.code).toBe(0);
  const lines = before.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^Filesystem +1024-blocks +Used +Available +Capacity +Mounted on$/);
  const [, total, used, avail, capacity, mounted] = (lines[1] ?? '').split(/\s+/);
  // virtual-mp157: the kernel model puts a 64 MiB quota on /lib/firmware (profile virtual.firmwareQuotaBytes)
  expect([total, mounted]).toEqual(['65536', '/lib/firmware']);
  expect(Number(used) + Number(avail)).toBe(65536);
  expect(capacity).toMatch(/^\d+%$/);
  await c.ssh.upload(new Uint8Array(300 * 1024), '/lib/firmware/int-df.bin');
  const after = parseDfAvailableKiB((await c.ssh.exec('df -Pk /lib/firmware')).stdout);
  expect(after).toBe(Number(avail) - 300);
  expect((await c.ssh.exec('df -P /nope')).stderr).toBe('df: /nope: No such file or directory\n');
  expect((await c.ssh.exec('df -h /')).stderr).toBe("df: invalid option -- 'h'\nTry 'df --help' for more information.\n");
  expect((await c.ssh.exec('df -Pk /etc')).stdout).toMatch(/\n\/dev\/root +\d+ +\d+ +\d+ +\d+% \/\n$/);
}, 30_000);

test('the health check passes on every check, free space in /lib/firmware included, and fails it when the directory is full', async () => {
  const { board } = await farm.connect({ lease: { owner: 'me', host: 'laptop', pid: 3, leaseWaitS: 0 } });
  await board.acquire();
  const report = await board.prepare();
  expect(report.checks.map((c) => `${c.name}:${c.status}`)).toEqual(['ssh:pass', 'remoteproc:pass', 'compatible:pass', 'firmware-space:pass']);
  expect(report.checks[3]?.detail).toMatch(/^\d+ KiB free in \/lib\/firmware$/);
  await farm.vb.setFault('fillFirmwareDir', true);
  try {
    const full = await board.health();
    expect(full.ok).toBe(false);
    expect(full.checks[3]).toEqual({ name: 'firmware-space', status: 'fail', detail: '/lib/firmware has 0 KiB free, below the 4096 KiB needed; remove old images from /lib/firmware' });
  } finally {
    await farm.vb.setFault('fillFirmwareDir', false);
  }
  await board.release();
}, 30_000);
