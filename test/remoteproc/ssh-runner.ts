// Test-only CommandRunner over one ssh2 connection (noDelay socket, host key pinned by SHA256 fingerprint).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { Client, type ClientChannel } from 'ssh2';
import { InfraError } from '../../harness/errors';
import type { CommandRunner, ExecResult, RemoteStream } from '../../harness/remoteproc';

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  hostKey: string;
  privateKey: string;
}

export class SshTestRunner implements CommandRunner {
  private constructor(private readonly client: Client) {}

  static connect(t: SshTarget): Promise<SshTestRunner> {
    return new Promise((resolve, reject) => {
      const client = new Client();
      const sock = net.connect({ host: t.host, port: t.port, noDelay: true });
      client.once('ready', () => resolve(new SshTestRunner(client)));
      client.once('error', reject);
      client.connect({
        sock,
        username: t.user,
        privateKey: fs.readFileSync(t.privateKey),
        hostVerifier: (key: Buffer) => `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}` === t.hostKey,
      });
    });
  }

  /** the exit listener is attached inside the callback: ssh2 may parse exit-status in the same tick as the open */
  private open(command: string): Promise<{ ch: ClientChannel; exited: Promise<number | null> }> {
    return new Promise((resolve, reject) =>
      this.client.exec(command, (err, ch) => {
        if (err) return reject(err);
        let code: number | null = null;
        ch.on('exit', (c: number | null) => (code = c));
        resolve({ ch, exited: new Promise((done) => ch.on('close', () => done(code))) });
      }),
    );
  }

  async exec(command: string, opts: { phase: string; timeoutMs: number; stdin?: string | Uint8Array }): Promise<ExecResult> {
    const { ch, exited } = await this.open(command);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    ch.on('data', (d: Buffer) => out.push(d));
    ch.stderr.on('data', (d: Buffer) => err.push(d));
    ch.end(opts.stdin === undefined ? undefined : Buffer.from(opts.stdin));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ch.close();
        reject(new InfraError('E_TIMEOUT', `phase "${opts.phase}" ran out of its ${opts.timeoutMs} ms budget running ${command}`));
      }, opts.timeoutMs);
    });
    try {
      const code = await Promise.race([exited, timeout]);
      return { stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1'), code };
    } finally {
      clearTimeout(timer);
    }
  }

  async stream(command: string): Promise<RemoteStream> {
    const { ch, exited } = await this.open(command);
    return {
      onData: (cb) => void ch.on('data', cb),
      onStderr: (cb) => void ch.stderr.on('data', cb),
      write: (d) => new Promise<void>((resolve) => (ch.write(Buffer.from(d)) ? resolve() : ch.once('drain', () => resolve()))),
      close: () => {
        ch.end();
        ch.close();
      },
      exited,
    };
  }

  end(): void {
    this.client.end();
  }
}
