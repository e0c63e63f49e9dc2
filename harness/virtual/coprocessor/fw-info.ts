// What the behavioural model learns from a firmware ELF: variant, build id, control channel, tty name, log buffers.
import { createHash } from 'node:crypto';
import type { ElfFile, ResourceTable } from '../../firmware/types';

export interface FirmwareInfo {
  variant: string;
  build: string;
  control: boolean;
  /** the name-service name the channels are announced with */
  ttyName: string;
  /** where the firmware's printf goes (system_log_buf) and its WARN/ERR copy (system_diag_buf), if any */
  log: { da: number; size: number } | null;
  diag: { da: number; size: number } | null;
}

/** the longest string we read from the image; anything longer is cut (hostile ELF) */
const MAX_TEXT = 256;
const SHT_NOBITS = 8;
const LEGACY_TTY = 'rpmsg-tty-channel';

/** the NUL-terminated string stored at device address `addr` in a loaded, file-backed section */
function stringAt(elf: ElfFile, addr: number): string | null {
  const s = elf.sections.find((x) => x.type !== SHT_NOBITS && x.addr !== 0 && addr >= x.addr && addr < x.addr + x.size);
  if (!s) return null;
  const start = s.offset + (addr - s.addr);
  const end = Math.min(start + MAX_TEXT, s.offset + s.size, elf.bytes.length);
  if (start >= end) return null;
  const raw = Buffer.from(elf.bytes.subarray(start, end)).toString('latin1');
  const value = raw.split('\0')[0] ?? '';
  return /^[\x21-\x7e]+$/.test(value) ? value : null;
}

function fwInfoSection(elf: ElfFile): Map<string, string> {
  const fields = new Map<string, string>();
  const section = elf.sections.find((s) => s.name === '.fw_info');
  if (!section || section.type === SHT_NOBITS) return fields;
  const start = Math.min(section.offset, elf.bytes.length);
  const end = Math.min(section.offset + Math.min(section.size, MAX_TEXT), elf.bytes.length);
  const text = Buffer.from(elf.bytes.subarray(start, end)).toString('latin1').split('\0')[0] ?? '';
  for (const word of text.split(/\s+/)) {
    const eq = word.indexOf('=');
    if (eq > 0) fields.set(word.slice(0, eq), word.slice(eq + 1).replace(/[^\x21-\x7e]/g, ''));
  }
  return fields;
}

/**
 * Convention (docs/virtual-kernel.md), first match wins:
 * 1. a `.fw_info` section with `key=value` words: variant, build, control (0/1), tty (channel name);
 * 2. what the test firmware (firmware/common) embeds: strings at symbols `fw_variant` / `fw_build_id`,
 *    the control channel when its `reply_buf` exists, the legacy name when the image holds "rpmsg-tty-channel";
 * 3. otherwise: variant = file name without .elf, build = first 12 hex digits of the image sha256, no control.
 * Log buffers: symbols `system_log_buf` / `system_diag_buf`, else the table's first / second trace entry.
 */
export function firmwareInfo(elf: ElfFile, firmwareName: string, table: ResourceTable | null): FirmwareInfo {
  const fields = fwInfoSection(elf);
  const symbol = (name: string) => elf.symbols.find((s) => s.name === name);
  const symString = (name: string) => {
    const sym = symbol(name);
    return sym ? stringAt(elf, sym.value) : null;
  };
  const base = firmwareName.split('/').pop() ?? firmwareName;
  const variant = fields.get('variant') || symString('fw_variant') || base.replace(/\.(elf|bin)$/i, '');
  const build = fields.get('build') || symString('fw_build_id') || createHash('sha256').update(elf.bytes).digest('hex').slice(0, 12);
  const controlField = fields.get('control');
  const control = controlField !== undefined ? ['1', 'true', 'yes'].includes(controlField) : symbol('reply_buf') !== undefined;
  const legacy = Buffer.from(elf.bytes.buffer, elf.bytes.byteOffset, elf.bytes.byteLength).includes(LEGACY_TTY, 0, 'latin1');
  const ttyName = fields.get('tty') || (legacy ? LEGACY_TTY : 'rpmsg-tty');
  const traces = (table?.entries ?? []).flatMap((e) => (e.type === 'trace' ? [{ da: e.da >>> 0, size: e.len >>> 0 }] : []));
  const buffer = (name: string, fallback: { da: number; size: number } | undefined) => {
    const sym = symbol(name);
    return sym && sym.size > 0 ? { da: sym.value >>> 0, size: sym.size } : (fallback ?? null);
  };
  return { variant, build, control, ttyName, log: buffer('system_log_buf', traces[0]), diag: buffer('system_diag_buf', traces[1]) };
}
