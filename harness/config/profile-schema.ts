// Zod schema of a board TYPE profile (DESIGN §3): facts of a board model, validated with defaults applied.
import { z } from 'zod';
import { address32, flag, firmwareFileName, intField, mapping, matching, oneOf, physAddress, positiveMs, size32, text, U32_LIMIT } from './schema-fields';
import { hex } from './numbers';

export const SOCS = ['stm32mp15', 'stm32mp25'] as const;
export type Soc = (typeof SOCS)[number];

const regionSchema = mapping({
  name: matching(/^[A-Za-z0-9_.-]+$/, 'a region name as in the device tree (letters, digits, _ . -)'),
  da: address32,
  /** A-side physical address; defaults to `da` (twin boards have no A-side bus). */
  pa: physAddress.optional(),
  size: size32,
}).superRefine((r, ctx) => {
  if (r.da + r.size > U32_LIMIT) {
    ctx.addIssue({ code: 'custom', path: ['size'], message: `a size that keeps the region below 4 GiB (da ${hex(r.da)} + size must be <= 0x100000000)` });
  }
}).transform((r) => ({ name: r.name, da: r.da, pa: r.pa ?? r.da, size: r.size }));

const memorySchema = z
  .array(regionSchema, { error: 'a list of regions ({ name, da, pa, size }) in device-tree memory-region order' })
  .min(1, { error: 'at least one memory region' })
  .superRefine((regions, ctx) => {
    const seen = new Map<string, number>();
    regions.forEach((r, i) => {
      const first = seen.get(r.name);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `a name not used before (memory[${first}] is already "${r.name}")` });
      else seen.set(r.name, i);
      for (let j = 0; j < i; j++) {
        const o = regions[j];
        if (o && r.da < o.da + o.size && o.da < r.da + r.size) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'da'],
            message: `a device-address range that does not overlap "${o.name}" (${hex(o.da)}..${hex(o.da + o.size - 1)})`,
          });
        }
      }
    });
  });

const coprocessorSchema = mapping({
  name: oneOf(['m4', 'm33']),
  core: oneOf(['cortex-m4', 'cortex-m33']),
  firmwarePort: oneOf(['stm32mp15', 'stm32mp25', 'qemu-m4', 'qemu-m33']),
  memory: memorySchema,
});

const firmwareSchema = mapping({
  format: oneOf(['elf', 'tee-signed']),
  /** Shell command run on the host to sign an ELF; `{in}` and `{out}` are replaced by the file paths. */
  signCommand: text('a shell command with {in} and {out} placeholders').optional(),
  defaultName: firmwareFileName,
  autoBoot: firmwareFileName.nullable().default(null),
}).superRefine((f, ctx) => {
  if (f.format === 'tee-signed' && f.signCommand === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['signCommand'],
      message: 'a signing command because format is tee-signed (e.g. "sign_rproc_fw.py --in {in} --out {out} --key keys/default.pem --plat-tlv BOOTADDR 0x80100000")',
    });
  }
});

const capabilitiesSchema = mapping({ trace: flag, watchdogCrash: flag, coredump: flag, detach: flag, recovery: flag });

/** [major, minor] of a `uname -r` string, or undefined. */
export function kernelVersionOf(release: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)/.exec(release);
  return m?.[1] !== undefined && m[2] !== undefined ? [Number(m[1]), Number(m[2])] : undefined;
}

function atLeast(v: [number, number], major: number, minor: number): boolean {
  return v[0] > major || (v[0] === major && v[1] >= minor);
}

const kernelSchema = mapping({
  release: text('a kernel release as `uname -r` prints it, e.g. "6.6.48-stm32mp-r1"'),
  /** remoteproc.md §1.3: `refcount` (>= 5.19, start while running succeeds) or `ebusy` (< 5.19). */
  stateRules: oneOf(['refcount', 'ebusy']).optional(),
  /** firmware types.ts BoardRules.vringCheck: `boot` before 6.1, `probe` from 6.1. */
  vringCheck: oneOf(['boot', 'probe']).optional(),
  ttyNames: z.array(text(), { error: 'a list of rpmsg channel names' }).min(1, { error: 'at least one channel name' }).default(['rpmsg-tty']),
  /** remoteproc.md §1.5: mainline default is enabled. */
  recoveryDefault: oneOf(['enabled', 'disabled']).default('enabled'),
  /** remoteproc.md §1.6: default disabled. */
  coredumpDefault: oneOf(['disabled', 'enabled', 'inline']).default('disabled'),
})
  .superRefine((k, ctx) => {
    if (kernelVersionOf(k.release) === undefined && (k.stateRules === undefined || k.vringCheck === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['release'], message: 'a release starting with MAJOR.MINOR (e.g. "6.6.48-stm32mp-r1"), or set stateRules and vringCheck explicitly' });
    }
  })
  .transform((k) => {
    const v = kernelVersionOf(k.release) ?? [0, 0];
    return {
      ...k,
      stateRules: k.stateRules ?? (atLeast(v, 5, 19) ? 'refcount' : 'ebusy'),
      vringCheck: k.vringCheck ?? (atLeast(v, 6, 1) ? 'probe' : 'boot'),
    };
  });

const DEFAULT_TIMEOUTS = {
  connect: 10_000, exec: 10_000, upload: 30_000, start: 10_000, stop: 5_000,
  tty: 5_000, crash: 10_000, recovery: 15_000, coredump: 10_000, console: 10_000,
  // how long a board whose connection dropped is waited for before it counts as lost (a reboot takes this long)
  reboot: 60_000,
} as const;
export type Phase = keyof typeof DEFAULT_TIMEOUTS;

const timeoutsSchema = mapping(
  Object.fromEntries(Object.entries(DEFAULT_TIMEOUTS).map(([k, v]) => [k, positiveMs.default(v)])) as Record<Phase, ReturnType<typeof positiveMs.default>>,
).prefault({});

const windowSchema = mapping({ da: address32, size: size32 }).superRefine((w, ctx) => {
  if (w.da + w.size > U32_LIMIT) ctx.addIssue({ code: 'custom', path: ['size'], message: `a size that keeps the window below 4 GiB (da ${hex(w.da)} + size must be <= 0x100000000)` });
});

const virtualSchema = mapping({
  coprocessor: oneOf(['model', 'twin']),
  ttyDelayMs: intField('a non-negative integer (milliseconds)').default(50),
  firmwareQuotaBytes: size32.default(64 * 1024 * 1024),
  hostname: matching(/^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/, 'a host name (letters, digits, -)').optional(),
  machine: oneOf(['mps2-an386', 'mps2-an505']).optional(),
  window: windowSchema.optional(),
  coredumpTimeoutMs: positiveMs.default(300_000),
  /** How long the kernel waits for the firmware's shutdown ack (remoteproc.md §7.1: 500 ms). */
  stopAckMs: positiveMs.default(500),
  /** Period of the behavioural model's watchdog (WWDG1 stand-in) after a `crash` command. */
  watchdogMs: positiveMs.optional(),
  /** N of remoteprocN: real boards number instances in probe order (remoteproc.md §1.1), so suites must not assume 0. */
  rprocIndex: intField('a non-negative integer (the N of remoteprocN)').default(0),
  /** `detached`: the boot loader started firmware.autoBoot (or defaultName) before Linux (remoteproc.md §7.2). */
  bootState: oneOf(['offline', 'detached']).optional(),
}).superRefine((v, ctx) => {
  if (v.coprocessor === 'twin') {
    if (v.machine === undefined) ctx.addIssue({ code: 'custom', path: ['machine'], message: "the QEMU machine of a twin board: 'mps2-an386' (M4) or 'mps2-an505' (M33)" });
    if (v.window === undefined) ctx.addIssue({ code: 'custom', path: ['window'], message: 'the twin shared RAM window { da, size }' });
  } else {
    for (const key of ['machine', 'window'] as const) {
      if (v[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'no value: only twin boards (virtual.coprocessor: twin) have one' });
    }
  }
});

const CORE_OF_SOC: Record<Soc, { core: string; name: string; port: string; qemuPort: string; machine: string }> = {
  stm32mp15: { core: 'cortex-m4', name: 'm4', port: 'stm32mp15', qemuPort: 'qemu-m4', machine: 'mps2-an386' },
  stm32mp25: { core: 'cortex-m33', name: 'm33', port: 'stm32mp25', qemuPort: 'qemu-m33', machine: 'mps2-an505' },
};

export const profileSchema = mapping({
  name: matching(/^[a-z0-9][a-z0-9._-]*$/, 'a profile name (lower-case letters, digits, . _ -)'),
  description: z.string({ error: 'a string' }).default(''),
  extends: matching(/^[a-z0-9][a-z0-9._-]*$/, 'the name of another profile in boards/').optional(),
  soc: oneOf(SOCS),
  compatible: z
    .array(matching(/^[A-Za-z0-9,._+-]+$/, 'a compatible string like "st,stm32mp157"'), { error: 'a list of compatible strings, most specific first' })
    .min(1, { error: 'at least one compatible string' }),
  model: text('the board model string, e.g. "STMicroelectronics STM32MP157F-DK2 Discovery Board"'),
  coprocessor: coprocessorSchema,
  firmware: firmwareSchema,
  capabilities: capabilitiesSchema,
  kernel: kernelSchema,
  console: mapping({ baud: intField('a positive integer (baud rate)', (n) => n > 0).default(115200) }).prefault({}),
  timeouts: timeoutsSchema,
  virtual: virtualSchema.optional(),
})
  .superRefine((p, ctx) => {
    const want = CORE_OF_SOC[p.soc];
    const cp = p.coprocessor;
    if (cp.core !== want.core) ctx.addIssue({ code: 'custom', path: ['coprocessor', 'core'], message: `'${want.core}' (the coprocessor of ${p.soc})` });
    if (cp.name !== want.name) ctx.addIssue({ code: 'custom', path: ['coprocessor', 'name'], message: `'${want.name}' (the rproc name of ${p.soc})` });
    const twin = p.virtual?.coprocessor === 'twin';
    const port = twin ? want.qemuPort : want.port;
    if (cp.firmwarePort !== port) {
      ctx.addIssue({ code: 'custom', path: ['coprocessor', 'firmwarePort'], message: `'${port}' (the firmware port a ${twin ? 'twin' : 'real or model'} ${p.soc} board runs)` });
    }
    if (twin && p.virtual?.machine !== undefined && p.virtual.machine !== want.machine) {
      ctx.addIssue({ code: 'custom', path: ['virtual', 'machine'], message: `'${want.machine}' (the QEMU machine with a ${want.core})` });
    }
  })
  .transform((p) => {
    const virtual = p.virtual && { ...p.virtual, hostname: p.virtual.hostname ?? (p.soc === 'stm32mp15' ? 'stm32mp1' : 'stm32mp2') };
    return { ...p, virtual };
  });

/** A validated board profile with every default applied. */
export type BoardProfile = z.output<typeof profileSchema>;
export type MemoryRegion = BoardProfile['coprocessor']['memory'][number];
export type VirtualSection = NonNullable<BoardProfile['virtual']>;
export type Capabilities = BoardProfile['capabilities'];
export type Capability = keyof Capabilities;
export const DEFAULT_PHASE_TIMEOUTS_MS: Readonly<Record<Phase, number>> = DEFAULT_TIMEOUTS;
