// Every mutation of harness/firmware MUTATIONS applied to one good ELF, with the verdict the board's own rules predict.
import { readFileSync } from 'node:fs';
import { MUTATIONS, analyzeFirmware, applyMutation, type FirmwareReport } from '../../harness/firmware';
import type { BoardProfile } from '../../harness/config';
import { boardRulesOf } from '../../harness/config';

export interface Mutant {
  mutation: string;
  description: string;
  /** the deployed file name: `rproc-hil-mut-<mutation>.elf` */
  firmwareName: string;
  bytes: Uint8Array;
  /** analyzeFirmware of the mutated bytes with this board's rules: what the board must do */
  report: FirmwareReport;
}

const messageOf = (e: unknown): string => {
  const m = (e as { message?: unknown } | null)?.message;
  return typeof m === 'string' ? m : String(e);
};

export type MutantOrSkip = Mutant | { mutation: string; description: string; skip: string };

/** analyzeFirmware with the board's rules (its memory map, carveouts and kernel era, remoteproc.md §3.3) */
export function analyzeForBoard(bytes: Uint8Array, file: string, profile: BoardProfile): FirmwareReport {
  return analyzeFirmware(bytes, { file, board: boardRulesOf(profile) });
}

/** One entry per mutation, in catalogue order; a mutation the base firmware cannot take is a skip with the reason. */
export function mutantsOf(baseElf: string, profile: BoardProfile): MutantOrSkip[] {
  const base = new Uint8Array(readFileSync(baseElf));
  return MUTATIONS.map((m) => {
    const firmwareName = `rproc-hil-mut-${m.name}.elf`;
    let bytes: Uint8Array;
    try {
      bytes = applyMutation(base, m.name);
    } catch (e) {
      return { mutation: m.name, description: m.description, skip: `the base firmware cannot take mutation ${m.name}: ${messageOf(e)}` };
    }
    return { mutation: m.name, description: m.description, firmwareName, bytes, report: analyzeForBoard(bytes, firmwareName, profile) };
  });
}

const ERRNO_NAMES: Record<number, string> = { 2: 'ENOENT', 5: 'EIO', 12: 'ENOMEM', 16: 'EBUSY', 19: 'ENODEV', 22: 'EINVAL', 75: 'EOVERFLOW' };

export function errnoLabel(errno: number): string {
  return `${ERRNO_NAMES[errno] ?? 'errno'} (${errno})`;
}

/** the predicted outcome in words, for test names: "boots with rpmsg", "boots without rpmsg", "start fails with EINVAL (22)" */
export function outcomeWords(report: FirmwareReport): string {
  const v = report.verdict;
  if (!v.boots) return `start fails with ${errnoLabel(v.errno ?? 22)}`;
  return v.rpmsg ? 'boots with rpmsg' : 'boots without rpmsg';
}
