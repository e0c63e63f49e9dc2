// /sys/class/remoteproc/remoteprocN: name, firmware, state, recovery, coredump (remoteproc.md §1).
import { triggerRecovery } from './crash';
import { fail, sysfsStreq, text } from './parse';
import type { Rproc } from './rproc';
import { ro, sysfsRw, type Tree } from './tree';

export const SYSFS_REMOTEPROC = '/sys/class/remoteproc';

export function sysfsTree(rproc: Rproc): Tree {
  const dir = `${SYSFS_REMOTEPROC}/${rproc.devName}`;
  return {
    [rproc.devName]: {
      name: ro(0o444, () => `${rproc.name}\n`),
      firmware: sysfsRw(`${dir}/firmware`, () => `${rproc.state === 'attached' ? 'unknown' : rproc.firmware}\n`,
        (d) => rproc.writeFirmware(d, `${dir}/firmware`)),
      state: sysfsRw(`${dir}/state`, () => `${rproc.state}\n`, (d) => rproc.writeState(d, `${dir}/state`)),
      recovery: sysfsRw(`${dir}/recovery`, () => (rproc.recoveryDisabled ? 'disabled\n' : 'enabled\n'),
        (d) => writeRecovery(rproc, text(d), `${dir}/recovery`)),
      coredump: sysfsRw(`${dir}/coredump`, () => `${rproc.coredump}\n`, (d) => writeCoredump(rproc, text(d), `${dir}/coredump`)),
    },
  };
}

/** recovery_store: enabled / disabled / recover with sysfs_streq; errors of the recovery itself are not returned */
async function writeRecovery(rproc: Rproc, written: string, path: string): Promise<void> {
  if (sysfsStreq(written, 'enabled')) {
    rproc.recoveryDisabled = false;
    await triggerRecovery(rproc);
  } else if (sysfsStreq(written, 'disabled')) {
    rproc.recoveryDisabled = true;
  } else if (sysfsStreq(written, 'recover')) {
    await triggerRecovery(rproc);
  } else {
    throw fail('EINVAL', path);
  }
}

/** coredump_store: EBUSY while crashed, then the three words */
function writeCoredump(rproc: Rproc, written: string, path: string): void {
  if (rproc.state === 'crashed') {
    rproc.log("can't change coredump configuration");
    throw fail('EBUSY', path);
  }
  const mode = (['disabled', 'enabled', 'inline'] as const).find((w) => sysfsStreq(written, w));
  if (!mode) {
    rproc.log('Invalid coredump configuration');
    throw fail('EINVAL', path);
  }
  rproc.coredump = mode;
}
