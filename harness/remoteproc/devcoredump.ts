// /sys/class/devcoredump/devcdN/data (remoteproc.md §5.2): find, fetch (binary-safe), release.
import { InfraError } from '../errors';
import { parseCoredump, type Coredump } from './coredump';
import { RemoteBytes } from './remote-bytes';
import type { RprocContext } from './rproc-context';

const DEVCD = '/sys/class/devcoredump';

/** data paths of the dumps present, oldest first (devcd numbers only grow) */
export async function listCoredumps(ctx: RprocContext): Promise<string[]> {
  const r = await ctx.exec(`ls ${DEVCD}`, 'coredump');
  if (r.code !== 0) return [];
  return r.stdout.split(/\s+/).filter((n) => /^devcd\d+$/.test(n)).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5))).map((n) => `${DEVCD}/${n}/data`);
}

export interface FetchedCoredump {
  path: string;
  bytes: Uint8Array;
  core: Coredump;
}

export async function fetchCoredump(ctx: RprocContext, bytesReader: RemoteBytes, opts: { timeoutMs?: number; release?: boolean } = {}): Promise<FetchedCoredump> {
  const timeoutMs = opts.timeoutMs ?? ctx.profile.timeouts.coredump;
  const path = await ctx.poll<string>(async () => {
    const all = await listCoredumps(ctx);
    const last = all[all.length - 1];
    return last ? { done: last } : { last: `no devcd* in ${DEVCD}` };
  }, 'a devcoredump', 'coredump', timeoutMs);
  const bytes = await bytesReader.read(path, { phase: 'coredump', timeoutMs });
  if (bytes.length === 0) throw new InfraError('E_REMOTE', `${path} on ${ctx.board} read empty: the dump was released or timed out before it was read`, { path });
  const core = parseCoredump(bytes);
  if (opts.release ?? true) await releaseCoredump(ctx, path);
  return { path, bytes, core };
}

/** Writing anything to data frees the dump (and lets an inline-mode recovery continue). */
export async function releaseCoredump(ctx: RprocContext, path: string): Promise<void> {
  await ctx.write(path, '1', 'release coredump');
}
