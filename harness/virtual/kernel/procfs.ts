// Files the board's OS shows about itself: /proc/version, /proc/device-tree, /etc/os-release, uname, boot dmesg.
import type { VirtualFs } from '../fs/types';
import type { KernelProfile, KernelSettings } from './profile';

export interface Uname {
  sysname: string;
  nodename: string;
  release: string;
  version: string;
  machine: string;
}

const BUILD_VERSION = '#1 SMP PREEMPT Thu Aug  1 12:00:00 UTC 2024';

export function unameOf(profile: KernelProfile, settings: KernelSettings): Uname {
  return {
    sysname: 'Linux',
    nodename: settings.hostname,
    release: profile.kernel.release,
    version: BUILD_VERSION,
    machine: profile.soc === 'stm32mp15' ? 'armv7l' : 'aarch64',
  };
}

function procVersion(profile: KernelProfile): string {
  const gcc = profile.soc === 'stm32mp15' ? 'arm-ostl-linux-gnueabi-gcc' : 'aarch64-ostl-linux-gcc';
  return `Linux version ${profile.kernel.release} (oe-user@oe-host) (${gcc} (GCC) 13.3.0, GNU ld (GNU Binutils) 2.42.0) ${BUILD_VERSION}\n`;
}

const OS_RELEASE = [
  'ID=openstlinux-weston',
  'NAME="ST OpenSTLinux - Weston - (A Yocto Project Based Distro)"',
  'VERSION="5.0.3-openstlinux-6.6-yocto-scarthgap-mpu-v24.11.06 (scarthgap)"',
  'VERSION_ID=5.0.3-openstlinux-6.6-yocto-scarthgap-mpu-v24.11.06',
  'PRETTY_NAME="ST OpenSTLinux - Weston - (A Yocto Project Based Distro) 5.0.3-openstlinux-6.6-yocto-scarthgap-mpu-v24.11.06 (scarthgap)"',
  'DISTRO_CODENAME="scarthgap"',
  '',
].join('\n');

const ro = (read: () => string | Uint8Array) => ({ kind: 'attr' as const, mode: 0o444, read });

/** proc and etc files, the writable directories and the /lib/firmware quota */
export async function installOsFiles(fs: VirtualFs, profile: KernelProfile, settings: KernelSettings, uptimeMs: () => number): Promise<void> {
  for (const dir of ['/run', '/tmp', '/var/crash', '/lib/firmware', '/etc']) fs.mkdir(dir, { recursive: true });
  fs.setQuota('/lib/firmware', settings.quotaBytes);
  // the real file: NUL-separated strings with a trailing NUL (firmware.md §6)
  fs.setSpecial('/proc/device-tree/compatible', ro(() => Buffer.from(profile.compatible.map((c) => `${c}\0`).join(''), 'latin1')));
  fs.setSpecial('/proc/device-tree/model', ro(() => `${profile.model}\0`));
  fs.setSpecial('/proc/version', ro(() => procVersion(profile)));
  fs.setSpecial('/proc/sys/kernel/hostname', ro(() => `${settings.hostname}\n`));
  fs.setSpecial('/proc/uptime', ro(() => {
    const s = (uptimeMs() / 1000).toFixed(2);
    return `${s} ${s}\n`;
  }));
  await fs.writeFile('/etc/os-release', Buffer.from(OS_RELEASE, 'latin1'));
  await fs.writeFile('/etc/hostname', Buffer.from(`${settings.hostname}\n`, 'latin1'));
}

/** the early boot lines every board prints before the remoteproc driver probes, with their boot times (ms) */
export function bootBanner(profile: KernelProfile): Array<[number, string]> {
  return [
    [0, `Booting Linux on physical CPU 0x0`],
    [0, procVersion(profile).trimEnd()],
    [0, `OF: fdt: Machine model: ${profile.model}`],
    [0, `Kernel command line: root=PARTUUID=e91c4e10-16e6-4c0e-bd0e-77becf4a3582 rootwait rw console=ttySTM0,115200`],
  ];
}

/** a reboot empties the tmpfs mounts (/tmp, /run); the rootfs (/lib/firmware, /var/crash, /home…) keeps its files */
export function clearVolatile(fs: VirtualFs): void {
  const remove = (path: string): void => {
    const st = fs.stat(path);
    if (!st) return;
    if (st.type === 'dir') {
      for (const name of fs.readdir(path)) remove(`${path}/${name}`);
      fs.rmdir(path);
    } else if (st.type === 'file') {
      fs.unlink(path);
    }
  };
  for (const dir of ['/tmp', '/run']) {
    if (fs.stat(dir)?.type !== 'dir') continue;
    for (const name of fs.readdir(dir)) remove(`${dir}/${name}`);
  }
}
