// The lease file on the board (/run/rproc-hil.lease): its JSON record and the remote read / compare-and-swap scripts.
import { InfraError } from '../errors';
import type { CommandRunner } from '../remoteproc';
import { shq } from '../remoteproc';

export const LEASE_PATH = '/run/rproc-hil.lease';

export interface LeaseRecord {
  owner: string;
  host: string;
  pid: number;
  /** ISO-8601 */
  expiresAt: string;
}

export interface LeaseRead {
  /** the board's clock, ms since the epoch (every runner judges expiry by the board's clock, not its own) */
  boardNowMs: number;
  /** file content without trailing newlines; '' when there is no lease */
  content: string;
}

/** a record, or undefined when the content is not a lease this harness wrote */
export function parseLease(content: string): LeaseRecord | undefined {
  try {
    const v = JSON.parse(content) as Partial<LeaseRecord> | null;
    if (v === null || typeof v !== 'object') return undefined;
    if (typeof v.owner !== 'string' || typeof v.host !== 'string' || typeof v.pid !== 'number' || typeof v.expiresAt !== 'string') return undefined;
    if (Number.isNaN(Date.parse(v.expiresAt))) return undefined;
    return { owner: v.owner, host: v.host, pid: v.pid, expiresAt: v.expiresAt };
  } catch {
    return undefined;
  }
}

export function sameHolder(a: LeaseRecord, b: LeaseRecord): boolean {
  return a.owner === b.owner && a.host === b.host && a.pid === b.pid;
}

export function describeHolder(r: LeaseRecord): string {
  return `${r.owner} on ${r.host} (pid ${r.pid}) until ${r.expiresAt}`;
}

export class LeaseFile {
  /** held only for the few commands of one compare-and-swap: mkdir is atomic on every shell and filesystem */
  readonly lockDir: string;

  constructor(
    private readonly runner: CommandRunner,
    private readonly board: string,
    readonly path = LEASE_PATH,
    private readonly timeoutMs = 10_000,
  ) {
    this.lockDir = `${path}.lock`;
  }

  async read(): Promise<LeaseRead> {
    const r = await this.runner.exec(`date +%s; cat ${shq(this.path)} 2>/dev/null; true`, { phase: 'lease', timeoutMs: this.timeoutMs });
    const nl = r.stdout.indexOf('\n');
    const secs = Number(r.stdout.slice(0, nl < 0 ? undefined : nl));
    if (r.code !== 0 || nl < 0 || !Number.isInteger(secs)) {
      throw new InfraError('E_REMOTE', `reading the lease ${this.path} on board ${this.board} failed: ${(r.stderr || r.stdout).trim().slice(0, 200) || `exit ${r.code}`}`, { board: this.board, path: this.path, code: r.code });
    }
    return { boardNowMs: secs * 1000, content: r.stdout.slice(nl + 1).replace(/\n+$/, '') };
  }

  /**
   * Replaces the lease with `next` (or removes it when null) only if it still reads `expected`.
   * Resolves 'done', 'changed' (someone else wrote first) or 'busy' (another runner holds the lock this instant).
   */
  async swap(expected: string, next: string | null): Promise<'done' | 'changed' | 'busy'> {
    const act = next === null ? `rm -f ${shq(this.path)}` : `printf %s ${shq(next)} > ${shq(this.path)}`;
    // `set -C` (noclobber) is not in the virtual board's shell; mkdir as a mutex works on bash, busybox and it alike.
    const script = [
      `mkdir ${shq(this.lockDir)} 2>/dev/null || exit 75`,
      `cur=$(cat ${shq(this.path)} 2>/dev/null)`,
      `if [ "$cur" = ${shq(expected)} ]; then ${act}; rc=$?; else rc=73; fi`,
      // a write that does not read back (a torn or corrupted write) must not leave an unreadable lease blocking everyone
      ...(next === null ? [] : [`if [ $rc -eq 0 ]; then chk=$(cat ${shq(this.path)} 2>/dev/null); if [ "$chk" != ${shq(next)} ]; then rm -f ${shq(this.path)}; rc=74; fi; fi`]),
      `rmdir ${shq(this.lockDir)}`,
      'exit $rc',
    ].join('\n');
    const r = await this.runner.exec(script, { phase: 'lease', timeoutMs: this.timeoutMs });
    if (r.code === 0) return 'done';
    if (r.code === 73) return 'changed';
    if (r.code === 75) return 'busy';
    if (r.code === 74) {
      throw new InfraError('E_REMOTE', `the lease ${this.path} on board ${this.board} did not read back as written (a corrupted write?); it was removed so no runner is blocked by it; run again`, { board: this.board, path: this.path });
    }
    throw new InfraError('E_REMOTE', `writing the lease ${this.path} on board ${this.board} failed: ${r.stderr.trim().slice(0, 200) || `exit ${r.code}`}`, { board: this.board, path: this.path, code: r.code });
  }
}
