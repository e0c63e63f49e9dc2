// One connection attempt: a TCP_NODELAY socket, the SSH handshake with the pinned host key, login; errors classified for retry.
import * as net from 'node:net';
import { Client, type ConnectConfig } from 'ssh2';
import type { SshTarget } from '../../config';
import { InfraError } from '../../errors';
import { messageOf } from '../message-of';
import type { Credentials } from './credentials';
import type { HostKeyCheck } from './host-key';

export interface AttemptOptions {
  board: string;
  target: SshTarget;
  credentials: Credentials;
  /** a fresh check per attempt (re-reads known_hosts, forgets the last refusal) */
  hostKey: () => HostKeyCheck;
  /** TCP connect + key exchange + login must finish within this */
  readyTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
}

/** Errors that mean "the board is not reachable yet" (sshd still starting, rebooting, cable): worth another attempt. */
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ECONNABORTED', 'EPIPE', 'EAI_AGAIN']);
const CONNECT_MESSAGES = [/timed out while waiting for handshake/i, /connection lost before handshake/i, /closed during handshake/i];

export function isRetryableConnectError(e: unknown): boolean {
  return e instanceof InfraError && e.code === 'E_TRANSPORT' && e.details.retryable === true;
}

function classify(o: AttemptOptions, err: Error & { code?: string; level?: string }, hostKey: HostKeyCheck): InfraError {
  const where = `${o.target.user}@${o.target.host}:${o.target.port}`;
  const rejected = hostKey.rejection();
  if (rejected) return rejected;
  const base = { board: o.board, host: o.target.host, port: o.target.port };
  if (err.level === 'client-authentication') {
    const how = o.credentials.privateKey ? 'the key in ssh.privateKey' : o.credentials.agent ? 'the keys in ssh-agent' : 'the password from ssh.passwordEnv';
    return new InfraError('E_TRANSPORT', `login to board ${o.board} as ${where} was refused with ${how}; check that key/password is authorised on the board (not retried)`, { ...base, reason: 'auth', retryable: false }, { cause: err });
  }
  const retryable = (err.code !== undefined && CONNECT_CODES.has(err.code)) || CONNECT_MESSAGES.some((re) => re.test(err.message));
  return new InfraError('E_TRANSPORT', `cannot connect to board ${o.board} (${where}): ${messageOf(err)}`, { ...base, reason: retryable ? 'connect' : 'protocol', errno: err.code, error: messageOf(err), retryable }, { cause: err });
}

export function connectOnce(o: AttemptOptions): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    const hostKey = o.hostKey();
    const sock = net.connect({ host: o.target.host, port: o.target.port, noDelay: true });
    let settled = false;
    const onClose = (): void => fail(new Error('connection closed during handshake'));
    const detach = (): void => {
      client.off('error', fail);
      client.off('close', onClose);
    };
    function fail(err: Error & { code?: string; level?: string }): void {
      if (settled) return;
      settled = true;
      detach();
      client.on('error', () => undefined);
      client.end();
      sock.destroy();
      reject(classify(o, err, hostKey));
    }
    client.once('ready', () => {
      settled = true;
      detach();
      resolve(client);
    });
    client.on('error', fail);
    client.on('close', onClose);
    client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => {
      finish(prompts.map(() => o.credentials.password ?? ''));
    });
    const cfg: ConnectConfig = {
      sock,
      host: o.target.host,
      port: o.target.port,
      username: o.target.user,
      readyTimeout: o.readyTimeoutMs,
      keepaliveInterval: o.keepaliveIntervalMs,
      keepaliveCountMax: o.keepaliveCountMax,
      hostVerifier: (key: Buffer) => hostKey.verify(key),
      ...(hostKey.algorithms ? { algorithms: { serverHostKey: hostKey.algorithms as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] } } : {}),
      ...(o.credentials.privateKey ? { privateKey: o.credentials.privateKey } : {}),
      ...(o.credentials.agent ? { agent: o.credentials.agent } : {}),
      ...(o.credentials.password !== undefined ? { password: o.credentials.password, tryKeyboard: true } : {}),
    };
    try {
      client.connect(cfg);
    } catch (e) {
      // ssh2 throws synchronously on an unreadable or encrypted private key
      settled = true;
      sock.destroy();
      reject(new InfraError('E_TRANSPORT', `cannot use the private key of board ${o.board}: ${messageOf(e)} (use an unencrypted key file or agent: true)`, { board: o.board, reason: 'auth', retryable: false }, { cause: e }));
    }
  });
}
