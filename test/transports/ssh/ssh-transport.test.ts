// SshTransport against a real ssh2 server: exec, pinning, timeouts, channel cap, reconnect and retry policy (DESIGN §7, anchors.md §3.1).
import * as net from 'node:net';
import { InfraError } from '../../../harness/errors';
import type { SshStream } from '../../../harness/transports/ssh';
import { closedPort, rejectionOf, SshFixture } from '../helpers/ssh-fixture';
import { generateKey, TestSshServer } from '../helpers/ssh-test-server';

/** Waits (polling) until a condition holds; the jest timeout bounds it. */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 10));
}

let fx: SshFixture;
beforeEach(() => {
  fx = new SshFixture();
});
afterEach(async () => {
  await fx.cleanup();
});

describe('exec', () => {
  test('returns stdout, stderr and the exit code, all over one connection', async () => {
    const server = await fx.server();
    const t = fx.transport(fx.target(server));
    await expect(t.exec('echo hello')).resolves.toEqual({ stdout: 'hello\n', stderr: '', code: 0 });
    await expect(t.exec('echo oops >&2; exit 3')).resolves.toEqual({ stdout: '', stderr: 'oops\n', code: 3 });
    const missing = await t.exec('no-such-command-xyz');
    expect(missing.code).toBe(127);
    expect(missing.stderr).toMatch(/not found/);
    expect(server.tcpConnections).toBe(1);
  });

  test('passes stdin to the command and closes it', async () => {
    const server = await fx.server();
    const t = fx.transport(fx.target(server));
    await expect(t.exec('tr a-z A-Z', { stdin: 'firmware\n' })).resolves.toMatchObject({ stdout: 'FIRMWARE\n', code: 0 });
    await expect(t.exec('cat', { stdin: '' })).resolves.toMatchObject({ stdout: '', code: 0 });
  });

  test('a timeout names the phase, budget, board and last output, and kills the remote command', async () => {
    const server = await fx.server();
    const t = fx.transport(fx.target(server));
    const exited = server.nextExit();
    const err = await rejectionOf(t.exec('echo started; sleep 20; echo never', { phase: 'start', timeoutMs: 300 }));
    expect(err).toBeInstanceOf(InfraError);
    expect(err.code).toBe('E_TIMEOUT');
    expect(err.message).toBe('start timed out after 300 ms on test-board; last output: started');
    expect(await exited).toMatchObject({ signal: 'SIGKILL' });
    expect(server.signals).toContain('KILL');
    await expect(t.exec('echo still usable')).resolves.toMatchObject({ stdout: 'still usable\n' });
  });

  test('the budget comes from the phase timeouts of the profile', async () => {
    const server = await fx.server();
    const t = fx.transport(fx.target(server), { timeouts: { stop: 200 } });
    const err = await rejectionOf(t.exec('sleep 20', { phase: 'stop' }));
    expect(err.message).toBe('stop timed out after 200 ms on test-board; last output: (none)');
  });
});

describe('channel cap (mscdex/ssh2#1190: MaxSessions)', () => {
  test('12 streams: the server never sees more than 8 at once, the rest open as others close', async () => {
    const server = await fx.server();
    const t = fx.transport(fx.target(server));
    await t.connect();
    const pending = Array.from({ length: 12 }, () => t.stream('cat'));
    const opened: SshStream[] = [];
    pending.forEach((p) => void p.then((s) => opened.push(s)));
    await until(() => opened.length >= 8);
    await new Promise((r) => setTimeout(r, 200));
    expect(opened).toHaveLength(8);
    expect(server.commands).toHaveLength(8);
    expect(t.openChannels).toBe(8);
    let closed = 0;
    while (closed < 12) {
      await until(() => opened.length > 0);
      await opened.shift()?.close();
      closed++;
    }
    expect(server.commands).toHaveLength(12);
    expect(server.maxActiveSessions).toBe(8);
    expect(t.openChannels).toBe(0);
  });

  test('an exec starved of channels by long-lived streams times out saying so, instead of hanging', async () => {
    const server = await fx.server();
    const t = fx.transport(fx.target(server), { maxChannels: 1 });
    const s = await t.stream('cat');
    const err = await rejectionOf(t.exec('true', { timeoutMs: 200 }));
    expect(err.message).toBe('exec timed out after 200 ms on test-board; still waiting for a free SSH channel (1 in use)');
    await s.close();
    await expect(t.exec('echo freed')).resolves.toMatchObject({ stdout: 'freed\n' });
    expect(server.commands).toEqual(['cat', 'echo freed']);
  });

  test('12 concurrent execs all succeed with at most 8 channels open', async () => {
    const server = await fx.server();
    const t = fx.transport(fx.target(server));
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => t.exec(`sleep 0.1; echo ${i}`)));
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 12 }, (_, i) => String(i)));
    expect(server.maxActiveSessions).toBeLessThanOrEqual(8);
    expect(server.maxActiveSessions).toBeGreaterThan(1);
  });
});

describe('stream', () => {
  test('delivers data, accepts writes, and close() ends the remote command', async () => {
    const server = await fx.server();
    const t = fx.transport(fx.target(server));
    const s = await t.stream('cat');
    const got = new Promise<string>((resolve) => s.on('data', (d) => resolve(d.toString())));
    await s.write('ping\n');
    expect(await got).toBe('ping\n');
    const exit = await s.close();
    expect(exit).toMatchObject({ signal: 'SIGTERM', connectionLost: false });
    expect(server.signals).toContain('TERM');
  });
});

describe('host key pinning', () => {
  test('a pinned SHA256 fingerprint is accepted, with or without base64 padding', async () => {
    const server = await fx.server();
    await expect(fx.transport(fx.target(server)).exec('true')).resolves.toMatchObject({ code: 0 });
    await expect(fx.transport(fx.target(server, { hostKey: `${server.fingerprint}=` })).exec('true')).resolves.toMatchObject({ code: 0 });
  });

  test('a wrong fingerprint is refused with both fingerprints and the inventory fix, and not retried', async () => {
    const server = await fx.server();
    const other = await fx.server();
    const t = fx.transport(fx.target(server, { hostKey: other.fingerprint }));
    const err = await rejectionOf(t.exec('true'));
    expect(err.code).toBe('E_HOSTKEY');
    expect(err.message).toBe(
      `host key of board test-board (127.0.0.1:${server.port}) does not match the pinned fingerprint: expected ${other.fingerprint}, ` +
        `presented ${server.fingerprint} (ssh-ed25519). Connection refused. If the board was reinstalled and this key is genuine, ` +
        `update the inventory: ssh.hostKey: ${server.fingerprint} (check it first on the board's console: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub)`,
    );
    expect(err.details).toMatchObject({ expected: [other.fingerprint], presented: server.fingerprint });
    expect(server.tcpConnections).toBe(1);
  });
});

describe('connect retry policy', () => {
  test('refused connections are retried with backoff, then give up within the budget with E_TRANSPORT', async () => {
    const port = await closedPort();
    const t = fx.transport({ host: '127.0.0.1', port, user: 'root', privateKey: fx.keyFile, hostKey: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } as never, { connectBudgetMs: 800 });
    const err = await rejectionOf(t.exec('true'));
    expect(err.code).toBe('E_TRANSPORT');
    expect(err.message).toMatch(
      new RegExp(`^cannot connect to board test-board \\(root@127\\.0\\.0\\.1:${port}\\) within 800 ms \\(\\d+ attempts\\); last error: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\. Is the board powered and its sshd running\\?`),
    );
    expect(err.details?.attempts).toBeGreaterThan(1);
  });

  test('a board whose sshd comes up during the budget is reached (labgrid#641)', async () => {
    const port = await closedPort();
    const hostKey = generateKey().private;
    const t = fx.transport({ host: '127.0.0.1', port, user: 'root', privateKey: fx.keyFile, hostKey: TestSshServer.fingerprintOfPem(hostKey) } as never, { connectBudgetMs: 5000 });
    const connected = t.exec('echo up');
    await new Promise((r) => setTimeout(r, 300));
    const server = await fx.server({ hostKey }, port);
    await expect(connected).resolves.toMatchObject({ stdout: 'up\n' });
    expect(server.tcpConnections).toBe(1);
  });

  test('an sshd that accepts TCP but never speaks is retried as a handshake timeout (mscdex/ssh2#353)', async () => {
    const silent = net.createServer((sock) => silentSockets.push(sock));
    const silentSockets: net.Socket[] = [];
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const t = fx.transport({ host: '127.0.0.1', port, user: 'root', privateKey: fx.keyFile, hostKey: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } as never, { connectBudgetMs: 1000, handshakeTimeoutMs: 200 });
      const err = await rejectionOf(t.connect());
      expect(err.code).toBe('E_TRANSPORT');
      expect(err.message).toContain('last error: Timed out while waiting for handshake.');
      expect(silentSockets.length).toBeGreaterThan(1);
    } finally {
      for (const s of silentSockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  test('an unreadable key file or a missing agent is a configuration problem named by its key path', async () => {
    const server = await fx.server();
    const noFile = await rejectionOf(fx.transport(fx.target(server, { privateKey: '/nonexistent/hil_key' })).connect());
    expect(noFile.code).toBe('E_IO');
    expect(noFile.message).toMatch(/^cannot read the private key of board test-board at \/nonexistent\/hil_key \(ssh\.privateKey\): ENOENT/);
    const noAgent = await rejectionOf(fx.transport(fx.target(server, { privateKey: undefined, agent: true }), { env: {} }).connect());
    expect(noAgent.code).toBe('E_CONFIG');
    expect(noAgent.message).toBe('board test-board logs in with agent: true, but SSH_AUTH_SOCK is not set; start ssh-agent and ssh-add the key, or use ssh.privateKey');
    expect(server.tcpConnections).toBe(0);
  });

  test('an authentication failure is not retried', async () => {
    const server = await fx.server({ clientPublicKey: generateKey().public });
    const t = fx.transport(fx.target(server));
    const err = await rejectionOf(t.exec('true'));
    expect(err.code).toBe('E_TRANSPORT');
    expect(err.message).toBe(`login to board test-board as root@127.0.0.1:${server.port} was refused with the key in ssh.privateKey; check that key/password is authorised on the board (not retried)`);
    expect(err.details).toMatchObject({ reason: 'auth' });
    expect(server.tcpConnections).toBe(1);
  });

  test('a password comes only from the named environment variable, whose value is never shown', async () => {
    const server = await fx.server();
    const unset = fx.transport(fx.target(server, { privateKey: undefined, passwordEnv: 'HIL_TEST_PW' }), { env: {} });
    const err = await rejectionOf(unset.exec('true'));
    expect(err.code).toBe('E_CONFIG');
    expect(err.message).toBe('board test-board takes its password from the environment variable HIL_TEST_PW, which is not set');
    const wrong = fx.transport(fx.target(server, { privateKey: undefined, passwordEnv: 'HIL_TEST_PW' }), { env: { HIL_TEST_PW: 'hunter2-secret' } });
    const refused = await rejectionOf(wrong.exec('true'));
    expect(refused.message).toBe(`login to board test-board as root@127.0.0.1:${server.port} was refused with the password from ssh.passwordEnv; check that key/password is authorised on the board (not retried)`);
    expect(JSON.stringify(refused.details)).not.toContain('hunter2');
  });
});

describe('connection loss', () => {
  test('a dropped connection emits disconnected, and the next call reconnects', async () => {
    const server = await fx.server();
    const t = fx.transport(fx.target(server));
    const connects: boolean[] = [];
    t.on('connected', (i) => connects.push(i.reconnect));
    await t.exec('true');
    const lost = new Promise<{ reason: string }>((resolve) => t.once('disconnected', resolve));
    server.dropAll();
    await lost;
    expect(t.isConnected).toBe(false);
    await expect(t.exec('echo back')).resolves.toMatchObject({ stdout: 'back\n' });
    expect(connects).toEqual([false, true]);
    expect(server.tcpConnections).toBe(2);
  });

  test('a command running when the connection drops fails with E_TRANSPORT and is not re-run', async () => {
    const server = await fx.server();
    const t = fx.transport(fx.target(server));
    await t.connect();
    const running = t.exec('sleep 5');
    await new Promise((r) => setTimeout(r, 200));
    server.dropAll();
    const err = await rejectionOf(running);
    expect(err.code).toBe('E_TRANSPORT');
    expect(err.message).toMatch(/^connection to board test-board lost while running `sleep 5` \(.*\); the command may or may not have taken effect, the next call reconnects$/);
    await t.exec('true');
    expect(server.commands.filter((c) => c === 'sleep 5')).toHaveLength(1);
  });

  test('a board that hangs without closing TCP is noticed by keepalive (labgrid PR #310)', async () => {
    const server = await fx.server();
    const t = fx.transport(fx.target(server), { keepaliveIntervalMs: 100, keepaliveCountMax: 2 });
    await t.exec('true');
    const lost = new Promise<{ reason: string }>((resolve) => t.once('disconnected', resolve));
    server.freeze();
    expect(await lost).toEqual({ reason: 'Keepalive timeout' });
    await expect(t.exec('echo reconnected')).resolves.toMatchObject({ stdout: 'reconnected\n' });
  });

  test('calls after close() fail with E_STATE', async () => {
    const server = await fx.server();
    const t = fx.transport(fx.target(server));
    await t.exec('true');
    await t.close();
    const err = await rejectionOf(t.exec('true'));
    expect(err.code).toBe('E_STATE');
  });
});
