// Boot-time hand-over to the firmware: the live table into the window, the rpmsg host's rings, then DRIVER_OK.
import type { BootImage } from '../types';
import { firstVdev, patchLiveTable, setVdevStatus, VDEV_STATUS_READY } from './live-table';
import type { DeviceMemory } from './memory';
import { RpmsgHost, type RpmsgHostOptions } from './virtio-host';

export type RpmsgCallbacks = Pick<RpmsgHostOptions, 'kick' | 'onMessage' | 'onAnnounce' | 'onDiagnostic'>;

/**
 * What the kernel and virtio_rpmsg_bus leave in device memory before the firmware looks (TWIN-PROTOCOL.md "Boot"):
 * the table as the kernel filled it in, rings with every RX buffer posted, and vdev status 7. Null when the image
 * has no working vdev (no table, no vdev, or the kernel model gave it no rings): the firmware then waits without rpmsg.
 */
export function linkRpmsg(image: BootImage, mem: DeviceMemory, callbacks: RpmsgCallbacks): RpmsgHost | null {
  if (image.table === null) return null;
  patchLiveTable(image.table, mem);
  const vdev = firstVdev(image.table);
  const [rx, tx] = image.vrings;
  if (vdev === null || rx === undefined || tx === undefined || image.bufferDa === null) return null;
  const host = new RpmsgHost({ mem, rx, tx, bufferDa: image.bufferDa, nameService: image.nameService, ...callbacks });
  host.setup();
  setVdevStatus(image.table, vdev, VDEV_STATUS_READY, mem);
  return host;
}
