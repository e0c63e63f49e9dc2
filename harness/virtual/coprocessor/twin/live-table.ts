// Writes what the kernel filled into the resource table (vring da/notifyid, carveout pa/da, vdev status) into the loaded copy.
import { RscError } from '../../../errors';
import type { ResourceTable, VdevEntry } from '../../../firmware/types';
import type { DeviceMemory } from './memory';
import { hex } from './memory';

/** virtio status ACKNOWLEDGE | DRIVER | DRIVER_OK, set by virtio_rpmsg_bus once its rings are ready */
export const VDEV_STATUS_READY = 7;

/** offsets from an entry's type word, as struct fw_rsc_* in remoteproc.h lay them out */
const VDEV = { notifyId: 4 + 4, gfeatures: 4 + 12, status: 4 + 20, vrings: 4 + 24 } as const;
const VRING = { da: 0, notifyId: 12, pa: 16, size: 20 } as const;
const CARVEOUT = { da: 4, pa: 8, len: 12 } as const;

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0, 0);
  return b;
}

export function assertTableInWindow(table: ResourceTable, mem: DeviceMemory): void {
  if (!mem.contains(table.address, table.size)) {
    throw new RscError(
      `the resource table at ${hex(table.address)} (${table.size} bytes) is outside the twin's shared window: ` +
        'link .resource_table into the window (firmware/TWIN-PROTOCOL.md "Memory maps")',
      { address: table.address, size: table.size },
    );
  }
}

/** the fields rproc_handle_resources / rproc_alloc_vring / rproc_virtio_finalize_features write back */
export function patchLiveTable(table: ResourceTable, mem: DeviceMemory): void {
  assertTableInWindow(table, mem);
  for (const e of table.entries) {
    const at = table.address + e.offset;
    if (e.type === 'carveout') {
      mem.write(at + CARVEOUT.da, u32(e.da));
      mem.write(at + CARVEOUT.pa, u32(e.pa));
      mem.write(at + CARVEOUT.len, u32(e.len));
    } else if (e.type === 'vdev') {
      mem.write(at + VDEV.notifyId, u32(e.notifyId));
      mem.write(at + VDEV.gfeatures, u32(e.gfeatures));
      mem.write(at + VDEV.status, Buffer.of(e.status & 0xff));
      e.vrings.forEach((v, j) => {
        const r = at + VDEV.vrings + j * VRING.size;
        mem.write(r + VRING.da, u32(v.da));
        mem.write(r + VRING.notifyId, u32(v.notifyId));
        mem.write(r + VRING.pa, u32(v.pa));
      });
    }
  }
}

export function firstVdev(table: ResourceTable | null): VdevEntry | null {
  const v = table?.entries.find((e): e is VdevEntry => e.type === 'vdev');
  return v ?? null;
}

export function setVdevStatus(table: ResourceTable, vdev: VdevEntry, status: number, mem: DeviceMemory): void {
  mem.write(table.address + vdev.offset + VDEV.status, Buffer.of(status & 0xff));
}
