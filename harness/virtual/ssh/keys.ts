// Key material of a virtual board: an ed25519 host key kept per state dir and the client key pair users log in with.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { utils } from 'ssh2';
import type { ParsedKey } from 'ssh2';

export interface BoardKeys {
  hostKeyPath: string;
  hostKeyPem: string;
  /** `SHA256:<base64 without padding>`, the string OpenSSH prints */
  hostKeyFingerprint: string;
  /** `ssh-ed25519 AAAA…` */
  hostPublicKey: string;
  privateKeyPath: string;
  publicKeyPath: string;
  /** the wire blob of the authorised client key */
  clientPublicBlob: Buffer;
}

const HOST_KEY = 'ssh_host_ed25519_key';
const CLIENT_KEY = 'id_ed25519';

function parseOne(pem: string): ParsedKey {
  const k = utils.parseKey(pem);
  if (k instanceof Error) throw k;
  const one: ParsedKey | undefined = Array.isArray(k) ? k[0] : k;
  if (!one) throw new Error('no key in file');
  return one;
}

/** SHA256 fingerprint of a public key blob, formatted as OpenSSH prints it. */
export function fingerprintOfBlob(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

function writeSecret(file: string, text: string): void {
  fs.writeFileSync(file, text, { mode: 0o600 });
  fs.chmodSync(file, 0o600); // an existing file keeps its old mode on writeFileSync
}

/**
 * ssh2 occasionally (~1 in 500, mscdex/ssh2#1390) generates an ed25519 pair its own parseKey rejects as
 * "Malformed OpenSSH private key"; a board that kept such a key would never start, so keep only pairs that parse.
 */
export function generateParsablePair(comment: string): { private: string; public: string } {
  for (let attempt = 1; ; attempt++) {
    const pair = utils.generateKeyPairSync('ed25519', { comment });
    const priv = utils.parseKey(pair.private);
    const pub = utils.parseKey(pair.public);
    if (!(priv instanceof Error) && !(pub instanceof Error)) return pair;
    if (attempt >= 50) throw new Error(`ssh2 could not generate a usable ed25519 key in ${attempt} attempts`);
  }
}

function createPair(file: string, comment: string): void {
  const pair = generateParsablePair(comment);
  writeSecret(file, pair.private);
  fs.writeFileSync(`${file}.pub`, `${pair.public}\n`, { mode: 0o644 });
}

/** Generates a new host key in `stateDir`, replacing the old one (the "board was reflashed" fault). */
export function createHostKey(stateDir: string): void {
  createPair(path.join(stateDir, HOST_KEY), 'root@stm32mp1');
}

/** Loads the keys of `stateDir`, creating whatever is missing (the host key is created once and then reused). */
export function loadOrCreateKeys(stateDir: string): BoardKeys {
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const hostKeyPath = path.join(stateDir, HOST_KEY);
  const privateKeyPath = path.join(stateDir, CLIENT_KEY);
  if (!fs.existsSync(hostKeyPath)) createHostKey(stateDir);
  if (!fs.existsSync(privateKeyPath)) createPair(privateKeyPath, 'hil@rproc-hil');
  const hostKeyPem = fs.readFileSync(hostKeyPath, 'utf8');
  const host = parseOne(hostKeyPem);
  const hostBlob = host.getPublicSSH();
  const client = parseOne(fs.readFileSync(privateKeyPath, 'utf8'));
  return {
    hostKeyPath,
    hostKeyPem,
    hostKeyFingerprint: fingerprintOfBlob(hostBlob),
    hostPublicKey: `${host.type} ${hostBlob.toString('base64')}`,
    privateKeyPath,
    publicKeyPath: `${privateKeyPath}.pub`,
    clientPublicBlob: client.getPublicSSH(),
  };
}

/** A known_hosts line for the board (`[127.0.0.1]:PORT ssh-ed25519 AAAA…`), for OpenSSH's UserKnownHostsFile. */
export function knownHostsLine(host: string, port: number, hostPublicKey: string): string {
  return `${port === 22 ? host : `[${host}]:${port}`} ${hostPublicKey}\n`;
}
