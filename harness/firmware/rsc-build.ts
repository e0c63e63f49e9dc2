// Builds a well-formed ResourceTable from entry contents, computing typeIds, offsets and the size (for tests and mutations).
import { RscError } from '../errors';
import { CARVEOUT_SIZE, RSC_HEADER_SIZE, TRACE_SIZE, VDEV_HEADER_SIZE, VRING_SIZE } from './rsc-codec';
import type { CarveoutEntry, DevmemEntry, ResourceTable, RscEntry, TraceEntry, UnknownEntry, VdevEntry, VendorEntry } from './types';
import { RSC_CARVEOUT, RSC_DEVMEM, RSC_TRACE, RSC_VDEV } from './types';

type Placed = 'index' | 'offset' | 'typeId';
type WithTypeId<T> = Omit<T, Placed> & { typeId?: number };

export type EntrySpec =
  | WithTypeId<CarveoutEntry>
  | WithTypeId<DevmemEntry>
  | (WithTypeId<Omit<TraceEntry, 'symbol'>> & { symbol?: string | null })
  | (WithTypeId<Omit<VdevEntry, 'numOfVrings' | 'configLen' | 'config' | 'notifyId' | 'gfeatures' | 'status' | 'reserved'>> &
      Partial<Pick<VdevEntry, 'numOfVrings' | 'configLen' | 'config' | 'notifyId' | 'gfeatures' | 'status' | 'reserved'>>)
  | (Omit<VendorEntry, Placed> & { typeId: number })
  | (Omit<UnknownEntry, Placed> & { typeId: number });

export interface TableSpec {
  entries: EntrySpec[];
  /** device address of the table (sh_addr); default 0 */
  address?: number;
  version?: number;
  reserved?: [number, number];
  /** zero bytes appended after the last entry (room for mutations that grow the table) */
  padding?: number;
}

const DEFAULT_TYPE_IDS = { carveout: RSC_CARVEOUT, devmem: RSC_DEVMEM, trace: RSC_TRACE, vdev: RSC_VDEV } as const;

function entrySize(e: RscEntry): number {
  switch (e.type) {
    case 'carveout':
    case 'devmem':
      return CARVEOUT_SIZE;
    case 'trace':
      return TRACE_SIZE;
    case 'vdev':
      return VDEV_HEADER_SIZE + e.numOfVrings * VRING_SIZE + e.config.length / 2;
    default:
      return 4 + e.data.length / 2;
  }
}

/** Lays the entries out back to back after the header and offset array (the layout ST's rsc_table.c produces). */
export function buildResourceTable(spec: TableSpec): ResourceTable {
  let offset = RSC_HEADER_SIZE + 4 * spec.entries.length;
  const entries = spec.entries.map((s, index): RscEntry => {
    const e = complete(s, index, offset);
    offset += entrySize(e);
    return e;
  });
  const padding = spec.padding ?? 0;
  if (!Number.isSafeInteger(padding) || padding < 0) throw new RscError(`padding ${String(padding)} must be a non-negative integer`);
  return {
    address: spec.address ?? 0,
    size: offset + padding,
    version: spec.version ?? 1,
    num: entries.length,
    reserved: spec.reserved ?? [0, 0],
    offsets: entries.map((e) => e.offset),
    entries,
  };
}

function complete(s: EntrySpec, index: number, offset: number): RscEntry {
  switch (s.type) {
    case 'carveout':
    case 'devmem':
      return { ...s, index, offset, typeId: s.typeId ?? DEFAULT_TYPE_IDS[s.type] } as CarveoutEntry | DevmemEntry;
    case 'trace':
      return { ...s, index, offset, typeId: s.typeId ?? RSC_TRACE, symbol: s.symbol ?? null };
    case 'vdev': {
      const config = s.config ?? '';
      return {
        ...s,
        index,
        offset,
        typeId: s.typeId ?? RSC_VDEV,
        notifyId: s.notifyId ?? 0,
        gfeatures: s.gfeatures ?? 0,
        status: s.status ?? 0,
        reserved: s.reserved ?? [0, 0],
        numOfVrings: s.numOfVrings ?? s.vrings.length,
        configLen: s.configLen ?? config.length / 2,
        config,
      };
    }
    default:
      return { ...s, index, offset };
  }
}
