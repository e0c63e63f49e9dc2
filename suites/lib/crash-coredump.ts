// The devcoredump of a recovery: wait for the new dump, then find the trace segment and the log its symbol names.
import * as fs from 'node:fs';
import { session } from '../../harness/jest';
import { parseElf, type TraceEntry } from '../../harness/firmware';
import { rebuildTraceLog, type Coredump, type FetchedCoredump } from '../../harness/remoteproc';
import { mismatch } from './rpmsg-session';

const hex = (n: number): string => `0x${n.toString(16)}`;

/** the profile's coredump budget covers this much dump; a larger core (MP25: two 8 MiB DDR regions) gets it per started slice */
const BUDGETED_BYTES = 8 * 1024 * 1024;

/**
 * Budget to read the dump: its expected size is every DT memory region except vdev0buffer plus the trace buffers
 * (remoteproc.md §5.2, STM32), and the profile's timeouts.coredump is spent per 8 MiB of it.
 */
export function fetchBudget(budgetMs: number, traceBytes: number): number {
  const regions = session().board.profile.coprocessor.memory.filter((m) => m.name !== 'vdev0buffer');
  const bytes = regions.reduce((n, m) => n + m.size, 0) + traceBytes;
  return budgetMs * Math.max(1, Math.ceil(bytes / BUDGETED_BYTES));
}

/** waits until a devcoredump that was not there before appears, then fetches (and releases) it (remoteproc.md §5.2) */
export async function newCoredump(before: ReadonlySet<string>, budgetMs: number, traceBytes: number): Promise<FetchedCoredump> {
  const rp = session().remoteproc;
  const deadline = Date.now() + budgetMs;
  let now = await rp.listCoredumps();
  while (!now.some((d) => !before.has(d))) {
    if (Date.now() >= deadline) {
      throw mismatch(
        `a new /sys/class/devcoredump/devcdN within ${budgetMs} ms: with coredump "enabled" the recovery path dumps every DT region except vdev0buffer plus each trace buffer (remoteproc.md §5.1, §5.2)`,
        `devcoredump entries: ${now.join(', ') || 'none'} (before the crash: ${[...before].join(', ') || 'none'})`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
    now = await rp.listCoredumps();
  }
  const dump = await rp.fetchCoredump({ timeoutMs: fetchBudget(budgetMs, traceBytes), release: true });
  session().attach('coredump.elf', dump.bytes, 'coredump');
  return dump;
}

/** where the log lives: the ELF symbol the table's trace entry points at (DESIGN §4.1 `symbol`), else the entry itself */
function logSymbol(elfPath: string, trace: TraceEntry): { name: string; address: number; size: number } {
  if (trace.symbol) {
    const sym = parseElf(fs.readFileSync(elfPath)).symbols.find((s) => s.name === trace.symbol);
    if (sym) return { name: sym.name, address: sym.value >>> 0, size: sym.size > 0 ? sym.size : trace.len };
  }
  return { name: `trace entry ${trace.name}`, address: trace.da >>> 0, size: trace.len };
}

/**
 * The core has a PT_LOAD segment at the trace entry's `da` of the entry's length (STM32 adds each trace buffer as a dump
 * segment, remoteproc.md §4, §5.2); the log is rebuilt from the bytes at the trace symbol with ST's wrap rule
 * (firmware.md §2.1, §5.3). Returns the rebuilt log.
 */
export function traceLogFromCore(core: Coredump, elfPath: string, trace: TraceEntry): string {
  const segs = core.segments.map((s) => `${hex(s.vaddr)}+${hex(s.size)}`).join(', ');
  const seg = core.segments.find((s) => s.vaddr === trace.da >>> 0);
  if (!seg) {
    throw mismatch(`a core segment at the trace entry's da ${hex(trace.da)} (${trace.name}, remoteproc.md §4: STM32 adds every trace buffer as a coredump segment)`, `segments ${segs || 'none'}`);
  }
  if (seg.size !== trace.len) {
    throw mismatch(`the trace segment at ${hex(trace.da)} is ${hex(trace.len)} bytes, the entry's len (remoteproc.md §5.2)`, `${hex(seg.size)} bytes`);
  }
  const sym = logSymbol(elfPath, trace);
  const inSegment = sym.address >= seg.vaddr && sym.address + sym.size <= seg.vaddr + seg.size;
  const holder = inSegment ? seg : core.segments.find((s) => sym.address >= s.vaddr && sym.address + sym.size <= s.vaddr + s.size);
  if (!holder) {
    throw mismatch(`the ${sym.size} bytes of ${sym.name} at ${hex(sym.address)} inside one core segment (firmware.md §5.3)`, `segments ${segs}`);
  }
  const start = sym.address - holder.vaddr;
  const log = rebuildTraceLog(holder.data.subarray(start, start + sym.size));
  session().attach('trace0-from-coredump.txt', log, 'trace');
  return log;
}
