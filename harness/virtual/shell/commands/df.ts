// df [-P] [-k] [PATH…]: space of the tree a path lives in, from the fs quotas (the kernel model puts one on /lib/firmware).
import type { VirtualFs } from '../../fs/types';
import type { CommandContext, ShellCommand } from '../types';
import { badOption, fail } from './util';

/** The root filesystem's size when nothing smaller bounds a path (an SD card rootfs partition). */
const ROOT_BYTES = 2 * 1024 * 1024 * 1024;

interface Mount {
  source: string;
  target: string;
  /** null = a pseudo filesystem without blocks (df prints 0 and "-") */
  sizeBytes: number | null;
  usedBytes: number;
}

/** Pseudo filesystems the kernel model mounts (they hold no blocks). */
const PSEUDO: ReadonlyArray<[string, string]> = [
  ['proc', '/proc'],
  ['sysfs', '/sys'],
  ['debugfs', '/sys/kernel/debug'],
  ['devtmpfs', '/dev'],
];

function mountsOf(fs: VirtualFs): Mount[] {
  const mounts: Mount[] = [{ source: '/dev/root', target: '/', sizeBytes: ROOT_BYTES, usedBytes: 0 }];
  for (const [source, target] of PSEUDO) if (fs.stat(target)) mounts.push({ source, target, sizeBytes: null, usedBytes: 0 });
  let n = 5;
  for (const [target, limit] of [...fs.quotas()].sort(([a], [b]) => a.localeCompare(b))) {
    mounts.push({ source: `/dev/mmcblk0p${n++}`, target, sizeBytes: limit, usedBytes: fs.usage(target) });
  }
  // the root holds everything not on another block mount
  const elsewhere = mounts.slice(1).reduce((sum, m) => sum + m.usedBytes, 0);
  (mounts[0] as Mount).usedBytes = Math.max(0, fs.usage('/') - elsewhere);
  return mounts;
}

function isUnder(path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(`${dir}/`);
}

/** The mount with the longest target that contains `path`. */
function mountOf(mounts: Mount[], path: string): Mount {
  let best = mounts[0] as Mount;
  for (const m of mounts) if (isUnder(path, m.target) && m.target.length > best.target.length) best = m;
  return best;
}

function row(m: Mount): string[] {
  if (m.sizeBytes === null) return [m.source, '0', '0', '0', '-', m.target];
  const total = Math.ceil(m.sizeBytes / 1024);
  const used = Math.ceil(m.usedBytes / 1024);
  const avail = Math.max(0, total - used);
  // POSIX: capacity is used / (used + available), rounded up
  const capacity = used + avail === 0 ? '-' : `${Math.ceil((used * 100) / (used + avail))}%`;
  return [m.source, String(total), String(used), String(avail), capacity, m.target];
}

function table(rows: string[][], posix: boolean): string {
  const header = ['Filesystem', posix ? '1024-blocks' : '1K-blocks', 'Used', 'Available', posix ? 'Capacity' : 'Use%', 'Mounted on'];
  const all = [header, ...rows];
  const width = (i: number): number => Math.max(...all.map((r) => (r[i] ?? '').length));
  const w = [0, 1, 2, 3, 4].map(width);
  return all
    .map((r) => [(r[0] ?? '').padEnd(w[0] ?? 0), ...[1, 2, 3, 4].map((i) => (r[i] ?? '').padStart(w[i] ?? 0)), r[5] ?? ''].join(' '))
    .join('\n')
    .concat('\n');
}

async function df(ctx: CommandContext): Promise<number> {
  const args = ctx.argv.slice(1);
  let posix = false;
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a === '--portability') posix = true;
    else if (a.startsWith('-') && a !== '-') {
      for (const f of a.slice(1)) {
        if (f === 'P') posix = true;
        else if (f !== 'k') return badOption(ctx, f);
      }
    } else operands.push(a);
  }
  const mounts = mountsOf(ctx.fs);
  let status = 0;
  const rows: string[][] = [];
  if (operands.length === 0) rows.push(...mounts.map(row));
  for (const arg of operands) {
    const path = ctx.resolve(arg);
    if (!ctx.fs.stat(path)) {
      await fail(ctx, `${arg}: No such file or directory`);
      status = 1;
      continue;
    }
    rows.push(row(mountOf(mounts, path)));
  }
  if (rows.length) await ctx.stdout.write(table(rows, posix));
  return status;
}

export const DF_COMMANDS: Record<string, ShellCommand> = { df };
