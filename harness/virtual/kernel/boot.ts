// rproc_boot's firmware path (remoteproc.md §3.3): request_firmware, sanity, tables, resources, segments — dmesg in kernel order.
import { analyzeFirmware, readElf } from '../../firmware';
import type { BoardRules, ElfFile, Finding, FirmwareReport, ResourceTable } from '../../firmware/types';
import type { VirtualFs } from '../fs/types';
import { liveTable, type LiveTable } from './live-table';
import type { MemoryRegion } from './profile';

export const FIRMWARE_DIR = '/lib/firmware';

export interface BootHost {
  fs: VirtualFs;
  rules: BoardRules;
  memory: readonly MemoryRegion[];
  /** printk on the rproc device (`remoteproc remoteprocN: `) */
  log(line: string): void;
}

export interface LoadedFirmware {
  name: string;
  bytes: Uint8Array;
  elf: ElfFile;
  report: FirmwareReport;
}

export type BootResult = { ok: true; fw: LoadedFirmware; live: LiveTable } | { ok: false; errno: number };

const ENOENT = 2;
const EINVAL = 22;

/** request_firmware(): the file from /lib/firmware, or the loader's messages and an errno */
export async function requestFirmware(host: BootHost, name: string): Promise<{ bytes: Uint8Array } | { errno: number }> {
  if (name.split('/').includes('..')) {
    // recent firmware loaders refuse `..` components (remoteproc.md §1.4, UNCONFIRMED text)
    host.log(`Firmware load for '${name}' refused, path contains '..' component`);
    host.log(`request_firmware failed: -${EINVAL}`);
    return { errno: EINVAL };
  }
  try {
    const bytes = await host.fs.readFile(`${FIRMWARE_DIR}/${name}`);
    return { bytes };
  } catch {
    host.log(`Direct firmware load for ${name} failed with error -${ENOENT}`);
    host.log(`request_firmware failed: -${ENOENT}`);
    return { errno: ENOENT };
  }
}

function printPhase(host: BootHost, findings: readonly Finding[], phase: Finding['phase'], skip: (f: Finding) => boolean = () => false): void {
  for (const f of findings) if (f.phase === phase && f.kernelPrints && !skip(f)) host.log(f.message);
}

const isDriverNoTable = (f: Finding) => f.code === 'no-resource-table';

/** the second find_table (rproc_find_loaded_rsc_table) repeats the table messages, not the driver's warning */
export function printLoadedTableLookup(host: BootHost, report: FirmwareReport): void {
  printPhase(host, report.findings, 'table', isDriverNoTable);
}

/** rproc_fw_boot up to (not including) ops->start: everything that decides whether and how the core starts */
export async function loadFirmware(host: BootHost, name: string): Promise<BootResult> {
  const got = await requestFirmware(host, name);
  if ('errno' in got) return { ok: false, errno: got.errno };
  const report = analyzeFirmware(got.bytes, { file: name, board: host.rules });
  const f = report.findings;
  const fatalIn = (phase: Finding['phase']) => f.some((x) => x.phase === phase && x.severity === 'fatal');
  const errno = report.verdict.errno ?? EINVAL;

  printPhase(host, f, 'sanity');
  if (fatalIn('sanity')) return { ok: false, errno };
  host.log(`Booting fw image ${name}, size ${got.bytes.length}`);

  printPhase(host, f, 'table');
  printPhase(host, f, 'resources');
  if (fatalIn('resources')) {
    if (!f.some((x) => /^Failed to (process resources|allocate associated carveouts)/.test(x.message))) {
      host.log(`Failed to process resources: -${errno}`);
    }
    return { ok: false, errno };
  }
  // newer kernels: vrings are parsed when the rproc-virtio device probes (during resource handling)
  printPhase(host, f, 'vdev');

  printPhase(host, f, 'segments');
  if (fatalIn('segments')) {
    if (!f.some((x) => x.message.startsWith('Failed to load program segments'))) {
      host.log(`Failed to load program segments: -${errno}`);
    }
    return { ok: false, errno };
  }
  if (!report.verdict.boots) return { ok: false, errno };
  printLoadedTableLookup(host, report);

  let elf: ElfFile;
  try {
    // lenient: a section past the file end is a warning the kernel ignores (it never reads section data it does not need)
    elf = readElf(got.bytes).elf;
  } catch {
    return { ok: false, errno: EINVAL };
  }
  const table: ResourceTable | null = report.table && !f.some(isDriverNoTable) ? report.table : null;
  const live = liveTable(table, report.verdict.rpmsg, host.rules, host.memory);
  return { ok: true, fw: { name, bytes: got.bytes, elf, report }, live };
}
