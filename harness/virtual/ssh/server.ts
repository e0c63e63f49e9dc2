// The virtual board's SSH server: ssh2 Server on 127.0.0.1 only, publickey (and optional password) auth, exec/shell/sftp, fault knobs.
import { createHash, timingSafeEqual } from 'node:crypto';
import * as net from 'node:net';
import { Server, utils } from 'ssh2';
import type { AuthContext, Connection, Session } from 'ssh2';
import { UsageError } from '../../errors';
import { createHostKey, loadOrCreateKeys } from './keys';
import type { BoardKeys } from './keys';
import { handleExec } from './exec';
import { handleShell } from './interactive';
import { handleSftp } from './sftp';
import { corruptFile } from './corrupt';
import type { SessionContext, SshFaults, SshServerHandle, SshServerOptions } from './types';

export type { SshFaults, SshServerHandle, SshServerOptions } from './types';

const LOOPBACK = '127.0.0.1';

function checkListenHost(h: string | undefined): void {
  if (h !== undefined && h !== LOOPBACK) {
    throw new UsageError(
      `the virtual board's SSH server listens on ${LOOPBACK} only, not on ${JSON.stringify(h)}: drop the host option`,
      { listenHost: h },
    );
  }
}

function listen(srv: net.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    srv.once('error', onError);
    srv.listen({ host: LOOPBACK, port, exclusive: true }, () => {
      srv.off('error', onError);
      const a = srv.address();
      if (a === null || typeof a === 'string' || a.address !== LOOPBACK) {
        srv.close();
        reject(new UsageError(`SSH server bound to ${JSON.stringify(a)} instead of ${LOOPBACK}`));
        return;
      }
      resolve(a.port);
    });
  });
}

/** constant-time comparison of the password offered with the board's (lengths compared through their hashes) */
function passwordMatches(offered: string, want: string): boolean {
  const a = createHash('sha256').update(offered).digest();
  const b = createHash('sha256').update(want).digest();
  return timingSafeEqual(a, b);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Starts the server; resolves once it accepts connections. */
export async function startSshServer(opts: SshServerOptions): Promise<SshServerHandle> {
  checkListenHost(opts.listenHost);
  let keys: BoardKeys = loadOrCreateKeys(opts.stateDir);
  const faults: SshFaults = { latencyMs: 0, dropAfterCommands: null, corruptNextUpload: false, noSftp: false, ...opts.faults };
  const commandLog: string[] = [];
  const sockets = new Set<net.Socket>();
  let armed: number | null = null; // the dropAfterCommands value the counter belongs to
  let counted = 0;

  async function admitCommand(cmd: string): Promise<'run' | 'drop'> {
    commandLog.push(cmd);
    opts.onCommand?.(cmd);
    if (faults.dropAfterCommands !== armed) {
      armed = faults.dropAfterCommands;
      counted = 0;
    }
    if (armed !== null) {
      if (counted >= armed) {
        faults.dropAfterCommands = null;
        armed = null;
        return 'drop';
      }
      counted += 1;
    }
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    return 'run';
  }

  async function uploaded(path: string): Promise<void> {
    if (!faults.corruptNextUpload) return;
    faults.corruptNextUpload = false;
    await corruptFile(opts.fs, path);
  }

  const methods: Array<'publickey' | 'password'> = opts.password !== undefined ? ['publickey', 'password'] : ['publickey'];
  const authorize = (ctx: AuthContext): void => {
    if (ctx.username !== 'root') return ctx.reject(methods);
    if (ctx.method === 'password' && opts.password !== undefined) {
      return passwordMatches(ctx.password, opts.password) ? ctx.accept() : ctx.reject(methods);
    }
    if (ctx.method !== 'publickey') return ctx.reject(methods);
    const offered = ctx.key.data;
    const want = keys.clientPublicBlob;
    if (ctx.key.algo !== 'ssh-ed25519' || offered.length !== want.length || !timingSafeEqual(offered, want)) {
      return ctx.reject(methods);
    }
    if (!ctx.signature || !ctx.blob) return ctx.accept(); // key query: "would you accept this key?"
    const pub = utils.parseKey(`ssh-ed25519 ${want.toString('base64')}`);
    const k = Array.isArray(pub) ? pub[0] : pub;
    if (!k || k instanceof Error || k.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject(methods);
    return ctx.accept();
  };

  const onClient = (conn: Connection, socket: net.Socket): void => {
    const ctx: SessionContext = { fs: opts.fs, host: opts.host, faults, admitCommand, uploaded, drop: () => socket.destroy() };
    conn.on('authentication', authorize);
    conn.on('error', () => socket.destroy());
    conn.on('ready', () => {
      conn.on('session', (acceptSession) => {
        const session: Session = acceptSession();
        handleSession(session, ctx);
      });
      conn.on('request', (accept, reject) => reject?.()); // no port forwarding
      conn.on('tcpip', (_a, reject) => reject());
    });
  };

  let ssh = makeSshServer(keys, onClient);
  const tcp = net.createServer((socket) => {
    socket.setNoDelay(true); // toolchain.md §2: without it every exec pays Nagle + delayed-ACK (~88 ms)
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    ssh.injectSocket(socket);
  });
  const port = await listen(tcp, opts.port ?? 0);
  let refuseTimer: NodeJS.Timeout | null = null;
  let closed = false;

  const handle: SshServerHandle = {
    host: LOOPBACK,
    port,
    user: 'root',
    hostKeyFingerprint: keys.hostKeyFingerprint,
    hostPublicKey: keys.hostPublicKey,
    privateKeyPath: keys.privateKeyPath,
    faults,
    commandLog,
    rotateHostKey() {
      createHostKey(opts.stateDir);
      keys = loadOrCreateKeys(opts.stateDir);
      ssh = makeSshServer(keys, onClient);
      handle.hostKeyFingerprint = keys.hostKeyFingerprint;
      handle.hostPublicKey = keys.hostPublicKey;
    },
    refuseConnections(ms: number) {
      if (closed) return;
      if (refuseTimer) clearTimeout(refuseTimer);
      if (tcp.listening) tcp.close();
      refuseTimer = setTimeout(() => {
        refuseTimer = null;
        if (!closed) relisten();
      }, ms);
    },
    dropAllConnections() {
      for (const s of sockets) s.destroy();
    },
    async close() {
      closed = true;
      if (refuseTimer) clearTimeout(refuseTimer);
      handle.dropAllConnections();
      if (tcp.listening) await new Promise<void>((r) => tcp.close(() => r()));
    },
  };

  function relisten(): void {
    listen(tcp, port).catch(() => {
      if (!closed) refuseTimer = setTimeout(relisten, 50); // the port is briefly busy: try again
    });
  }

  return handle;
}

function makeSshServer(keys: BoardKeys, onClient: (c: Connection, s: net.Socket) => void): Server {
  const srv = new Server({ hostKeys: [keys.hostKeyPem], ident: 'OpenSSH_9.2p1 Debian-2' }, () => undefined);
  srv.on('connection', (conn: Connection) => {
    // ssh2 keeps the socket private; it is the one injectSocket() was just given
    const sock = (conn as unknown as { _sock?: net.Socket })._sock;
    if (sock) onClient(conn, sock);
  });
  srv.on('error', () => undefined);
  return srv;
}

function handleSession(session: Session, ctx: SessionContext): void {
  let pty: { cols: number; rows: number } | null = null;
  const env: Record<string, string> = {};
  session.on('pty', (accept, _reject, info) => {
    pty = { cols: info.cols, rows: info.rows };
    accept?.();
  });
  session.on('window-change', (accept) => accept?.());
  session.on('env', (accept, _reject, info) => {
    env[info.key] = info.val;
    accept?.();
  });
  session.on('auth-agent', (_a, reject) => reject?.());
  session.on('x11', (_a, reject) => reject?.());
  session.on('exec', (accept, _reject, info) => {
    handleExec(accept(), info.command, ctx, { pty: pty !== null, env, session });
  });
  session.on('shell', (accept) => {
    handleShell(accept(), ctx, { pty: pty !== null, env, session });
  });
  session.on('sftp', (accept, reject) => {
    if (ctx.faults.noSftp) {
      reject(); // as OpenSSH does when no Subsystem sftp line is configured
      return;
    }
    handleSftp(accept(), ctx);
  });
  session.on('subsystem', (_accept, reject) => reject?.());
}
