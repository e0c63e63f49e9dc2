// The live resource table a board should show for an ELF's table (remoteproc.md §2, §3.3), and a field-by-field diff.
import type { DumpEntry } from '../../harness/remoteproc';
import { FW_RSC_ADDR_ANY, VIRTIO_RPMSG_F_NS, type ResourceTable, type RscEntry } from '../../harness/firmware';

export interface Region {
  name: string;
  da: number;
  pa: number;
  size: number;
}

/** virtio status bit the host sets once the driver is ready; the firmware waits for it (firmware.md §1.7) */
export const VIRTIO_CONFIG_S_DRIVER_OK = 4;

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/** One expected value: exact, or a predicate with the wording of what the kernel is known to write. */
type Want = { exact: number | string } | { test: (v: number) => boolean; says: string };

export interface ExpectedEntry {
  index: number;
  type: DumpEntry['type'];
  /** field path (e.g. `vring[1].notifyId`) -> what the dump must show, and the reference row behind it */
  fields: Array<{ path: string; want: Want; cite: string }>;
}

type Field = ExpectedEntry['fields'][number];

const same = (path: string, v: number | string, cite = 'remoteproc.md §2: the firmware\'s value, the kernel does not change it'): Field => ({ path, want: { exact: v }, cite });

/**
 * What debugfs `resource_table` shows while the firmware runs: the ELF's entries in table order, with what the
 * kernel fills in (remoteproc.md §2 "the table shown is the live one", §3.3):
 * - carveouts linked to a DT region of the same name: da, pa and len of that region (written back after allocation);
 * - vrings: da of the `vdev<k>vring<j>` carveout when the firmware left FW_RSC_ADDR_ANY, notify ids 0, 1, ... in
 *   table order (the kernel ignores the firmware's), pa either untouched or the carveout's (which one: UNCONFIRMED);
 * - vdev with a working rpmsg bus: DRIVER_OK in status (firmware.md §1.7), guest features a subset of the device
 *   features that keeps VIRTIO_RPMSG_F_NS as offered (remoteproc.md §6.2);
 * - vendor/unknown types are printed as `Unknown resource type found: <type>`.
 */
export function expectedLiveTable(table: ResourceTable, memory: readonly Region[], rpmsg: boolean): ExpectedEntry[] {
  const region = (name: string) => memory.find((m) => m.name === name);
  let notify = 0;
  let vdevNo = 0;
  return table.entries.map((e: RscEntry, index): ExpectedEntry => {
    switch (e.type) {
      case 'carveout':
      case 'devmem': {
        const reg = region(e.name);
        const cite = 'remoteproc.md §3.3 carveout: a DT region of that name is linked and its da/pa/len written back';
        const fields: Field[] = [same('name', e.name), same('flags', e.flags), same('reserved', e.reserved | 0)];
        if (reg) fields.push({ path: 'da', want: { exact: reg.da }, cite }, { path: 'pa', want: { exact: reg.pa }, cite }, { path: 'len', want: { exact: reg.size }, cite });
        else fields.push(same('len', e.len));
        return { index, type: e.type, fields };
      }
      case 'trace':
        // remoteproc.md §3.3 trace: the da is not even checked at boot; nothing is written back
        return { index, type: 'trace', fields: [same('da', e.da), same('len', e.len), same('reserved', e.reserved | 0), same('name', e.name)] };
      case 'vdev': {
        const k = vdevNo++;
        const fields: Field[] = [
          same('id', e.id | 0), same('notifyId', e.notifyId | 0, 'remoteproc.md §3.3: the vdev-level notifyid is not assigned'),
          same('dfeatures', e.dfeatures), same('configLen', e.configLen), same('numOfVrings', e.numOfVrings),
          same('reserved[0]', e.reserved[0]), same('reserved[1]', e.reserved[1]),
        ];
        if (rpmsg && k === 0) {
          fields.push(
            { path: 'status', want: { test: (s) => (s & VIRTIO_CONFIG_S_DRIVER_OK) !== 0, says: `DRIVER_OK (${VIRTIO_CONFIG_S_DRIVER_OK}) set` }, cite: 'firmware.md §1.7: Linux writes the vdev status; the firmware waits for DRIVER_OK' },
            { path: 'gfeatures', want: { test: (g) => (g & ~e.dfeatures) === 0 && (g & VIRTIO_RPMSG_F_NS) === (e.dfeatures & VIRTIO_RPMSG_F_NS), says: `a subset of dfeatures ${hex(e.dfeatures)} with VIRTIO_RPMSG_F_NS as offered` }, cite: 'remoteproc.md §6.2: the negotiated features' },
          );
        }
        e.vrings.forEach((v, j) => {
          const reg = region(`vdev${k}vring${j}`);
          const da = v.da === FW_RSC_ADDR_ANY && reg ? reg.da : v.da;
          const p = `vring[${j}]`;
          fields.push(
            { path: `${p}.da`, want: { exact: da }, cite: `remoteproc.md §3.3 vdev: ${v.da === FW_RSC_ADDR_ANY ? `FW_RSC_ADDR_ANY becomes the vdev${k}vring${j} carveout's da` : 'a fixed da is kept'}` },
            same(`${p}.align`, v.align | 0), same(`${p}.num`, v.num | 0),
            { path: `${p}.notifyId`, want: { exact: notify++ }, cite: 'remoteproc.md §3.3 vdev: notify ids come from the kernel\'s IDR, 0, 1, ... per rproc' },
          );
          const pa = reg ? reg.pa + (da - reg.da) : undefined;
          fields.push({
            path: `${p}.pa`,
            want: { test: (got) => got === v.pa || (pa !== undefined && got === pa), says: `${hex(v.pa)} (as in the ELF)${pa === undefined ? '' : ` or ${hex(pa)} (the carveout's physical address)`}` },
            cite: 'remoteproc.md §2/§3.2: vring pa (who writes it is UNCONFIRMED)',
          });
        });
        return { index, type: 'vdev', fields };
      }
      default:
        return { index, type: 'unknown', fields: [same('rawType', e.typeId, 'remoteproc.md §2: other types print `Unknown resource type found: <type>`')] };
    }
  });
}

function read(entry: DumpEntry, path: string): number | string | undefined {
  const m = /^vring\[(\d+)\]\.(\w+)$/.exec(path);
  if (m) {
    if (entry.type !== 'vdev') return undefined;
    const v = entry.vrings[Number(m[1])] as unknown as Record<string, unknown> | undefined;
    const got = v?.[m[2] ?? ''];
    return typeof got === 'number' ? got : undefined;
  }
  const r = /^reserved\[(\d)\]$/.exec(path);
  if (r) return entry.type === 'vdev' ? entry.reserved[Number(r[1])] : undefined;
  const got = (entry as unknown as Record<string, unknown>)[path];
  return typeof got === 'number' || typeof got === 'string' ? got : undefined;
}

const show = (v: number | string | undefined): string => (v === undefined ? '(absent)' : typeof v === 'number' ? `${v} (${hex(v)})` : JSON.stringify(v));

/** Every difference between the dump and the expectation, one line each with its reference row (empty = match). */
export function diffLiveTable(want: readonly ExpectedEntry[], got: readonly DumpEntry[]): string[] {
  const problems: string[] = [];
  if (got.length !== want.length) problems.push(`expected ${want.length} entries (the ELF table's num, remoteproc.md §2); the dump shows ${got.length}`);
  want.forEach((w, i) => {
    const g = got[i];
    if (!g) return;
    if (g.type !== w.type) {
      problems.push(`entry ${i}: expected type ${w.type}; the dump shows ${g.type}`);
      return;
    }
    for (const f of w.fields) {
      const v = read(g, f.path);
      const ok = 'exact' in f.want ? v === f.want.exact : typeof v === 'number' && f.want.test(v);
      if (!ok) problems.push(`entry ${i} (${w.type}) ${f.path}: expected ${'exact' in f.want ? show(f.want.exact) : f.want.says} (${f.cite}); the board shows ${show(v)}`);
    }
  });
  return problems;
}
