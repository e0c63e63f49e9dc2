// Per-test-file fixture: a temp dir, a client key, a started TestSshServer and transports pinned to it (all cleaned up).
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SshTarget } from '../../../harness/config';
import { SshTransport, type SshTransportOptions } from '../../../harness/transports/ssh';
import { generateKey, TestSshServer, type TestServerOptions } from './ssh-test-server';

export class SshFixture {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hil-ssh-'));
  readonly keyFile = path.join(this.dir, 'client_ed25519');
  readonly clientKey = generateKey();
  private readonly servers: TestSshServer[] = [];
  private readonly transports: SshTransport[] = [];

  constructor() {
    fs.writeFileSync(this.keyFile, this.clientKey.private, { mode: 0o600 });
  }

  async server(opts: Partial<TestServerOptions> = {}, port = 0): Promise<TestSshServer> {
    const s = await TestSshServer.start({ clientPublicKey: this.clientKey.public, sftp: true, cwd: this.dir, ...opts }, port);
    this.servers.push(s);
    return s;
  }

  target(server: { port: number; fingerprint: string }, over: Partial<SshTarget> = {}): SshTarget {
    return { host: '127.0.0.1', port: server.port, user: 'root', privateKey: this.keyFile, hostKey: server.fingerprint, ...over } as SshTarget;
  }

  transport(target: SshTarget, opts: Partial<SshTransportOptions> = {}): SshTransport {
    const t = new SshTransport({ board: 'test-board', target, connectBudgetMs: 3000, retryDelayMs: { min: 20, max: 200 }, ...opts });
    this.transports.push(t);
    return t;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.transports.map((t) => t.close().catch(() => undefined)));
    await Promise.all(this.servers.map((s) => s.stop()));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The rejection of a promise, for asserting on typed errors. */
export async function rejectionOf(p: Promise<unknown>): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** A port on 127.0.0.1 where nothing listens. */
export async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
