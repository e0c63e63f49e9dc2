// Reads an OpenSSH known_hosts file: plain, wildcard, `[host]:port` and hashed `|1|salt|hash` host fields, @revoked markers.
import { createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import { InputError } from '../../errors';
import { messageOf } from '../message-of';
import { fingerprintOf } from './fingerprint';

export interface KnownHostKey {
  keyType: string;
  blob: Buffer;
  fingerprint: string;
  /** 1-based line in the file, for messages */
  line: number;
  revoked: boolean;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatches(pattern: string, name: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

function hashedMatches(field: string, name: string): boolean {
  const parts = field.split('|');
  const salt = parts[2];
  const hash = parts[3];
  if (parts[1] !== '1' || salt === undefined || hash === undefined) return false;
  const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
  return digest === hash;
}

/** OpenSSH semantics: any negated pattern that matches excludes the line; otherwise one positive match is enough. */
function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|')) return hashedMatches(field, name);
  let matched = false;
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('!')) {
      if (globMatches(pattern.slice(1), name)) return false;
    } else if (globMatches(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

/** Keys listed for `host:port` in the known_hosts text (comments, blank lines and @cert-authority lines skipped). */
export function parseKnownHosts(text: string, host: string, port: number): KnownHostKey[] {
  const name = knownHostsName(host, port);
  const keys: KnownHostKey[] = [];
  text.split('\n').forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return;
    let revoked = false;
    if (fields[0].startsWith('@')) {
      if (fields[0] !== '@revoked') return;
      revoked = true;
      fields.shift();
    }
    const [hosts, keyType, b64] = fields;
    if (hosts === undefined || keyType === undefined || b64 === undefined || !/^[A-Za-z0-9+/]+=*$/.test(b64)) return;
    if (!hostFieldMatches(hosts, name)) return;
    const blob = Buffer.from(b64, 'base64');
    keys.push({ keyType, blob, fingerprint: fingerprintOf(blob), line: i + 1, revoked });
  });
  return keys;
}

export function readKnownHosts(file: string, host: string, port: number): KnownHostKey[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError('E_IO', `cannot read known_hosts file ${file} (ssh.knownHosts): ${messageOf(e)}`, { file }, { cause: e });
  }
  return parseKnownHosts(text, host, port);
}
