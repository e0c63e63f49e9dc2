// Data model shared by the ELF reader, the resource-table codec, the kernel rules and their users (the contract of DESIGN §4.1).

/* ---------------- ELF ---------------- */

export interface ElfHeader {
  class: 32 | 64;
  littleEndian: boolean;
  /** e_type: 1 REL, 2 EXEC, 3 DYN, 4 CORE */
  type: number;
  machine: number;
  version: number;
  entry: number;
  phoff: number;
  shoff: number;
  flags: number;
  ehsize: number;
  phentsize: number;
  phnum: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
}

export interface ElfSegment {
  index: number;
  /** p_type: 1 = PT_LOAD */
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  paddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

export type ElfSymbolType = 'notype' | 'object' | 'func' | 'section' | 'file' | 'other';

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  type: ElfSymbolType;
  /** st_info >> 4: 0 local, 1 global, 2 weak */
  bind: number;
  sectionIndex: number;
}

export interface ElfFile {
  bytes: Uint8Array;
  header: ElfHeader;
  sections: ElfSection[];
  segments: ElfSegment[];
  symbols: ElfSymbol[];
}

/* ---------------- Resource table (kernel struct names in camelCase) ---------------- */

export const RSC_CARVEOUT = 0;
export const RSC_DEVMEM = 1;
export const RSC_TRACE = 2;
export const RSC_VDEV = 3;
export const RSC_VENDOR_START = 128;
export const RSC_VENDOR_END = 512;
export const FW_RSC_ADDR_ANY = 0xffffffff;
export const VIRTIO_ID_RPMSG = 7;
export const VIRTIO_RPMSG_F_NS = 1;

interface EntryBase {
  index: number;
  /** byte offset of the entry's type word from the start of the table */
  offset: number;
  typeId: number;
}

export interface CarveoutEntry extends EntryBase {
  type: 'carveout';
  da: number;
  pa: number;
  len: number;
  flags: number;
  reserved: number;
  name: string;
}

export interface DevmemEntry extends EntryBase {
  type: 'devmem';
  da: number;
  pa: number;
  len: number;
  flags: number;
  reserved: number;
  name: string;
}

export interface TraceEntry extends EntryBase {
  type: 'trace';
  da: number;
  len: number;
  reserved: number;
  name: string;
  /** ELF symbol whose value equals `da` (e.g. `system_log_buf`), or null */
  symbol: string | null;
}

export interface Vring {
  da: number;
  align: number;
  num: number;
  notifyId: number;
  pa: number;
}

export interface VdevEntry extends EntryBase {
  type: 'vdev';
  id: number;
  notifyId: number;
  dfeatures: number;
  gfeatures: number;
  configLen: number;
  status: number;
  numOfVrings: number;
  reserved: [number, number];
  vrings: Vring[];
  /** virtio config space, lowercase hex (configLen bytes, fewer if the table is truncated) */
  config: string;
}

export interface VendorEntry extends EntryBase {
  type: 'vendor';
  /** bytes after the type word up to the next entry or the table end, lowercase hex */
  data: string;
}

export interface UnknownEntry extends EntryBase {
  type: 'unknown';
  data: string;
}

export type RscEntry = CarveoutEntry | DevmemEntry | TraceEntry | VdevEntry | VendorEntry | UnknownEntry;

export interface ResourceTable {
  /** sh_addr of `.resource_table` (device address) */
  address: number;
  /** sh_size of `.resource_table` */
  size: number;
  version: number;
  num: number;
  reserved: [number, number];
  offsets: number[];
  entries: RscEntry[];
}

/* ---------------- Rules, findings, verdict ---------------- */

export type Severity = 'fatal' | 'no-table' | 'warning';

/**
 * Where in the kernel's boot a finding arises, so the kernel model can print lines in the kernel's order:
 * sanity (rproc_elf_sanity_check) -> table (find_table, printed twice per boot) -> resources
 * (rproc_handle_resources) -> segments (rproc_elf_load_segments) -> vdev (virtio probe) -> board (advisory,
 * not printed by the kernel at boot).
 */
export type FindingPhase = 'sanity' | 'table' | 'resources' | 'segments' | 'vdev' | 'board';

export interface Finding {
  severity: Severity;
  /** stable kebab-case identifier, e.g. `table-bad-version` */
  code: string;
  /** the kernel's own dmesg text where it has one (without the `remoteproc remoteprocN: ` prefix) */
  message: string;
  entry: number | null;
  phase: FindingPhase;
  /** true when the kernel prints `message` to dmesg at boot */
  kernelPrints: boolean;
}

export interface Verdict {
  boots: boolean;
  rpmsg: boolean;
  /** debugfs trace file names the board will show while running, e.g. ["trace0"] */
  traces: string[];
  /** positive errno the `state` write fails with (22 = EINVAL), or null when it boots */
  errno: number | null;
}

/** Facts of a board the rules need (built from a profile by harness/config). */
export interface BoardRules {
  name: string;
  soc: 'stm32mp15' | 'stm32mp25';
  /** rproc name as the kernel prints it: m4 / m33 */
  rprocName: string;
  /** coprocessor memory regions: where PT_LOAD segments may land and da->va works (trace reads, coredump) */
  memory: Array<{ name: string; da: number; size: number }>;
  /** DT memory-regions the driver pre-registers as named carveouts (vdev0vring0, vdev0vring1, vdev0buffer, ...) */
  carveouts: Array<{ name: string; da: number; size: number }>;
  /** STM32 has no IOMMU: any devmem entry fails the boot */
  iommu: boolean;
  /**
   * Where a bad vring (qsz/align, carveout fit) is caught: `boot` (kernels before ~6.1: Failed to process
   * resources) or `probe` (newer: the core comes up without rpmsg). reference/remoteproc.md §3.3 vdev.
   */
  vringCheck: 'boot' | 'probe';
  /** channel names rpmsg_tty binds to (default ["rpmsg-tty"]) */
  ttyNames: string[];
}

export interface FirmwareReport {
  file: string;
  sha256: string;
  elf: { class: 32 | 64; machine: number; entry: number };
  table: ResourceTable | null;
  findings: Finding[];
  verdict: Verdict;
}
