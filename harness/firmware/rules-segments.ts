// Kernel rule phase 4: rproc_elf_load_segments over PT_LOAD program headers, addressed by p_paddr (remoteproc.md §3.3).
import { hex } from './bytes';
import { PT_LOAD } from './elf';
import { fatal, type RuleHit } from './rule-result';
import type { BoardRules, ElfFile } from './types';

const EOVERFLOW = 75;

/** Every region rproc_da_to_va can translate: the board's memory plus its pre-registered carveouts. */
export function regionsOf(board: BoardRules): Array<{ name: string; da: number; size: number }> {
  return [...board.memory, ...board.carveouts];
}

/** True when [da, da+len) lies inside ONE region (rproc_da_to_va never spans two). */
export function daFits(board: BoardRules, da: number, len: number): boolean {
  return regionsOf(board).some((r) => da >= r.da && da + len <= r.da + r.size);
}

/** The first failing segment (the kernel stops there); memory checks only with a board. */
export function segmentRules(elf: ElfFile, board: BoardRules | undefined): RuleHit[] {
  for (const s of elf.segments) {
    // newer kernels skip PT_LOAD segments with memsz 0 (remoteproc.md §3.3, UNCONFIRMED for older ones)
    if (s.type !== PT_LOAD || s.memsz === 0) continue;
    if (s.filesz > s.memsz) {
      return [fatal('segment-filesz-gt-memsz', `bad phdr filesz ${hex(s.filesz)} memsz ${hex(s.memsz)}`, 'segments', null)];
    }
    if (s.offset + s.filesz > elf.bytes.length) {
      return [fatal('segment-truncated', `truncated fw: need ${hex(s.offset + s.filesz)} avail ${hex(elf.bytes.length)}`, 'segments', null)];
    }
    // rproc_u64_fit_in_size_t: the MP15 host is a 32-bit Cortex-A7
    if (board?.soc === 'stm32mp15' && s.memsz > 0xffffffff) {
      return [fatal('segment-size-overflow', `size (${s.memsz.toString(16)}) does not fit in size_t type`, 'segments', null, EOVERFLOW)];
    }
    if (board && !daFits(board, s.paddr, s.memsz)) {
      return [fatal('segment-outside-memory', `bad phdr da ${hex(s.paddr)} mem ${hex(s.memsz)}`, 'segments', null)];
    }
  }
  return [];
}
