// A small ssh2 Server for transport tests: exec runs real `sh -c` in a temp dir, optional SFTP, counters for what it saw.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import { Server, utils, type Connection, type ParsedKey } from 'ssh2';
import { fingerprintOf } from '../../../harness/transports/ssh';
import { serveSftp } from './sftp-fs';

export interface TestServerOptions {
  /** the only client key that may log in */
  clientPublicKey: string;
  /** PEM of the host key; a fresh ed25519 key when omitted */
  hostKey?: string;
  sftp?: boolean;
  /** false: like ssh2's bare SFTP server, never confirm the client's channel close */
  sftpAnswersClose?: boolean;
  cwd: string;
}

export interface ChildExit {
  command: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * An ed25519 key pair that ssh2 can read back: ~0.4 % of ssh2's generated keys have a leading zero byte stripped
 * from the public key and fail parseKey() (mscdex/ssh2#1390, #1513), which made tests fail at random.
 */
export function generateKey(): { private: string; public: string } {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) return pair;
  }
}

/** Signals the command's whole process group, as a real sshd session ending does, so no `sleep` is orphaned. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

export class TestSshServer extends EventEmitter<{ exit: [ChildExit] }> {
  tcpConnections = 0;
  loginsRefused = 0;
  activeSessions = 0;
  maxActiveSessions = 0;
  readonly signals: string[] = [];
  readonly exits: ChildExit[] = [];
  /** every exec command in arrival order */
  readonly commands: string[] = [];
  readonly hostKeyPem: string;
  readonly hostKeyBlob: Buffer;
  private readonly sockets = new Set<net.Socket>();
  private readonly children = new Set<ChildProcess>();
  private readonly tcp: net.Server;
  private readonly ssh: Server;
  private readonly authorized: ParsedKey;

  private constructor(private readonly opts: TestServerOptions) {
    super();
    this.hostKeyPem = opts.hostKey ?? generateKey().private;
    const host = utils.parseKey(this.hostKeyPem);
    if (host instanceof Error) throw host;
    this.hostKeyBlob = host.getPublicSSH();
    const client = utils.parseKey(opts.clientPublicKey);
    if (client instanceof Error) throw client;
    this.authorized = client;
    this.ssh = new Server({ hostKeys: [this.hostKeyPem] }, (conn) => this.onConnection(conn));
    this.tcp = net.createServer((sock) => {
      this.tcpConnections++;
      sock.setNoDelay(true);
      this.sockets.add(sock);
      sock.on('close', () => this.sockets.delete(sock));
      this.ssh.injectSocket(sock);
    });
  }

  static async start(opts: TestServerOptions, port = 0): Promise<TestSshServer> {
    const s = new TestSshServer(opts);
    await new Promise<void>((resolve, reject) => {
      s.tcp.once('error', reject);
      s.tcp.listen(port, '127.0.0.1', () => resolve());
    });
    return s;
  }

  get port(): number {
    const a = this.tcp.address();
    if (a === null || typeof a === 'string') throw new Error('test server is not listening');
    return a.port;
  }

  static fingerprintOfPem(pem: string): string {
    const key = utils.parseKey(pem);
    if (key instanceof Error) throw key;
    return fingerprintOf(key.getPublicSSH());
  }

  get fingerprint(): string {
    return fingerprintOf(this.hostKeyBlob);
  }

  /** Cuts every connection abruptly, as a rebooting board does. */
  dropAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  /** Stops reading every connection: the board hangs without closing TCP (keepalive must notice). */
  freeze(): void {
    for (const s of this.sockets) s.pause();
  }

  nextExit(): Promise<ChildExit> {
    return new Promise((resolve) => this.once('exit', resolve));
  }

  async stop(): Promise<void> {
    for (const c of this.children) killGroup(c, 'SIGKILL');
    this.dropAll();
    await new Promise<void>((resolve) => this.tcp.close(() => resolve()));
  }

  private onConnection(conn: Connection): void {
    conn.on('error', () => undefined);
    conn.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || ctx.username !== 'root' || !ctx.key.data.equals(this.authorized.getPublicSSH())) {
        if (ctx.method === 'publickey') this.loginsRefused++;
        return ctx.reject(['publickey']);
      }
      if (!ctx.signature) return ctx.accept();
      if (ctx.blob && this.authorized.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) return ctx.accept();
      this.loginsRefused++;
      ctx.reject(['publickey']);
    });
    conn.on('session', (acceptSession) => {
      const session = acceptSession();
      let child: ChildProcess | undefined;
      session.on('signal', (_accept, _reject, info) => {
        this.signals.push(info.name);
        if (child) killGroup(child, `SIG${info.name}` as NodeJS.Signals);
      });
      session.on('sftp', (accept, reject) => {
        if (!this.opts.sftp) return reject();
        serveSftp(accept(), this.opts.sftpAnswersClose ?? true);
      });
      session.on('exec', (accept, _reject, info) => {
        const stream = accept();
        this.commands.push(info.command);
        this.activeSessions++;
        this.maxActiveSessions = Math.max(this.maxActiveSessions, this.activeSessions);
        let counted = true;
        const done = (): void => {
          if (counted) this.activeSessions--;
          counted = false;
        };
        stream.on('close', done);
        const proc = spawn('sh', ['-c', info.command], { cwd: this.opts.cwd, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
        child = proc;
        this.children.add(proc);
        proc.stdout.pipe(stream, { end: false });
        proc.stderr.pipe(stream.stderr, { end: false });
        stream.pipe(proc.stdin);
        proc.stdin.on('error', () => undefined);
        proc.on('close', (code, signal) => {
          done();
          this.children.delete(proc);
          const exit = { command: info.command, code, signal };
          this.exits.push(exit);
          this.emit('exit', exit);
          if (stream.destroyed) return;
          if (signal) stream.exit(signal.replace(/^SIG/, ''), false, '');
          else stream.exit(code ?? 0);
          stream.end();
        });
      });
    });
  }
}
