// Whether a farm instance is free for an alias (`--board mp157`): one SSH look at its lease file, judged by the board's clock.
import { parseLease, sshRunner } from '../board';
import { LeaseFile } from '../board/lease-file';
import { loadInventory, loadProfile, type FarmInstance } from '../config';
import { InfraError } from '../errors';
import { SshTransport } from '../transports';

/** What a probe found: free, leased by someone, or not reachable (an alias must not pick it either way). */
export type LeaseState = 'free' | 'leased' | 'unreachable';

export async function probeLease(instance: FarmInstance): Promise<LeaseState> {
  const profile = loadProfile(instance.type);
  const ssh = SshTransport.forInstance(instance, profile);
  try {
    const read = await new LeaseFile(sshRunner(ssh), instance.name).read();
    if (read.content === '') return 'free';
    const rec = parseLease(read.content);
    // a file this harness did not write is someone's claim too
    return rec !== undefined && Date.parse(rec.expiresAt) <= read.boardNowMs ? 'free' : 'leased';
  } catch (e) {
    // a pinned key that does not match is never "just busy": stop with both fingerprints
    if (e instanceof InfraError && e.code === 'E_HOSTKEY') throw e;
    return 'unreachable';
  } finally {
    await ssh.close();
  }
}

/** An `isFree` for resolveBoards that remembers what it saw, so a "no free board" error can say which were unreachable. */
export function leaseChecker(farmFile: string): { isFree: (name: string) => Promise<boolean>; unreachable: string[] } {
  const instances = new Map(loadInventory(farmFile).instances.map((i) => [i.name, i]));
  const unreachable: string[] = [];
  return {
    unreachable,
    async isFree(name: string) {
      const instance = instances.get(name);
      if (instance === undefined) return false;
      const state = await probeLease(instance);
      if (state === 'unreachable') unreachable.push(name);
      return state === 'free';
    },
  };
}
