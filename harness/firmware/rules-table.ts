// Kernel rule phase 2: find_table on `.resource_table`, and the STM32 driver's "table is optional" (remoteproc.md §3.1, §3.3).
import { RscError } from '../errors';
import { le32 } from './bytes';
import { hit, type RuleHit } from './rule-result';
import { RSC_HEADER_SIZE, decodeResourceTable } from './rsc-codec';
import type { ElfFile, ResourceTable } from './types';

export const RESOURCE_TABLE_SECTION = '.resource_table';

export interface TableOutcome {
  hits: RuleHit[];
  /** the table as decoded for display, whenever its header is inside the file (even when the kernel rejects it) */
  decoded: ResourceTable | null;
  /** the table the kernel goes on to use, or null ("no table") */
  accepted: ResourceTable | null;
}

const noTable = (code: string, message: string): RuleHit => hit('no-table', code, message, 'table');

/**
 * STM32 ignores a find_table failure: `stm32_rproc_parse_fw` warns `no resource table found for this firmware`
 * (printed once; the find_table messages themselves appear twice per boot) and boots without rpmsg and traces.
 */
export const DRIVER_NO_TABLE = (): RuleHit => noTable('no-resource-table', 'no resource table found for this firmware');

export function tableRules(elf: ElfFile): TableOutcome {
  // the kernel takes the first section whose name matches; no section at all is silent
  const section = elf.sections.find((s) => s.name === RESOURCE_TABLE_SECTION);
  if (!section) return { hits: [DRIVER_NO_TABLE()], decoded: null, accepted: null };
  const fileSize = elf.bytes.length;
  const end = section.offset + section.size;
  if (end > fileSize) {
    return { hits: [noTable('table-truncated', 'resource table truncated'), DRIVER_NO_TABLE()], decoded: null, accepted: null };
  }
  if (section.size < RSC_HEADER_SIZE) {
    return { hits: [noTable('table-headerless', 'header-less resource table'), DRIVER_NO_TABLE()], decoded: null, accepted: null };
  }
  const bytes = elf.bytes.subarray(section.offset, end);
  let decoded: ResourceTable;
  try {
    decoded = decodeResourceTable(bytes, section.addr);
  } catch (e) {
    if (e instanceof RscError) return { hits: [noTable('table-headerless', 'header-less resource table'), DRIVER_NO_TABLE()], decoded: null, accepted: null };
    throw e;
  }
  const reject = (code: string, message: string): TableOutcome => ({ hits: [noTable(code, message), DRIVER_NO_TABLE()], decoded, accepted: null });
  const ver = le32(bytes, 0) ?? 0;
  // `%d` of a u32: the kernel prints values above 2^31 as negative numbers
  if (ver !== 1) return reject('table-bad-version', `unsupported fw ver: ${ver | 0}`);
  if ((le32(bytes, 8) ?? 0) !== 0 || (le32(bytes, 12) ?? 0) !== 0) return reject('table-reserved-nonzero', 'non zero reserved bytes');
  if (RSC_HEADER_SIZE + 4 * decoded.num > section.size) return reject('table-incomplete', 'resource table incomplete');
  return { hits: [], decoded, accepted: decoded };
}
