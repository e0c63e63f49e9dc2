// debugfs and settings files of one instance: traces, crash, recovery, coredump, resource_table (remoteproc.md §1.5, §1.6, §2, §4).
import { UsageError } from '../errors';
import type { RprocContext } from './rproc-context';
import { COREDUMP_MODES, parseWord, RECOVERY_MODES, type CoredumpMode, type RecoveryMode } from './rproc-state';
import { parseResourceTableDump, type DumpEntry } from './rsc-table-dump';
import { shq } from './shell-words';

export async function listTraces(ctx: RprocContext): Promise<string[]> {
  const inst = await ctx.find();
  const r = await ctx.exec(`ls ${shq(inst.debugfs)}`);
  if (r.code !== 0) return [];
  return r.stdout.split(/\s+/).filter((n) => /^trace\d+$/.test(n)).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5))).map((n) => `${inst.debugfs}/${n}`);
}

export async function readTrace(ctx: RprocContext, index = 0): Promise<string> {
  const inst = await ctx.find();
  return ctx.readText(`${inst.debugfs}/trace${index}`, 'trace');
}

/** debugfs `crash` takes a number: 0 mmufault, 1 watchdog, 2 fatal error (remoteproc.md §2). */
export async function crash(ctx: RprocContext, type: number): Promise<void> {
  if (!Number.isInteger(type) || type < 0 || type > 0xffffffff) throw new UsageError(`crash type ${type} refused: use an integer 0..4294967295 (0 mmufault, 1 watchdog, 2 fatal error)`);
  const inst = await ctx.find();
  await ctx.write(`${inst.debugfs}/crash`, String(type), 'crash');
}

/** sysfs where the kernel has it, else debugfs (older kernels, remoteproc.md §1.1) */
async function settingPath(ctx: RprocContext, file: 'recovery' | 'coredump'): Promise<string> {
  const inst = await ctx.find();
  const r = await ctx.exec(`test -e ${shq(`${inst.sysfs}/${file}`)}`);
  return r.code === 0 ? `${inst.sysfs}/${file}` : `${inst.debugfs}/${file}`;
}

export async function getRecovery(ctx: RprocContext): Promise<RecoveryMode> {
  const path = await settingPath(ctx, 'recovery');
  return parseWord(await ctx.readText(path), RECOVERY_MODES, path);
}

export async function setRecovery(ctx: RprocContext, mode: RecoveryMode | 'recover'): Promise<void> {
  if (![...RECOVERY_MODES, 'recover'].includes(mode)) throw new UsageError(`recovery mode ${JSON.stringify(mode)} refused: use enabled, disabled or recover`);
  await ctx.write(await settingPath(ctx, 'recovery'), mode, 'set recovery');
}

export async function getCoredump(ctx: RprocContext): Promise<CoredumpMode> {
  const path = await settingPath(ctx, 'coredump');
  return parseWord(await ctx.readText(path), COREDUMP_MODES, path);
}

export async function setCoredump(ctx: RprocContext, mode: CoredumpMode): Promise<void> {
  if (!COREDUMP_MODES.includes(mode)) throw new UsageError(`coredump mode ${JSON.stringify(mode)} refused: use disabled, enabled or inline`);
  await ctx.write(await settingPath(ctx, 'coredump'), mode, 'set coredump');
}

export async function resourceTable(ctx: RprocContext): Promise<DumpEntry[]> {
  const inst = await ctx.find();
  return parseResourceTableDump(await ctx.readText(`${inst.debugfs}/resource_table`));
}
