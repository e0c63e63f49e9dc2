// Kernel rule phase 3: rproc_handle_resources, entry by entry in table order; the first error stops the loop (remoteproc.md §3.3).
import { ENOMEM, fatal, warning, type RuleHit } from './rule-result';
import { CARVEOUT_SIZE, TRACE_SIZE } from './rsc-codec';
import { carveoutFit, vdevRules } from './rules-vdev';
import type { BoardRules, CarveoutEntry, DevmemEntry, ResourceTable, RscEntry, TraceEntry } from './types';
import { RSC_VENDOR_END, RSC_VENDOR_START } from './types';

/** Boot-stopping hits end the list; `vdev`-phase hits (vringCheck 'probe') do not stop the loop. */
export function resourceRules(table: ResourceTable, board: BoardRules | undefined): RuleHit[] {
  const hits: RuleHit[] = [];
  const byIndex = new Map<number, RscEntry>(table.entries.map((e) => [e.index, e]));
  const claimed = new Set<string>();
  let vdevIndex = 0;
  for (const [i, offset] of table.offsets.entries()) {
    // `int avail = table_sz - offset - sizeof(hdr)`: offsets past the end (or beyond 2^31, negative as int) fail here
    const avail = table.size - offset - 4;
    const entry = byIndex.get(i);
    if (avail < 0 || offset > 0x7fffffff || !entry) {
      hits.push(fatal('rsc-table-truncated', 'rsc table is truncated', 'resources', i));
      return hits;
    }
    const t = entry.typeId;
    if (t >= RSC_VENDOR_START && t <= RSC_VENDOR_END) {
      // STM32 has no handle_rsc op
      hits.push(warning('vendor-resource', `unsupported vendor resource ${t}`, 'resources', i));
      continue;
    }
    let found: RuleHit[] = [];
    switch (entry.type) {
      case 'carveout':
        found = carveoutRules(entry, avail, board, claimed);
        break;
      case 'devmem':
        found = devmemRules(entry, avail, board);
        break;
      case 'trace':
        found = traceRules(entry, avail);
        break;
      case 'vdev':
        // rvdev->index = nb_vdev++ (a failing vdev ends the boot, so its numbering never matters)
        found = vdevRules(entry, { avail, vdevIndex: vdevIndex++, board });
        break;
      default:
        // `%d` of a u32 type
        found = [warning('unknown-resource', `unsupported resource ${t | 0}`, 'resources', i)];
    }
    hits.push(...found);
    if (found.some(stopsBoot)) return hits;
  }
  return hits;
}

function stopsBoot(h: RuleHit): boolean {
  return h.finding.severity === 'fatal' && h.finding.phase === 'resources';
}

function carveoutRules(e: CarveoutEntry, avail: number, board: BoardRules | undefined, claimed: Set<string>): RuleHit[] {
  const i = e.index;
  if (CARVEOUT_SIZE - 4 > avail) return [fatal('carveout-truncated', 'carveout rsc is truncated', 'resources', i)];
  if (e.reserved !== 0) return [fatal('carveout-reserved-nonzero', 'carveout rsc has non zero reserved bytes', 'resources', i)];
  const mem = board?.carveouts.find((c) => c.name === e.name);
  if (!mem) return []; // a new carveout, allocated with dma_alloc_coherent at boot
  if (claimed.has(e.name)) return [fatal('carveout-already-associated', 'Carveout already associated to resource table', 'resources', i, ENOMEM)];
  claimed.add(e.name);
  const problem = carveoutFit(mem, e.da, e.len);
  return problem ? [fatal(problem.code, problem.message, 'resources', i, ENOMEM, problem.prints)] : [];
}

function devmemRules(e: DevmemEntry, avail: number, board: BoardRules | undefined): RuleHit[] {
  const i = e.index;
  // rproc_handle_devmem returns -EINVAL before any message when the rproc has no IOMMU domain (always on STM32)
  if (!board?.iommu) return [fatal('devmem-no-iommu', 'Failed to process resources: -22', 'resources', i)];
  if (CARVEOUT_SIZE - 4 > avail) return [fatal('devmem-truncated', 'devmem rsc is truncated', 'resources', i)];
  if (e.reserved !== 0) return [fatal('devmem-reserved-nonzero', 'devmem rsc has non zero reserved bytes', 'resources', i)];
  return [];
}

function traceRules(e: TraceEntry, avail: number): RuleHit[] {
  const i = e.index;
  if (TRACE_SIZE - 4 > avail) return [fatal('trace-truncated', 'trace rsc is truncated', 'resources', i)];
  if (e.reserved !== 0) return [fatal('trace-reserved-nonzero', 'trace rsc has non zero reserved bytes', 'resources', i)];
  // modern kernels do not check the da at boot, only when trace<n> is read (remoteproc.md §4): see rules-board
  return [];
}
