// Login secrets for one board: a key read from its path (~ expanded), the ssh-agent socket, or a password from a named env var.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SshTarget } from '../../config';
import { ConfigError, InputError } from '../../errors';
import { messageOf } from '../message-of';

export interface Credentials {
  privateKey?: Buffer;
  agent?: string;
  password?: string;
}

export function expandHome(p: string): string {
  if (p === '~') return os.homedir();
  if (p.startsWith('~/')) return path.join(os.homedir(), p.slice(2));
  return p;
}

/** Secrets never appear in messages or details: only the file path or the variable NAME does. */
export function credentialsFor(board: string, target: SshTarget, env: NodeJS.ProcessEnv = process.env): Credentials {
  if (target.privateKey !== undefined) {
    const file = expandHome(target.privateKey);
    try {
      return { privateKey: fs.readFileSync(file) };
    } catch (e) {
      throw new InputError('E_IO', `cannot read the private key of board ${board} at ${file} (ssh.privateKey): ${messageOf(e)}`, { board, file }, { cause: e });
    }
  }
  if (target.agent === true) {
    const sock = env.SSH_AUTH_SOCK;
    if (sock === undefined || sock === '') {
      throw new ConfigError(`board ${board} logs in with agent: true, but SSH_AUTH_SOCK is not set; start ssh-agent and ssh-add the key, or use ssh.privateKey`, { board, keyPath: 'ssh.agent' });
    }
    return { agent: sock };
  }
  if (target.passwordEnv !== undefined) {
    const password = env[target.passwordEnv];
    if (password === undefined) {
      throw new ConfigError(`board ${board} takes its password from the environment variable ${target.passwordEnv}, which is not set`, { board, keyPath: 'ssh.passwordEnv' });
    }
    return { password };
  }
  throw new ConfigError(`board ${board} has no way to log in: set ssh.privateKey, ssh.agent or ssh.passwordEnv`, { board, keyPath: 'ssh' });
}
