// Host-key pinning: accepts only the key pinned in the inventory (SHA256 fingerprint or known_hosts); never waves a key through.
import type { SshTarget } from '../../config';
import { InfraError } from '../../errors';
import { fingerprintOf, keyTypeOf, normalizeFingerprint } from './fingerprint';
import { knownHostsName, readKnownHosts, type KnownHostKey } from './known-hosts';

/** Host-key algorithms ssh2 can verify, in its order of preference. */
const SUPPORTED_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

export interface HostKeyCheck {
  /** passed to ssh2 as hostVerifier; remembers what it saw */
  verify(keyBlob: Buffer): boolean;
  /** after a refused handshake: the E_HOSTKEY error that explains it */
  rejection(): InfraError | undefined;
  /** with known_hosts, ask the server for the key types we can check (as OpenSSH does) */
  algorithms: string[] | undefined;
}

function algorithmsFor(keys: KnownHostKey[]): string[] | undefined {
  const types = new Set(keys.filter((k) => !k.revoked).map((k) => k.keyType));
  const wanted = SUPPORTED_ALGORITHMS.filter((a) => types.has(a) || (a.startsWith('rsa-sha2-') && types.has('ssh-rsa')));
  return wanted.length > 0 ? wanted : undefined;
}

export function hostKeyCheck(board: string, target: SshTarget): HostKeyCheck {
  const where = `${target.host}:${target.port}`;
  let refused: InfraError | undefined;
  const known = target.knownHosts !== undefined ? readKnownHosts(target.knownHosts, target.host, target.port) : undefined;

  const refuse = (presented: string, keyType: string, expected: string[], why: string, fix: string): false => {
    refused = new InfraError(
      'E_HOSTKEY',
      `host key of board ${board} (${where}) ${why}: expected ${expected.length > 0 ? expected.join(' or ') : '(none)'}, ` +
        `presented ${presented} (${keyType}). Connection refused. If the board was reinstalled and this key is genuine, ${fix}`,
      { board, host: target.host, port: target.port, expected, presented, keyType },
    );
    return false;
  };

  const verify = (blob: Buffer): boolean => {
    const presented = fingerprintOf(blob);
    const keyType = keyTypeOf(blob);
    const updateInventory = `update the inventory: ssh.hostKey: ${presented}`;
    if (target.hostKey !== undefined) {
      const expected = normalizeFingerprint(target.hostKey);
      if (presented === expected) return true;
      return refuse(presented, keyType, [expected], 'does not match the pinned fingerprint', `${updateInventory} (check it first on the board's console: ssh-keygen -lf /etc/ssh/ssh_host_${keyType.replace(/^ssh-/, '')}_key.pub)`);
    }
    if (known !== undefined && target.knownHosts !== undefined) {
      const file = target.knownHosts;
      const name = knownHostsName(target.host, target.port);
      const revoked = known.find((k) => k.revoked && k.blob.equals(blob));
      if (revoked) return refuse(presented, keyType, [], `is marked @revoked in ${file}:${revoked.line}`, `remove that line and ${updateInventory}`);
      if (known.some((k) => !k.revoked && k.blob.equals(blob))) return true;
      const expected = known.filter((k) => !k.revoked).map((k) => `${k.fingerprint} (${k.keyType}, ${file}:${k.line})`);
      const why = expected.length > 0 ? `does not match ${file}` : `has no entry for ${name} in ${file}`;
      return refuse(presented, keyType, expected, why, `${updateInventory}, or replace the entry: ssh-keygen -R '${name}' -f ${file} && ssh-keyscan -p ${target.port} ${target.host} >> ${file}`);
    }
    return refuse(presented, keyType, [], 'cannot be checked because the inventory pins none', `add to the inventory: ssh.hostKey: ${presented}`);
  };

  return { verify, rejection: () => refused, algorithms: known ? algorithmsFor(known) : undefined };
}
