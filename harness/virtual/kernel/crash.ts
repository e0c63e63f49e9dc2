// rproc_report_crash -> crash work -> recovery (stop, coredump, reload, start): remoteproc.md §5.1–5.2.
import { analyzeFirmware, readElf } from '../../firmware';
import { printLoadedTableLookup, requestFirmware } from './boot';
import { buildCoredump, coredumpSize } from './coredump';
import type { Rproc } from './rproc';

const CRASH_TYPES = ['mmufault', 'watchdog', 'fatal error'];

export const RPROC_WATCHDOG = 1;

/** rproc_report_crash: logged at once, handled by a work item */
export function reportCrash(rproc: Rproc, type: number): Promise<void> {
  rproc.host.dmesg.log(`remoteproc ${rproc.devName}: crash detected in ${rproc.name}: type ${CRASH_TYPES[type] ?? 'unknown'}`);
  return new Promise((resolve) => {
    setImmediate(() => {
      crashWork(rproc).then(resolve, resolve);
    });
  });
}

async function crashWork(rproc: Rproc): Promise<void> {
  const handled = await rproc.lock.run(async () => {
    if (rproc.dead || rproc.state === 'crashed' || rproc.state === 'offline') return false;
    rproc.state = 'crashed';
    rproc.crashCount += 1;
    rproc.log(`handling crash #${rproc.crashCount} in ${rproc.name}`);
    return true;
  });
  if (handled && !rproc.recoveryDisabled) await triggerRecovery(rproc);
}

/** rproc_trigger_recovery: only acts when the state is (still) crashed */
export function triggerRecovery(rproc: Rproc): Promise<void> {
  return rproc.lock.run(async () => {
    if (rproc.dead || rproc.state !== 'crashed') return;
    rproc.log(`recovering ${rproc.name}`);
    await rproc.stopCore();
    await takeCoredump(rproc);
    if (rproc.dead) return;
    const got = await requestFirmware(rproc.bootHost(), rproc.firmware);
    // failed recovery: offline with the power refcount kept and resources not cleaned (remoteproc.md §8)
    if ('errno' in got) return;
    const report = analyzeFirmware(got.bytes, { file: rproc.firmware, board: rproc.host.rules });
    const live = rproc.live;
    let elf;
    try {
      elf = readElf(got.bytes).elf;
    } catch {
      elf = null;
    }
    const segmentsFail = report.findings.some((f) => (f.phase === 'sanity' || f.phase === 'segments') && f.severity === 'fatal');
    if (!elf || !live || segmentsFail) {
      rproc.log('Failed to load program segments: -22');
      return;
    }
    printLoadedTableLookup(rproc.bootHost(), report);
    // the cached (live) table of the first boot is copied into the reloaded image
    await rproc.startCore({ name: rproc.firmware, bytes: got.bytes, elf, report }, live);
  });
}

/** rproc_coredump (STM32: ELF32, EM_NONE); inline mode blocks until the dump is released or times out */
async function takeCoredump(rproc: Rproc): Promise<void> {
  const segments = rproc.dumpSegments();
  if (rproc.coredump === 'disabled' || segments.length === 0) return;
  const entry = rproc.loaded?.elf.header.entry ?? 0;
  const cop = rproc.host.coprocessor();
  const read = (da: number, len: number) => cop.readMemory(da, len);
  if (rproc.coredump === 'enabled') {
    const bytes = buildCoredump(entry, segments, read);
    rproc.host.devcd.add({ size: bytes.length, read: () => bytes });
    return;
  }
  await new Promise<void>((resolve) => {
    rproc.host.devcd.add({
      size: coredumpSize(segments),
      read: () => buildCoredump(entry, segments, read),
      onRead: (n) => rproc.log(`Ramdump done, ${n} bytes read`),
      onFree: resolve,
    });
  });
}
