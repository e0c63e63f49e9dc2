// The OpenSSH client as other farm tools drive it: a pinned known_hosts file, plain `ssh` per command, or a ControlMaster socket.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InfraError } from '../harness/errors';

export interface SshEndpoint {
  host: string;
  port: number;
  user: string;
  privateKey: string;
  /** `SHA256:…` the board must present */
  hostKey: string;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command without blocking the event loop (the virtual board answering it lives in this process). */
export function run(command: string, args: string[], timeoutMs = 30_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** OpenSSH's fingerprint of a known_hosts key blob: sha256, base64 without padding. */
export function fingerprintOfBlob(base64Blob: string): string {
  return `SHA256:${createHash('sha256').update(Buffer.from(base64Blob, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

/**
 * Writes a known_hosts file for the endpoint as a person would (ssh-keyscan), refusing a key whose fingerprint is not the
 * pinned one: the OpenSSH runs then check the same host key as the harness does.
 */
export async function writeKnownHosts(ep: SshEndpoint, file: string): Promise<void> {
  const r = await run('ssh-keyscan', ['-p', String(ep.port), '-t', 'ed25519', ep.host]);
  const line = r.stdout.split('\n').find((l) => !l.startsWith('#') && l.includes(' ssh-ed25519 '));
  const blob = line?.split(' ')[2];
  if (!line || !blob) throw new InfraError('E_TOOL', `ssh-keyscan ${ep.host}:${ep.port} found no ed25519 host key (exit ${r.code}): ${r.stderr.trim() || 'no message'}`, { port: ep.port });
  const seen = fingerprintOfBlob(blob);
  if (seen !== ep.hostKey) throw new InfraError('E_HOSTKEY', `ssh-keyscan ${ep.host}:${ep.port} saw host key ${seen}, expected ${ep.hostKey}`, { seen, expected: ep.hostKey });
  fs.writeFileSync(file, `${line}\n`);
}

/** Options every run shares: this key only, no user config, host key checked against our file only, no prompts. */
export function baseArgs(ep: SshEndpoint, knownHosts: string): string[] {
  return [
    '-F', '/dev/null',
    '-i', ep.privateKey,
    '-p', String(ep.port),
    '-o', 'IdentitiesOnly=yes',
    '-o', `UserKnownHostsFile=${knownHosts}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes',
    '-o', 'LogLevel=ERROR',
    '-x',
    '-T',
    `${ep.user}@${ep.host}`,
  ];
}

/** One command over a fresh connection (TCP, key exchange, login, channel): `ssh host cmd`. */
export async function plainSsh(ep: SshEndpoint, knownHosts: string, command: string): Promise<string> {
  return checked(await run('ssh', [...baseArgs(ep, knownHosts), command]), 'ssh');
}

/**
 * A ControlMaster the way labgrid's SSHDriver keeps one: `ssh -f -N -o ControlMaster=yes -o ControlPersist=…` once, then
 * every command is a new `ssh` process that asks the master for a channel over the unix socket.
 */
export class ControlMaster {
  private constructor(
    private readonly ep: SshEndpoint,
    private readonly knownHosts: string,
    readonly socket: string,
  ) {}

  static async open(ep: SshEndpoint, knownHosts: string, dir: string): Promise<ControlMaster> {
    // unix socket paths are limited to 108 bytes: keep it short
    const socket = path.join(dir, 'cm.sock');
    const log = path.join(dir, 'cm.log');
    const r = await new Promise<number | null>((resolve, reject) => {
      // -f: ssh forks once logged in; the background master keeps no pipe of ours open (stdio ignored, log to a file)
      const child = spawn('ssh', ['-f', '-N', '-E', log, '-o', 'ControlMaster=yes', '-o', 'ControlPersist=300', '-o', `ControlPath=${socket}`, ...baseArgs(ep, knownHosts)], { stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', (code) => resolve(code));
    });
    if (r !== 0 || !fs.existsSync(socket)) {
      const why = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim() : '';
      throw new InfraError('E_TOOL', `ssh ControlMaster to ${ep.host}:${ep.port} did not start (exit ${r}): ${why || 'no message'}`, { port: ep.port });
    }
    return new ControlMaster(ep, knownHosts, socket);
  }

  async exec(command: string): Promise<string> {
    return checked(await run('ssh', ['-o', 'ControlMaster=no', '-o', `ControlPath=${this.socket}`, ...baseArgs(this.ep, this.knownHosts), command]), 'ssh (ControlMaster)');
  }

  /** `ssh -O exit`: the master process ends and removes its socket. */
  async close(): Promise<void> {
    if (!fs.existsSync(this.socket)) return;
    await run('ssh', ['-O', 'exit', '-o', `ControlPath=${this.socket}`, ...baseArgs(this.ep, this.knownHosts)], 10_000);
  }
}

function checked(r: RunResult, what: string): string {
  if (r.code !== 0) throw new InfraError('E_TOOL', `${what} exited ${r.code}: ${r.stderr.trim() || '(no message)'}`, { code: r.code });
  return r.stdout;
}
