// /sys/kernel/debug/remoteproc/remoteprocN (remoteproc.md §2, §4): name, recovery, crash, coredump, tables, traces.
import { reportCrash, triggerRecovery } from './crash';
import { debugfsKeyword, fail, kstrtouint, text } from './parse';
import type { Rproc } from './rproc';
import { formatCarveouts, formatResourceTable } from './rsc-dump';
import { ro, rw, type Tree } from './tree';

export const DEBUGFS_REMOTEPROC = '/sys/kernel/debug/remoteproc';

export function debugfsTree(rproc: Rproc, pointerDigits: number): Tree {
  const dir = `${DEBUGFS_REMOTEPROC}/${rproc.devName}`;
  const files: Tree = {
    name: ro(0o400, () => `${rproc.name.slice(0, 98)}\n`),
    recovery: rw(0o600, () => (rproc.recoveryDisabled ? 'disabled\n' : 'enabled\n'), (d) => writeRecovery(rproc, d, `${dir}/recovery`)),
    crash: rw(0o200, undefined, (d) => writeCrash(rproc, d, `${dir}/crash`)),
    resource_table: ro(0o400, () => formatResourceTable(rproc.live?.table ?? null, pointerDigits)),
    carveout_memories: ro(0o400, () => formatCarveouts(rproc.live?.carveouts ?? [], pointerDigits)),
    coredump: rw(0o600, () => `${rproc.coredump}\n`, (d) => writeCoredump(rproc, d, `${dir}/coredump`)),
  };
  (rproc.live?.traces ?? []).forEach((t, i) => {
    files[`trace${i}`] = ro(0o400, () => readTrace(rproc, t.da, t.len));
  });
  return { [rproc.devName]: files };
}

/** rproc_trace_read: up to the first NUL; `Trace %s not available` with the never-filled name (two spaces) */
function readTrace(rproc: Rproc, da: number, len: number): Uint8Array | string {
  const bytes = rproc.host.coprocessor().readMemory(da, len);
  if (!bytes) return 'Trace  not available\n';
  const nul = bytes.indexOf(0);
  return nul < 0 ? bytes : bytes.subarray(0, nul);
}

/** rproc_recovery_write: 1..10 bytes, newline -> NUL, strncmp with the written count (prefix quirk) */
async function writeRecovery(rproc: Rproc, data: Uint8Array, path: string): Promise<void> {
  const word = debugfsKeyword(data, ['enabled', 'disabled', 'recover'], 10);
  if (word === 'enabled') {
    rproc.recoveryDisabled = false;
    await triggerRecovery(rproc);
  } else if (word === 'disabled') {
    rproc.recoveryDisabled = true;
  } else if (word === 'recover') {
    await triggerRecovery(rproc);
  } else {
    throw fail('EINVAL', path);
  }
}

/** rproc_coredump_write: 1..20 bytes, EBUSY while crashed (checked first), then the prefix match */
function writeCoredump(rproc: Rproc, data: Uint8Array, path: string): void {
  if (data.byteLength < 1 || data.byteLength > 20) throw fail('EINVAL', path);
  if (rproc.state === 'crashed') {
    rproc.log("can't change coredump configuration");
    throw fail('EBUSY', path);
  }
  const word = debugfsKeyword(data, ['disabled', 'enabled', 'inline'], 20);
  if (word === 'disabled' || word === 'enabled' || word === 'inline') {
    rproc.coredump = word;
    return;
  }
  rproc.log('Invalid coredump configuration');
  throw fail('EINVAL', path);
}

/** rproc_crash_write: kstrtouint base 0, then rproc_report_crash(type) */
function writeCrash(rproc: Rproc, data: Uint8Array, path: string): void {
  const value = kstrtouint(text(data));
  if (value === 'EINVAL' || value === 'ERANGE') throw fail(value, path);
  void reportCrash(rproc, value);
}
