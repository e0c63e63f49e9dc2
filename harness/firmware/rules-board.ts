// Advisory rules the kernel does not print at boot but a board will show: trace reads, rpmsg channels, stray sections.
import { hex } from './bytes';
import type { SectionProblem } from './elf';
import { fatal, warning, type RuleHit } from './rule-result';
import { RESOURCE_TABLE_SECTION } from './rules-table';
import { daFits } from './rules-segments';
import type { BoardRules, ElfFile, ResourceTable } from './types';
import { RSC_VDEV, VIRTIO_ID_RPMSG, VIRTIO_RPMSG_F_NS } from './types';
import { isPowerOfTwo } from './vring-math';

const MIN_RPMSG_VRINGS = 2;

export function boardRules(elf: ElfFile, problems: readonly SectionProblem[], table: ResourceTable | null, board: BoardRules | undefined): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const p of problems) {
    if (p.section.name === RESOURCE_TABLE_SECTION) continue; // find_table already reported it
    hits.push(warning('section-outside-file', p.message, 'board', null, false));
  }
  if (table) hits.push(...vdevAdvice(table), ...(board ? memoryAdvice(table, board) : []));
  return hits;
}

function vdevAdvice(table: ResourceTable): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const e of table.entries) {
    if (e.type !== 'vdev' || e.typeId !== RSC_VDEV) continue;
    const i = e.index;
    if (e.id !== VIRTIO_ID_RPMSG) {
      hits.push(warning('vdev-not-rpmsg', `vdev id ${e.id} is not VIRTIO_ID_RPMSG (${VIRTIO_ID_RPMSG}): no rpmsg bus will use it`, 'board', i, false));
      continue;
    }
    if (e.numOfVrings < MIN_RPMSG_VRINGS) {
      // virtio rpmsg asks for two virtqueues (rx, tx); derived, the kernel's own failure text is not in the reference
      hits.push(fatal('vdev-too-few-vrings', `rpmsg needs 2 vrings, the vdev has ${e.numOfVrings}`, 'vdev', i, 22, false));
    }
    if ((e.dfeatures & VIRTIO_RPMSG_F_NS) === 0) {
      hits.push(warning('vdev-no-ns', `vdev dfeatures ${hex(e.dfeatures)} lack VIRTIO_RPMSG_F_NS: Linux will not announce any rpmsg channel`, 'board', i, false));
    }
    for (const [j, v] of e.vrings.entries()) {
      if (v.num !== 0 && !isPowerOfTwo(v.num)) {
        // remoteproc.md §3.3: virtio wants a power of two; whether a current kernel rejects it is UNCONFIRMED
        hits.push(warning('vring-num-not-pow2', `vring${j} num ${v.num} is not a power of two`, 'board', i, false));
      }
    }
  }
  return hits;
}

function memoryAdvice(table: ResourceTable, board: BoardRules): RuleHit[] {
  const hits: RuleHit[] = [];
  let traceNo = 0;
  for (const e of table.entries) {
    if (e.type !== 'trace') continue;
    const name = `trace${traceNo++}`;
    if (!daFits(board, e.da, e.len)) {
      // rproc_trace_read cannot translate the da: the name in the text is never filled in, hence two spaces (remoteproc.md §4)
      const msg = `${name}: da ${hex(e.da)} len ${hex(e.len)} lies outside every memory region of ${board.name}; reading it gives "Trace  not available"`;
      hits.push(warning('trace-outside-memory', msg, 'board', e.index, false));
    }
  }
  const hasVdev = table.entries.some((e) => e.type === 'vdev');
  if (hasVdev && !daFits(board, table.address, table.size)) {
    // rproc_find_loaded_rsc_table finds no va: the firmware never sees the vring addresses Linux writes (derived)
    const msg = `.resource_table at ${hex(table.address)} (${hex(table.size)} bytes) lies outside every memory region of ${board.name}: the firmware never sees the vrings Linux assigns`;
    hits.push(fatal('table-outside-memory', msg, 'board', null, 22, false));
  }
  return hits;
}
