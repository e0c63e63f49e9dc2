// Issue 5 "Prove it" over the real SshTransport against the virtual board: host-key pinning, reboot reconnect, budget, `cat >` fallback without sftp.
import { createHash } from 'node:crypto';
import { startFarm, rejectionOf, type Farm } from './virtual-farm';

let farm: Farm;

beforeAll(async () => {
  farm = await startFarm('ssh');
}, 30_000);

afterAll(async () => {
  await farm?.stop();
});

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

test('a board that reboots (SSH refused for a while) is reached again by the backoff, and the next command works', async () => {
  const { board, ssh } = await farm.connect({ ssh: { retryDelayMs: { min: 50, max: 200 } } });
  await board.acquire();
  await board.prepare();
  const reconnects: boolean[] = [];
  ssh.on('connected', (i) => reconnects.push(i.reconnect));
  // refuseForMs is a reboot: sshd drops every connection and refuses new ones until the kernel is back
  const lost = new Promise((resolve) => ssh.once('disconnected', resolve));
  await farm.vb.setFault('refuseForMs', 1500);
  await lost;
  const r = await board.runner.exec('cat /proc/sys/kernel/hostname', { phase: 'exec', timeoutMs: 10_000 });
  expect(r.code).toBe(0);
  expect(r.stdout.trim()).toBe(farm.vb.kernel.settings.hostname);
  expect(reconnects).toEqual([true]);
  await board.release();
}, 30_000);

test('a board that stays off: the reconnect budget runs out with E_TRANSPORT naming the board, the attempts and the budget', async () => {
  const c = await farm.connect({ ssh: { connectBudgetMs: 1200, retryDelayMs: { min: 50, max: 200 } } });
  await c.ssh.connect();
  const lost = new Promise((resolve) => c.ssh.once('disconnected', resolve));
  await farm.vb.power.off();
  await lost;
  try {
    const e = await rejectionOf(c.ssh.exec('true', { timeoutMs: 5000 }));
    expect(e.code).toBe('E_TRANSPORT');
    expect(e.message).toMatch(/^cannot connect to board vmp157-01 \(root@127\.0\.0\.1:\d+\) within 1200 ms \(\d+ attempts\); last error: connect ECONNREFUSED 127\.0\.0\.1:\d+\. Is the board powered and its sshd running\? \(budget: profile timeouts\.connect\)$/);
    expect(e.constructor.name).toBe('InfraError');
  } finally {
    await farm.vb.power.on();
  }
  expect((await c.ssh.exec('echo back', { timeoutMs: 10_000 })).stdout).toBe('back\n');
}, 30_000);

test('a board whose host key changed is refused with both fingerprints and how to update the inventory', async () => {
  const c = await farm.connect({ ssh: { connectBudgetMs: 3000 } });
  const pinned = farm.vb.ssh.hostKey;
  await farm.vb.setFault('rotateHostKey', true);
  const presented = farm.vb.ssh.hostKey;
  expect(presented).not.toBe(pinned);
  const e = await rejectionOf(c.ssh.exec('true'));
  expect(e.code).toBe('E_HOSTKEY');
  expect(e.message).toContain(`host key of board vmp157-01 (127.0.0.1:${farm.vb.ssh.port}) does not match the pinned fingerprint: expected ${pinned}, presented ${presented} (ssh-ed25519). Connection refused.`);
  expect(e.message).toContain(`update the inventory: ssh.hostKey: ${presented}`);
  // the pinned new key is accepted: nothing else changed
  const fixed = await farm.connect();
  expect((await fixed.ssh.exec('echo ok')).stdout).toBe('ok\n');
}, 30_000);

test('deploy through the Board: SFTP upload, sha256 on the board, identical bytes skipped', async () => {
  const { board } = await farm.connect();
  await board.acquire();
  await board.prepare();
  const bytes = Uint8Array.from({ length: 5000 }, (_, i) => (i * 13) & 0xff);
  expect(await board.remoteproc.deploy(bytes, 'int-upload.elf')).toMatchObject({ skipped: false, uploads: 1 });
  expect(await board.remoteproc.deploy(bytes, 'int-upload.elf')).toMatchObject({ skipped: true });
  const r = await board.runner.exec('sha256sum /lib/firmware/int-upload.elf', { phase: 'exec', timeoutMs: 5000 });
  expect(r.stdout.split(' ')[0]).toBe(sha(bytes));
  await board.release();
}, 30_000);

test('a board without an sftp subsystem (noSftp fault): upload falls back to `cat >` and the bytes land intact', async () => {
  await farm.vb.setFault('noSftp', true);
  try {
    const c = await farm.connect();
    const before = (await c.ssh.exec('ls /lib/firmware')).stdout;
    expect(before).not.toContain('int-cat.elf');
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31 + (i >> 8)) & 0xff);
    await c.ssh.upload(bytes, '/lib/firmware/int-cat.elf', { mode: 0o644 });
    expect(await c.ssh.sha256Remote('/lib/firmware/int-cat.elf')).toBe(sha(bytes));
    // the second upload goes straight to `cat >` (the transport remembers the board has no sftp)
    await c.ssh.upload(bytes.subarray(0, 100), '/lib/firmware/int-cat2.elf');
    expect(await c.ssh.sha256Remote('/lib/firmware/int-cat2.elf')).toBe(sha(bytes.subarray(0, 100)));
  } finally {
    await farm.vb.setFault('noSftp', false);
  }
}, 30_000);

test('the exit status of a command that ends at once is kept (ssh2 may deliver it in the same read as the channel open)', async () => {
  const c = await farm.connect();
  expect((await c.ssh.exec('true')).code).toBe(0);
  expect((await c.ssh.exec('false')).code).toBe(1);
  expect((await c.ssh.exec('exit 3')).code).toBe(3);
  const s = await c.ssh.stream('exit 4');
  expect((await s.exit).code).toBe(4);
}, 30_000);
