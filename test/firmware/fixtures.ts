// Test fixtures built with the encoders (no binary fixtures): DK2 board rules and an ST-default-like Cortex-M4 firmware.
import { buildElf, type ElfBuildSpec, type ElfSymbolSpec } from '../../harness/firmware/elf-write';
import { buildResourceTable, type EntrySpec } from '../../harness/firmware/rsc-build';
import { encodeResourceTable } from '../../harness/firmware/rsc-codec';
import type { BoardRules, ResourceTable } from '../../harness/firmware/types';

/** STM32MP157F-DK2 (firmware.md §4.1, remoteproc.md §7.2): M4 device addresses of the DT regions. */
export const DK2: BoardRules = {
  name: 'stm32mp157f-dk2',
  soc: 'stm32mp15',
  rprocName: 'm4',
  memory: [
    { name: 'retram', da: 0x00000000, size: 0x10000 },
    { name: 'mcuram2', da: 0x10000000, size: 0x40000 },
    { name: 'mcuram', da: 0x30000000, size: 0x40000 },
  ],
  carveouts: [
    { name: 'vdev0vring0', da: 0x10040000, size: 0x1000 },
    { name: 'vdev0vring1', da: 0x10041000, size: 0x1000 },
    { name: 'vdev0buffer', da: 0x10042000, size: 0x4000 },
  ],
  iommu: false,
  vringCheck: 'boot',
  ttyNames: ['rpmsg-tty'],
};

export const DK2_PROBE: BoardRules = { ...DK2, vringCheck: 'probe' };

/** firmware.md §1.4 / W-crashlog: the trace buffer sits at 0x100200e4 in MCU SRAM2 */
export const LOG_BUF = 0x100200e4;
export const TABLE_ADDR = 0x10020040;

export const ST_VDEV: EntrySpec = {
  type: 'vdev',
  id: 7,
  notifyId: 0,
  dfeatures: 1,
  vrings: [
    { da: 0xffffffff, align: 16, num: 16, notifyId: 0, pa: 0 },
    { da: 0xffffffff, align: 16, num: 16, notifyId: 1, pa: 0 },
  ],
};

export const ST_TRACE: EntrySpec = { type: 'trace', da: LOG_BUF, len: 2048, reserved: 0, name: 'cm4_log' };

/** The STM32Cube OpenAMP_TTY_echo table (firmware.md §1.2): vdev + trace, 140 bytes. */
export function stTable(entries: EntrySpec[] = [ST_VDEV, ST_TRACE]): ResourceTable {
  return buildResourceTable({ address: TABLE_ADDR, entries });
}

export interface FirmwareOptions {
  /** table bytes for `.resource_table`; null = no such section */
  table?: Uint8Array | null;
  class?: 32 | 64;
  littleEndian?: boolean;
  /** replaces the default data segment (with its paddr) */
  dataPaddr?: number;
  extraSymbols?: ElfSymbolSpec[];
  sectionName?: string;
}

export function firmwareSpec(opts: FirmwareOptions = {}): ElfBuildSpec {
  const table = opts.table === undefined ? encodeResourceTable(stTable()) : opts.table;
  const tableEnd = TABLE_ADDR + (table?.length ?? 0x8c);
  const bssStart = Math.max(0x100200cc, tableEnd);
  const sections = [
    { name: '.isr_vector', addr: 0x0, data: new Uint8Array(0x298).fill(0x11) },
    { name: '.text', addr: 0x10000000, data: new Uint8Array(0x400).fill(0x22) },
    { name: '.data', addr: 0x10020000, data: new Uint8Array(0x40).fill(0x33) },
    ...(table ? [{ name: opts.sectionName ?? '.resource_table', addr: TABLE_ADDR, data: table }] : []),
    { name: '.bss', addr: bssStart, size: 0x1000, type: 8 },
  ];
  const dataSections = ['.data', ...(table ? [opts.sectionName ?? '.resource_table'] : []), '.bss'];
  return {
    class: opts.class ?? 32,
    littleEndian: opts.littleEndian ?? true,
    entry: 0x10000101,
    sections,
    segments: [
      { sections: ['.isr_vector'] },
      { sections: ['.text'] },
      { sections: dataSections, ...(opts.dataPaddr === undefined ? {} : { paddr: opts.dataPaddr }) },
    ],
    symbols: [
      { name: '$d', value: LOG_BUF, type: 'notype', bind: 0, section: '.bss' },
      { name: '_sbss', value: bssStart, type: 'notype', section: '.bss' },
      { name: 'system_log_buf', value: LOG_BUF, size: 2048, type: 'object', section: '.bss' },
      { name: 'Reset_Handler', value: 0x10000101, size: 0x40, type: 'func', section: '.text' },
      ...(opts.extraSymbols ?? []),
    ],
  };
}

/** An ST-default-like Cortex-M4 ELF (vdev id 7, 2 x 16-entry vrings, trace `cm4_log` at `system_log_buf`). */
export function stFirmware(opts: FirmwareOptions = {}): Uint8Array {
  return buildElf(firmwareSpec(opts));
}

/** The same firmware with its table built from `entries` (or from a table object). */
export function firmwareWith(table: ResourceTable | EntrySpec[], opts: Omit<FirmwareOptions, 'table'> = {}): Uint8Array {
  const t = Array.isArray(table) ? stTable(table) : table;
  return stFirmware({ ...opts, table: encodeResourceTable(t) });
}
