// In-process ssh2 client for the SSH server tests: noDelay socket, pinned host key, exec/sftp helpers.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { Client } from 'ssh2';
import type { SFTPWrapper } from 'ssh2';

export interface Target {
  port: number;
  hostKeyFingerprint: string;
  privateKeyPath: string;
}

export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** Connects with host-key pinning (never trust-on-first-use). Rejects on refusal, bad host key or auth failure. */
export function connect(t: Target, opts: { pin?: string; privateKey?: string | Buffer; password?: string } = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    const sock = net.connect({ host: '127.0.0.1', port: t.port, noDelay: true });
    sock.on('error', (e) => reject(e));
    client.on('ready', () => resolve(client));
    client.on('error', (e) => reject(e));
    client.connect({
      sock,
      username: 'root',
      ...(opts.password !== undefined ? { password: opts.password } : { privateKey: opts.privateKey ?? fs.readFileSync(t.privateKeyPath) }),
      readyTimeout: 5000,
      hostVerifier: (key: Buffer) => fingerprint(key) === (opts.pin ?? t.hostKeyFingerprint),
    });
  });
}

export interface ExecResult {
  out: string;
  err: string;
  code: number | null;
}

export function exec(c: Client, cmd: string, stdin?: string): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    c.exec(cmd, (err, ch) => {
      if (err) return reject(err);
      let out = '';
      let errText = '';
      let code: number | null = null;
      ch.on('data', (d: Buffer) => (out += d.toString()));
      ch.stderr.on('data', (d: Buffer) => (errText += d.toString()));
      ch.on('exit', (c2: number | null) => (code = c2));
      ch.on('close', () => resolve({ out, err: errText, code }));
      if (stdin !== undefined) ch.end(stdin);
    });
  });
}

export function sftpOf(c: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => c.sftp((err, s) => (err ? reject(err) : resolve(s))));
}

export function closed(c: Client): Promise<void> {
  return new Promise((resolve) => c.once('close', () => resolve()));
}
