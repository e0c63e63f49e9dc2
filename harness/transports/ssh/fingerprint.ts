// Host-key fingerprints in the form OpenSSH prints (`SHA256:` + unpadded base64 of sha256 over the key blob).
import { createHash } from 'node:crypto';

export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** `SHA256:abc=` and `SHA256:abc` are the same fingerprint (ssh-keygen omits the padding). */
export function normalizeFingerprint(fp: string): string {
  return fp.trim().replace(/=+$/, '');
}

/** The key type written at the start of an SSH key blob (`ssh-ed25519`, `ssh-rsa`, ...), or `unknown`. */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const len = keyBlob.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > keyBlob.length) return 'unknown';
  return keyBlob.subarray(4, 4 + len).toString('latin1');
}
