// One SSH connection per board for a whole run: exec, stream, upload over a capped set of channels, reconnecting when lost.
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs/promises';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import type { BoardProfile, FarmInstance, Phase } from '../../config';
import { DEFAULT_PHASE_TIMEOUTS_MS } from '../../config';
import { InfraError, InputError, StateError } from '../../errors';
import { messageOf } from '../message-of';
import { connectWithRetry, type RetryPolicy } from './connect';
import { credentialsFor } from './credentials';
import { OutputTooLarge, runExec, type ExecResult, type RunningExec } from './exec-run';
import { hostKeyCheck } from './host-key';
import { Semaphore, type Release } from './semaphore';
import { isNoSftpSubsystem, sftpPut, type UploadSource } from './sftp-put';
import { remotePathArg } from './shell-quote';
import { SshStream } from './ssh-stream';
import { withPhaseTimeout } from './phase-timeout';
import type { ExecOptions, SshTransportEvents, SshTransportOptions, UploadOptions } from './transport-options';

export type { ExecResult } from './exec-run';
export type { ConnectInfo, ExecOptions, SshTransportEvents, SshTransportOptions, UploadOptions } from './transport-options';

interface Connection {
  client: Client;
  lost: boolean;
  slots: Set<Release>;
  lastError?: string;
}

const Abandoned = Symbol('abandoned');
const SFTP_CLOSE_GRACE_MS = 2000;

export class SshTransport extends EventEmitter<SshTransportEvents> {
  readonly board: string;
  private readonly timeouts: Record<string, number>;
  private readonly slots: Semaphore;
  private conn: Connection | undefined;
  private connecting: Promise<Connection> | undefined;
  private everConnected = false;
  private closed = false;
  private sftpMissing = false;

  constructor(private readonly opts: SshTransportOptions) {
    super();
    this.board = opts.board;
    this.timeouts = { ...DEFAULT_PHASE_TIMEOUTS_MS, ...opts.timeouts };
    this.slots = new Semaphore(opts.maxChannels ?? 8);
  }

  /** The transport of an inventory instance, with the phase budgets of its board profile. */
  static forInstance(instance: FarmInstance, profile?: Pick<BoardProfile, 'timeouts'>, extra: Partial<SshTransportOptions> = {}): SshTransport {
    return new SshTransport({ board: instance.name, target: instance.ssh, ...(profile ? { timeouts: profile.timeouts } : {}), ...extra });
  }

  get isConnected(): boolean {
    return this.conn !== undefined && !this.conn.lost;
  }

  /** Channels open right now (never above maxChannels). */
  get openChannels(): number {
    return this.slots.active;
  }

  /** Connects (with retry inside the connect budget) unless already connected. */
  async connect(): Promise<void> {
    await this.ensureConnected();
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const phase = options.phase ?? 'exec';
    const budget = this.budgetOf(phase, options.timeoutMs);
    await this.ensureConnected();
    let running: RunningExec | undefined;
    let stage = `waiting for a free SSH channel (${this.slots.limit} in use)`;
    return withPhaseTimeout(
      this.board,
      phase,
      budget,
      async (abandoned) => {
        const { ch, conn } = await this.openChannel<ClientChannel>((c, cb) => c.exec(command, cb), (ch) => ch.close(), abandoned);
        stage = 'running';
        running = runExec(ch, options.stdin, this.opts.maxOutputBytes ?? 64 * 1024 * 1024);
        let result: ExecResult;
        try {
          result = await running.result;
        } catch (e) {
          if (e instanceof OutputTooLarge) {
            throw new InfraError('E_REMOTE', `output of \`${short(command)}\` on ${this.board} exceeded ${e.limit} bytes; the command was killed`, { board: this.board, command, phase }, { cause: e });
          }
          throw e;
        }
        if (conn.lost && result.code === null && result.signal === undefined) throw this.lostError(conn, `running \`${short(command)}\``);
        return result;
      },
      () => (running ? `last output: ${running.lastOutput() || '(none)'}` : `still ${stage}`),
      () => running?.kill('KILL'),
    );
  }

  /** Opens a long-lived command; waits for a free channel within the phase budget (default `exec`). */
  async stream(command: string, options: { phase?: Phase | string; timeoutMs?: number } = {}): Promise<SshStream> {
    const phase = options.phase ?? 'exec';
    await this.ensureConnected();
    return withPhaseTimeout(
      this.board,
      phase,
      this.budgetOf(phase, options.timeoutMs),
      async (abandoned) => {
        const { ch, conn } = await this.openChannel<ClientChannel>((c, cb) => c.exec(command, cb), (ch) => ch.close(), abandoned);
        return new SshStream(command, ch, () => conn.lost);
      },
      () => `still waiting for a free SSH channel (${this.slots.limit} open)`,
      () => undefined,
    );
  }

  /** Writes bytes or a local file to `remotePath` by SFTP, or through `cat >` when the board has no sftp subsystem. */
  async upload(source: Uint8Array | string, remotePath: string, options: UploadOptions = {}): Promise<void> {
    const phase = options.phase ?? 'upload';
    const budget = this.budgetOf(phase, options.timeoutMs);
    const src: UploadSource = typeof source === 'string' ? { path: source } : source;
    if (options.mode !== undefined && (!Number.isInteger(options.mode) || options.mode < 0 || options.mode > 0o7777)) {
      throw new InputError('E_USAGE', `upload mode ${String(options.mode)} is not a file mode (0 to 0o7777)`);
    }
    await this.ensureConnected();
    if (!this.sftpMissing) {
      try {
        await withPhaseTimeout(
          this.board,
          phase,
          budget,
          async (abandoned) => {
            const { ch, release } = await this.openChannel<SFTPWrapper>((c, cb) => c.sftp(cb), (s) => s.end(), abandoned);
            try {
              await sftpPut(ch, src, remotePath, options.mode);
            } finally {
              ch.end();
              // a server that never confirms the close (ssh2-based ones) must not keep the slot forever
              const grace = setTimeout(release, SFTP_CLOSE_GRACE_MS);
              grace.unref();
              ch.once('close', () => clearTimeout(grace));
            }
          },
          () => `uploading ${remotePath} by SFTP`,
          () => undefined,
        );
        return;
      } catch (e) {
        if (!isNoSftpSubsystem(e)) throw this.uploadError(e, remotePath);
        this.sftpMissing = true;
      }
    }
    const bytes = src instanceof Uint8Array ? src : await readLocal(src.path);
    const chmod = options.mode !== undefined ? ` && chmod ${options.mode.toString(8)} ${remotePathArg(remotePath)}` : '';
    const r = await this.exec(`cat > ${remotePathArg(remotePath)}${chmod}`, { phase, timeoutMs: budget, stdin: bytes });
    if (r.code !== 0) {
      throw new InfraError('E_REMOTE', `upload of ${remotePath} to ${this.board} failed (no sftp, cat exited ${r.code ?? r.signal}): ${r.stderr.trim() || '(no message)'}`, { board: this.board, remotePath, stderr: r.stderr });
    }
  }

  /** sha256 of a file on the board, lower-case hex. */
  async sha256Remote(remotePath: string, options: ExecOptions = {}): Promise<string> {
    const r = await this.exec(`sha256sum ${remotePathArg(remotePath)}`, options);
    // GNU sha256sum prefixes the line with a backslash when the name holds a newline or backslash
    const m = /^\\?([0-9a-f]{64})\s/.exec(r.stdout);
    if (r.code !== 0 || !m?.[1]) {
      throw new InfraError('E_REMOTE', `sha256sum ${remotePath} on ${this.board} failed (exit ${r.code ?? r.signal}): ${(r.stderr || r.stdout).trim().slice(0, 300) || '(no output)'}`, { board: this.board, remotePath, stderr: r.stderr });
    }
    return m[1];
  }

  /** Ends the connection; later calls fail with E_STATE. */
  async close(): Promise<void> {
    this.closed = true;
    const conn = this.conn ?? (await this.connecting?.catch(() => undefined));
    if (!conn || conn.lost) return;
    await new Promise<void>((resolve) => {
      conn.client.once('close', () => resolve());
      conn.client.end();
    });
  }

  private budgetOf(phase: string, explicit: number | undefined): number {
    return explicit ?? this.timeouts[phase] ?? this.timeouts.exec ?? 10_000;
  }

  private ensureConnected(): Promise<Connection> {
    if (this.closed) return Promise.reject(new StateError(`the SSH transport of board ${this.board} is closed`, { board: this.board }));
    if (this.conn && !this.conn.lost) return Promise.resolve(this.conn);
    this.connecting ??= this.dial().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async dial(): Promise<Connection> {
    const { board, target } = this.opts;
    const policy: RetryPolicy = {
      budgetMs: this.opts.connectBudgetMs ?? this.timeouts.connect ?? 30_000,
      handshakeTimeoutMs: this.opts.handshakeTimeoutMs ?? 10_000,
      minDelayMs: this.opts.retryDelayMs?.min ?? 250,
      maxDelayMs: this.opts.retryDelayMs?.max ?? 4_000,
    };
    const credentials = credentialsFor(board, target, this.opts.env);
    const { client, attempts, handshakeMs } = await connectWithRetry(
      {
        board,
        target,
        credentials,
        hostKey: () => hostKeyCheck(board, target),
        keepaliveIntervalMs: this.opts.keepaliveIntervalMs ?? 5_000,
        keepaliveCountMax: this.opts.keepaliveCountMax ?? 3,
      },
      policy,
    );
    const conn: Connection = { client, lost: false, slots: new Set() };
    client.on('error', (e) => {
      conn.lastError = messageOf(e);
    });
    client.on('close', () => {
      conn.lost = true;
      for (const release of conn.slots) release();
      conn.slots.clear();
      if (this.conn === conn) this.conn = undefined;
      if (!this.closed) this.emit('disconnected', { reason: conn.lastError ?? 'connection closed by the board' });
    });
    if (this.closed) {
      client.end();
      throw new StateError(`the SSH transport of board ${this.board} was closed while connecting`, { board });
    }
    this.conn = conn;
    const reconnect = this.everConnected;
    this.everConnected = true;
    this.emit('connected', { attempts, handshakeMs, reconnect });
    return conn;
  }

  /** Takes a channel slot, (re)connects if needed, opens the channel; the slot is freed when it closes. */
  private async openChannel<T extends EventEmitter>(
    open: (client: Client, cb: (err: Error | undefined, ch: T) => void) => void,
    dispose: (ch: T) => void,
    abandoned: () => boolean,
  ): Promise<{ ch: T; conn: Connection; release: Release }> {
    const release = await this.slots.acquire();
    try {
      if (abandoned()) throw Abandoned;
      const conn = await this.ensureConnected();
      conn.slots.add(release);
      const ch = await new Promise<T>((resolve, reject) => {
        try {
          open(conn.client, (err, ch) => (err ? reject(err) : resolve(ch)));
        } catch (e) {
          reject(e);
        }
      });
      ch.once('close', () => {
        conn.slots.delete(release);
        release();
      });
      if (abandoned()) {
        dispose(ch);
        throw Abandoned;
      }
      return { ch, conn, release };
    } catch (e) {
      release();
      if (e === Abandoned || e instanceof InfraError || e instanceof StateError || e instanceof InputError || isNoSftpSubsystem(e)) throw e;
      throw new InfraError('E_TRANSPORT', `cannot open an SSH channel on board ${this.board}: ${messageOf(e)}`, { board: this.board }, { cause: e });
    }
  }

  private lostError(conn: Connection, doing: string): InfraError {
    return new InfraError('E_TRANSPORT', `connection to board ${this.board} lost while ${doing} (${conn.lastError ?? 'closed by the board'}); the command may or may not have taken effect, the next call reconnects`, { board: this.board, reason: 'lost' });
  }

  private uploadError(e: unknown, remotePath: string): unknown {
    if (e instanceof InfraError || e instanceof StateError) return e;
    return new InfraError('E_REMOTE', `upload of ${remotePath} to ${this.board} failed: ${messageOf(e)}`, { board: this.board, remotePath }, { cause: e });
  }
}

function short(command: string): string {
  const one = command.replace(/\s+/g, ' ');
  return one.length > 120 ? `${one.slice(0, 117)}...` : one;
}

async function readLocal(file: string): Promise<Uint8Array> {
  try {
    return await fs.readFile(file);
  } catch (e) {
    throw new InputError('E_IO', `cannot read ${file} to upload it: ${messageOf(e)}`, { file }, { cause: e });
  }
}
