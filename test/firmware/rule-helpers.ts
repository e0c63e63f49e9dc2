// Shared helpers for the kernel-rule tests: analyse built firmware, patch table bytes, pick findings.
import { analyzeFirmware } from '../../harness/firmware/analyze';
import { encodeResourceTable } from '../../harness/firmware/rsc-codec';
import type { BoardRules, Finding, FirmwareReport, ResourceTable } from '../../harness/firmware/types';
import { stFirmware, stTable } from './fixtures';
import type { EntrySpec } from '../../harness/firmware/rsc-build';

export function analyze(bytes: Uint8Array, board?: BoardRules): FirmwareReport {
  return analyzeFirmware(bytes, board ? { file: 'fw.elf', board } : { file: 'fw.elf' });
}

/** Table bytes of `entries` (ST default when omitted) after `edit` patched them (little-endian view). */
export function tableBytes(edit: (v: DataView, b: Uint8Array, t: ResourceTable) => void = () => undefined, entries?: EntrySpec[]): Uint8Array {
  const t = stTable(entries);
  const b = encodeResourceTable(t);
  edit(new DataView(b.buffer), b, t);
  return b;
}

export function withTable(bytes: Uint8Array, opts: Parameters<typeof stFirmware>[0] = {}): Uint8Array {
  return stFirmware({ ...opts, table: bytes });
}

export function only(r: FirmwareReport, code: string): Finding {
  const f = r.findings.filter((x) => x.code === code);
  if (f.length !== 1) throw new Error(`expected exactly one ${code} finding, got ${JSON.stringify(r.findings)}`);
  return f[0] as Finding;
}

export const failsWith = (errno: number) => ({ boots: false, rpmsg: false, traces: [], errno });
export const BOOTS_NO_TABLE = { boots: true, rpmsg: false, traces: [], errno: null };
export const BOOTS_FULL = { boots: true, rpmsg: true, traces: ['trace0'], errno: null };
