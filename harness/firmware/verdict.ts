// Draws the verdict of DESIGN §4.1 from the rule hits: boots? rpmsg? which trace files? which errno?
import type { RuleHit } from './rule-result';
import type { ResourceTable, Verdict } from './types';
import { VIRTIO_ID_RPMSG } from './types';

/** Fatal findings in the sanity/table/resources/segments phases stop the boot; vdev/board ones only cost rpmsg. */
export function stopsBoot(h: RuleHit): boolean {
  return h.finding.severity === 'fatal' && h.finding.phase !== 'vdev' && h.finding.phase !== 'board';
}

/**
 * `table` is the table the kernel used (null when there is none or STM32 ignored a malformed one).
 * rpmsg: the core boots and at least one rpmsg vdev (id 7) has no fatal finding of its own, and no fatal
 * vdev/board finding concerns the table as a whole. A vdev without VIRTIO_RPMSG_F_NS still counts (the rpmsg
 * bus comes up; the `vdev-no-ns` warning says no channel will be announced).
 */
export function drawVerdict(hits: readonly RuleHit[], table: ResourceTable | null): Verdict {
  const blocker = hits.find(stopsBoot);
  if (blocker) return { boots: false, rpmsg: false, traces: [], errno: blocker.errno ?? 22 };
  if (!table) return { boots: true, rpmsg: false, traces: [], errno: null };
  const lost = new Set(hits.filter((h) => h.finding.severity === 'fatal').map((h) => h.finding.entry));
  const rpmsg = !lost.has(null) && table.entries.some((e) => e.type === 'vdev' && e.id === VIRTIO_ID_RPMSG && !lost.has(e.index));
  const traces = table.entries.filter((e) => e.type === 'trace').map((_, n) => `trace${n}`);
  return { boots: true, rpmsg, traces, errno: null };
}
