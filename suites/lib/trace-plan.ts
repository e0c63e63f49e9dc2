// Which variants and tests the trace suite runs, and the boot line it expects at the start of trace0.
import { requireCapability } from '../../harness/jest';
import type { VariantPlan } from '../../harness/jest/types';
import type { BoardProfile } from '../../harness/config';
import { escapeRegExp, traceEntries } from './rpmsg-session';

/**
 * Boot output of the test firmware: boot line, vdev line, ring line and two announcements, about 330 characters. A buffer
 * this small may have wrapped before the first read (firmware.md §2.1), so the boot line is checked only from this size.
 */
export const BOOT_LINE_MIN_LOG = 1024;

/** every variant that boots, on a board with the trace capability */
export function traceApplies(v: VariantPlan, soc: string): true | string {
  const cap = requireCapability('trace');
  if (cap !== true) return cap;
  if (!v.expect.boots) return `variant ${v.name} does not boot on ${soc} (start fails with errno ${v.expect.errno ?? '?'}): no trace files to read`;
  return true;
}

/** why a test that reads trace0 has nothing to read, else undefined */
export function noTrace0(v: VariantPlan): string | undefined {
  if (traceEntries(v).length === 0 || v.expect.traces.length === 0) {
    return `variant ${v.name} has no trace entry the kernel uses (resource table: ${traceEntries(v).length} trace entries; firmware/variants.yaml expect.traces: [${v.expect.traces.join(', ')}]), so there is no trace0 (remoteproc.md §4)`;
  }
  return undefined;
}

/** size of the buffer behind trace0: the table entry's len (firmware.md §1.4: SYSTEM_TRACE_BUF_SZ) */
export function trace0Size(v: VariantPlan): number {
  return traceEntries(v)[0]?.len ?? v.expect.logSize;
}

/** builtin: `[sssss.mmm][INFO ] rproc-hil test firmware variant=<name> build=<id> port=<port> soc=<soc>` (DESIGN §6); custom: any ST line */
export function bootLinePattern(v: VariantPlan, profile: BoardProfile, builtin: boolean): { re: RegExp; text: string } {
  if (!builtin) {
    return { re: /^\[\d{5}\.\d{3}\]\[(DBG {2}|INFO |WARN |ERR {2})\] \S/, text: 'a first line in ST format "[sssss.mmm][LEVEL] text" (firmware.md §2.2)' };
  }
  const port = profile.coprocessor.firmwarePort;
  return {
    re: new RegExp(`^\\[\\d{5}\\.\\d{3}\\]\\[INFO \\] rproc-hil test firmware variant=${escapeRegExp(v.name)} build=\\S+ port=${escapeRegExp(port)} soc=${escapeRegExp(profile.soc)}\\n`),
    text: `first line "[sssss.mmm][INFO ] rproc-hil test firmware variant=${v.name} build=<id> port=${port} soc=${profile.soc}" (DESIGN §6 boot line, ST format firmware.md §2.2)`,
  };
}
