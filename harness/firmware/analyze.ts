// Firmware bytes -> FirmwareReport: ELF facts, decoded resource table, kernel findings in boot order, verdict (DESIGN §4.1).
import { createHash } from 'node:crypto';
import { ElfError, describeError } from '../errors';
import { readElf, type ElfRead } from './elf';
import { fatal, type RuleHit } from './rule-result';
import { boardRules } from './rules-board';
import { resourceRules } from './rules-resources';
import { sanityRule } from './rules-sanity';
import { segmentRules } from './rules-segments';
import { tableRules } from './rules-table';
import { attachSymbols } from './symbols';
import type { BoardRules, FirmwareReport } from './types';
import { drawVerdict, stopsBoot } from './verdict';

export interface AnalyzeOptions {
  /** shown in the report as given (usually the path the user typed) */
  file: string;
  /** the board's facts; without them: STM32 driver rules (table optional, no IOMMU) and no memory-map checks */
  board?: BoardRules;
}

/**
 * Never throws for bad bytes: ELF sanity failures are fatal findings (errno 22). When the ELF header cannot be
 * read, `elf` holds what can be: class from e_ident when the magic is right and the class byte is 1 or 2 (else 32),
 * machine and entry 0. A readable table the kernel rejects is still decoded into `table` (for display); the
 * verdict then says the board runs without it.
 */
export function analyzeFirmware(bytes: Uint8Array, opts: AnalyzeOptions): FirmwareReport {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const base = { file: opts.file, sha256 };
  const sanity = sanityRule(bytes);
  if (sanity) return finish(base, fallbackElf(bytes), null, [sanity]);

  let read: ElfRead;
  try {
    read = readElf(bytes);
  } catch (e) {
    if (!(e instanceof ElfError)) throw e;
    // the kernel would read past the image here (it trusts e_shnum/e_phnum); refuse rather than guess
    const hitMalformed = fatal('elf-malformed', describeError(e), 'sanity', null, 22, false);
    return finish(base, fallbackElf(bytes), null, [hitMalformed]);
  }
  const { elf, problems } = read;
  const elfFacts = { class: elf.header.class, machine: elf.header.machine, entry: elf.header.entry };

  const table = tableRules(elf);
  if (table.decoded) attachSymbols(table.decoded, elf.symbols);
  const hits: RuleHit[] = [...table.hits];
  if (table.accepted) hits.push(...resourceRules(table.accepted, opts.board));
  if (!hits.some(stopsBoot)) hits.push(...segmentRules(elf, opts.board));
  if (!hits.some(stopsBoot)) hits.push(...boardRules(elf, problems, table.accepted, opts.board));
  return finish(base, elfFacts, table.decoded, hits, table.accepted !== null);
}

function finish(
  base: { file: string; sha256: string },
  elf: FirmwareReport['elf'],
  table: FirmwareReport['table'],
  hits: RuleHit[],
  tableUsed = false,
): FirmwareReport {
  return { ...base, elf, table, findings: hits.map((h) => h.finding), verdict: drawVerdict(hits, tableUsed ? table : null) };
}

function fallbackElf(bytes: Uint8Array): FirmwareReport['elf'] {
  const magic = bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
  const cls = magic && bytes[4] === 2 ? 64 : 32;
  let machine = 0;
  let entry = 0;
  try {
    // as much of the header as is present and valid (e.g. when only the tables behind it are broken)
    const h = readElfHeaderFacts(bytes);
    machine = h.machine;
    entry = h.entry;
  } catch {
    // header unreadable: keep zeros, as documented
  }
  return { class: cls, machine, entry };
}

function readElfHeaderFacts(bytes: Uint8Array): { machine: number; entry: number } {
  const magic = bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
  const is64 = bytes[4] === 2;
  if (!magic || (bytes[4] !== 1 && !is64) || bytes.length < (is64 ? 64 : 52) || (bytes[5] !== 1 && bytes[5] !== 2)) {
    throw new ElfError('header unreadable');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = bytes[5] === 1;
  const entry = is64 ? Number(view.getBigUint64(24, le)) : view.getUint32(24, le);
  return { machine: view.getUint16(18, le), entry: Number.isSafeInteger(entry) ? entry : 0 };
}
