// The board-profile facts the kernel model reads (a structural subset of config's BoardProfile) and their defaults.

export interface MemoryRegion {
  name: string;
  da: number;
  pa: number;
  size: number;
}

/** What KernelModel needs from a BoardProfile; any BoardProfile satisfies it. */
export interface KernelProfile {
  soc: 'stm32mp15' | 'stm32mp25';
  compatible: string[];
  model: string;
  coprocessor: { name: string; core?: string; memory: MemoryRegion[] };
  firmware: { defaultName?: string | null; autoBoot?: string | boolean | null };
  capabilities: { trace: boolean; watchdogCrash: boolean; coredump: boolean; detach: boolean; recovery: boolean };
  kernel: {
    release: string;
    stateRules: 'refcount' | 'ebusy';
    vringCheck?: 'boot' | 'probe';
    ttyNames?: string[];
    recoveryDefault?: 'enabled' | 'disabled' | boolean;
    coredumpDefault?: 'disabled' | 'enabled' | 'inline';
  };
  virtual?: {
    ttyDelayMs?: number;
    firmwareQuotaBytes?: number;
    hostname?: string;
    coredumpTimeoutMs?: number;
    stopAckMs?: number;
    watchdogMs?: number;
    rprocIndex?: number;
    bootState?: 'offline' | 'detached';
    [key: string]: unknown;
  };
}

/** Settled knobs of one kernel model, with the defaults the reference gives. */
export interface KernelSettings {
  rprocName: string;
  rprocIndex: number;
  /** the dev_name the platform driver prints with (`stm32-rproc 10000000.m4: `) */
  platformDev: string;
  newEra: boolean;
  ttyNames: string[];
  ttyDelayMs: number;
  quotaBytes: number;
  hostname: string;
  coredumpTimeoutMs: number;
  recoveryEnabled: boolean;
  coredumpMode: 'disabled' | 'enabled' | 'inline';
  defaultFirmware: string;
  autoBoot: string | null;
  /** `detached`: the boot loader started the firmware before Linux (remoteproc.md §7.2) */
  bootState: 'offline' | 'detached';
}

export function settingsOf(profile: KernelProfile): KernelSettings {
  const name = profile.coprocessor.name;
  const v = profile.virtual ?? {};
  const recovery = profile.kernel.recoveryDefault;
  const autoBoot = profile.firmware.autoBoot;
  return {
    rprocName: name,
    rprocIndex: v.rprocIndex ?? 0,
    // remoteproc.md §1.4: recent kernels print on the parent platform device; MP15 node m4@10000000
    platformDev: name === 'm4' ? '10000000.m4' : `${name}@0`,
    newEra: profile.kernel.stateRules === 'refcount',
    ttyNames: profile.kernel.ttyNames && profile.kernel.ttyNames.length > 0 ? profile.kernel.ttyNames : ['rpmsg-tty'],
    ttyDelayMs: v.ttyDelayMs ?? 50,
    quotaBytes: v.firmwareQuotaBytes ?? 64 * 1024 * 1024,
    hostname: v.hostname ?? (profile.soc === 'stm32mp15' ? 'stm32mp1' : 'stm32mp2'),
    // devcoredump frees an unread dump after 5 minutes (remoteproc.md §5.2)
    coredumpTimeoutMs: v.coredumpTimeoutMs ?? 300_000,
    recoveryEnabled: recovery === undefined ? true : recovery === true || recovery === 'enabled',
    coredumpMode: profile.kernel.coredumpDefault ?? 'disabled',
    defaultFirmware: profile.firmware.defaultName ?? `rproc-${name}-fw`,
    autoBoot: typeof autoBoot === 'string' && autoBoot.length > 0 ? autoBoot : null,
    bootState: v.bootState ?? 'offline',
  };
}
