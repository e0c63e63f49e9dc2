// Attach/detach of a core the boot loader started (remoteproc.md §1.3 detach/attach rows, §4, §7.2, §7.3).
import { loadFirmware } from './boot';
import { ERRNO } from './parse';
import type { Rproc } from './rproc';

/**
 * U-Boot loaded and released the core before Linux: the image runs, the rproc probes `detached`.
 * Uses the kernel's load pipeline silently (the boot loader prints nothing into dmesg); false when the image cannot run.
 */
export async function bootloaderStart(rproc: Rproc, name: string): Promise<boolean> {
  const quiet = { ...rproc.bootHost(), log: () => undefined };
  const result = await loadFirmware(quiet, name);
  if (!result.ok) return false;
  try {
    await rproc.host.coprocessor().start(rproc.bootImage(result.fw, result.live));
  } catch {
    return false;
  }
  rproc.firmware = name;
  rproc.resident = { fw: result.fw, live: result.live };
  rproc.state = 'detached';
  return true;
}

/** rproc_attach after `attaching to <name>`: the table the firmware already has, trace files, vdev, `is now attached` */
export function attachCore(rproc: Rproc): number {
  const resident = rproc.resident;
  if (!resident || rproc.dead) return ERRNO.EINVAL ?? 22;
  rproc.loaded = resident.fw;
  rproc.live = resident.live;
  if (resident.live.vrings.length > 0) {
    rproc.bus = rproc.newBus();
    rproc.logVdevOnline();
  }
  rproc.state = 'attached';
  rproc.log(`remote processor ${rproc.name} is now attached`);
  // the firmware announced its channels while nobody listened: the new bus learns them as after DRIVER_OK
  for (const ns of rproc.announced) rproc.bus?.announce(ns);
  return 0;
}

/** rproc_detach: only from `attached` and only with a platform detach op (MP25 TEE ops have none → EINVAL, §7.3) */
export function detachRproc(rproc: Rproc): Promise<number> {
  return rproc.lock.run(async () => {
    if (rproc.state !== 'attached' || !rproc.host.capabilities.detach) return ERRNO.EINVAL ?? 22;
    rproc.power -= 1;
    if (rproc.power > 0) return 0;
    // subdevices stop (ttys hang up), the core keeps running; rproc_resource_cleanup then removes the trace files
    rproc.bus?.teardown();
    rproc.bus = null;
    if (rproc.loaded && rproc.live) rproc.resident = { fw: rproc.loaded, live: rproc.live };
    rproc.state = 'detached';
    rproc.log(`detached remote processor ${rproc.name}`);
    rproc.cleanup();
    return 0;
  });
}
