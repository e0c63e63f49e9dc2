// Which variants the rpmsg suite runs on, and the burst shape a variant's vrings allow.
import type { VariantPlan } from '../../harness/jest/types';

/** true, or why the variant has nothing for the rpmsg suite (the skip reason every test of it carries) */
export function rpmsgApplies(v: VariantPlan, soc: string): true | string {
  if (!v.expect.boots) {
    return `variant ${v.name} does not boot on ${soc} (start fails with errno ${v.expect.errno ?? '?'}, firmware/variants.yaml expect): no rpmsg to exchange`;
  }
  if (!v.expect.rpmsg) {
    return `variant ${v.name} brings up no rpmsg bus on ${soc} (firmware/variants.yaml expect.rpmsg: false; remoteproc.md §3.3, §6.1): no tty to test`;
  }
  if (v.expect.ttys === 0) {
    return `variant ${v.name} gets no /dev/ttyRPMSG* (firmware/variants.yaml expect.ttys: 0, ${v.expect.channels ?? 'unknown'} channel(s) announced; remoteproc.md §6.2, §6.3): no tty to test`;
  }
  return true;
}

/** entries per vring of the variant's vdev (the manifest's, else the decoded table's) */
export function vringNum(v: VariantPlan): number {
  if (v.expect.vringNum > 0) return v.expect.vringNum;
  const vdev = v.report.table?.entries.find((e) => e.type === 'vdev');
  return vdev?.type === 'vdev' ? (vdev.vrings[0]?.num ?? 0) : 0;
}

/**
 * Messages in flight during the burst: half the host's TX buffers (one per vring entry, remoteproc.md §6.1), at most 8.
 * rpmsg_tty uses try-send, so more in flight than free buffers would be ENOMEM on a healthy board (§6.3).
 */
export function burstWindow(v: VariantPlan): number {
  return Math.max(1, Math.min(8, Math.floor(vringNum(v) / 2)));
}

export const BURST_COUNT = 1000;
export const BURST_SIZE = 64;
