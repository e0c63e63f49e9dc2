// Test-side SSH client for the virtual board: one ssh2 connection, noDelay socket, pinned host key (toolchain.md §2).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { Client, type ClientChannel, type SFTPWrapper } from 'ssh2';

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  hostKey: string;
  privateKey: string;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** a long-running command whose output keeps arriving (`cat /dev/ttyRPMSG0`) */
export interface RemoteStream {
  output(): string;
  /** resolves once the output contains `text` (or rejects after `ms`) */
  waitFor(text: string | RegExp, ms?: number): Promise<string>;
  write(data: string): void;
  close(): void;
  readonly exited: Promise<number | null>;
}

export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

export class Remote {
  private constructor(private readonly client: Client) {}

  static connect(target: SshTarget, timeoutMs = 5000): Promise<Remote> {
    return new Promise((resolve, reject) => {
      const client = new Client();
      const sock = net.connect({ host: target.host, port: target.port, noDelay: true });
      sock.on('error', (e) => {
        client.end();
        reject(e);
      });
      client.on('ready', () => resolve(new Remote(client)));
      client.on('error', reject);
      client.connect({
        sock,
        host: target.host,
        port: target.port,
        username: target.user,
        privateKey: fs.readFileSync(target.privateKey),
        readyTimeout: timeoutMs,
        hostVerifier: (key: Buffer) => fingerprintOf(key) === target.hostKey,
      });
    });
  }

  /** resolves when the server drops the connection */
  closed(): Promise<void> {
    return new Promise((resolve) => this.client.once('close', () => resolve()));
  }

  exec(cmd: string): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      this.client.exec(cmd, (err, ch) => {
        if (err) return reject(err);
        let stdout = '';
        let stderr = '';
        let code: number | null = null;
        ch.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
        ch.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
        ch.on('exit', (c: number | null) => (code = c));
        ch.on('close', () => resolve({ stdout, stderr, code }));
      });
    });
  }

  stream(cmd: string): Promise<RemoteStream> {
    return new Promise((resolve, reject) => {
      this.client.exec(cmd, (err, ch: ClientChannel) => {
        if (err) return reject(err);
        let out = '';
        const waiters = new Set<() => void>();
        const onData = (d: Buffer): void => {
          out += d.toString('latin1');
          for (const w of [...waiters]) w();
        };
        ch.on('data', onData);
        ch.stderr.on('data', onData);
        const exited = new Promise<number | null>((res) => {
          let code: number | null = null;
          ch.on('exit', (c: number | null) => (code = c));
          ch.on('close', () => res(code));
        });
        resolve({
          output: () => out,
          write: (data) => void ch.write(data),
          close: () => ch.close(),
          exited,
          waitFor: (text, ms = 5000) =>
            new Promise((res, rej) => {
              const hit = (): boolean => (typeof text === 'string' ? out.includes(text) : text.test(out));
              if (hit()) return res(out);
              const check = (): void => {
                if (!hit()) return;
                clearTimeout(timer);
                waiters.delete(check);
                res(out);
              };
              const timer = setTimeout(() => {
                waiters.delete(check);
                rej(new Error(`waited ${ms} ms for ${String(text)}; output so far: ${JSON.stringify(out)}`));
              }, ms);
              waiters.add(check);
            }),
        });
      });
    });
  }

  private sftp(): Promise<SFTPWrapper> {
    return new Promise((resolve, reject) => this.client.sftp((err, s) => (err ? reject(err) : resolve(s))));
  }

  async upload(path: string, data: Uint8Array): Promise<void> {
    const sftp = await this.sftp();
    try {
      await new Promise<void>((resolve, reject) => sftp.writeFile(path, Buffer.from(data), (err) => (err ? reject(err) : resolve())));
    } finally {
      sftp.end();
    }
  }

  close(): void {
    this.client.end();
  }
}

/** polls `cmd` until its stdout matches (no timing assertion: the limit only turns a hang into a readable failure) */
export async function pollExec(r: Remote, cmd: string, want: RegExp, limitMs = 5000): Promise<ExecResult> {
  const start = Date.now();
  for (;;) {
    const res = await r.exec(cmd);
    if (want.test(res.stdout)) return res;
    if (Date.now() - start > limitMs) throw new Error(`\`${cmd}\` never matched ${String(want)}; last: ${JSON.stringify(res)}`);
    await new Promise((res2) => setTimeout(res2, 10));
  }
}
