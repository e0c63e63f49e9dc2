// The table as the kernel fills it in (remoteproc.md §3.3): carveout pa/da/len, vring da/pa and IDR notify ids, vdev status.
import { FW_RSC_ADDR_ANY, VIRTIO_RPMSG_F_NS, type BoardRules, type ResourceTable, type RscEntry } from '../../firmware/types';
import type { CarveoutMemory } from './rsc-dump';
import type { MemoryRegion } from './profile';

export interface LiveTable {
  /** the live copy (what debugfs resource_table shows and the core sees), null when booting without a table */
  table: ResourceTable | null;
  /** vdev 0's rings as allocated, empty without a working vdev */
  vrings: Array<{ da: number; num: number; align: number; notifyId: number }>;
  bufferDa: number | null;
  nameService: boolean;
  /** trace entries in table order: trace0, trace1, ... */
  traces: Array<{ da: number; len: number }>;
  /** registered carveouts (STM32: every DT memory-region) for carveout_memories */
  carveouts: CarveoutMemory[];
}

/** virtio status after virtio_rpmsg_bus probe: ACKNOWLEDGE | DRIVER | DRIVER_OK */
const STATUS_DRIVER_OK = 7;
/** dma_alloc_coherent stand-in for carveouts the DT does not pre-register */
const DMA_POOL = 0xde000000;

export function liveTable(table: ResourceTable | null, rpmsg: boolean, rules: BoardRules, memory: readonly MemoryRegion[]): LiveTable {
  const region = (name: string) => memory.find((m) => m.name === name);
  const carveouts: CarveoutMemory[] = rules.carveouts.map((c) => ({ name: c.name, da: c.da, pa: region(c.name)?.pa ?? c.da, len: c.size }));
  if (!table) return { table: null, vrings: [], bufferDa: null, nameService: false, traces: [], carveouts };

  let nextNotify = 0;
  let dmaNext = DMA_POOL;
  let vdevIndex = 0;
  const out: LiveTable = { table: null, vrings: [], bufferDa: null, nameService: false, traces: [], carveouts };
  const entries: RscEntry[] = table.entries.map((e) => {
    switch (e.type) {
      case 'carveout': {
        const reg = carveouts.find((c) => c.name === e.name);
        if (reg) return { ...e, da: reg.da, pa: reg.pa, len: reg.len };
        const da = e.da === FW_RSC_ADDR_ANY ? dmaNext : e.da;
        const pa = dmaNext;
        dmaNext += Math.ceil(e.len / 4096) * 4096;
        carveouts.push({ name: e.name, da, pa, len: e.len });
        return { ...e, da, pa };
      }
      case 'trace':
        out.traces.push({ da: e.da, len: e.len });
        return { ...e };
      case 'vdev': {
        const index = vdevIndex++;
        const vrings = e.vrings.map((v, j) => {
          const reg = carveouts.find((c) => c.name === `vdev${index}vring${j}`);
          const da = v.da === FW_RSC_ADDR_ANY && reg ? reg.da : v.da;
          const pa = reg ? reg.pa + (da - reg.da) : da;
          return { ...v, da, pa, notifyId: nextNotify++ };
        });
        const works = rpmsg && index === 0;
        if (works) {
          out.vrings = vrings.map((v) => ({ da: v.da, num: v.num, align: v.align, notifyId: v.notifyId }));
          out.bufferDa = carveouts.find((c) => c.name === `vdev${index}buffer`)?.da ?? null;
          out.nameService = (e.dfeatures & VIRTIO_RPMSG_F_NS) !== 0;
        }
        return {
          ...e,
          vrings,
          gfeatures: works ? e.dfeatures & VIRTIO_RPMSG_F_NS : e.gfeatures,
          status: works ? STATUS_DRIVER_OK : e.status,
          reserved: [e.reserved[0], e.reserved[1]] as [number, number],
        };
      }
      default:
        return { ...e };
    }
  });
  out.table = { ...table, reserved: [table.reserved[0], table.reserved[1]], offsets: [...table.offsets], entries };
  return out;
}
