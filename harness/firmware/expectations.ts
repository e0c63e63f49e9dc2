// Derives what a board will show with a custom ELF (--firmware DIR) from its analysis: the manifest's `expect` for unknown firmware.
import type { ManifestExpect } from './manifest';
import { VIRTIO_RPMSG_F_NS, type FirmwareReport, type Severity, type TraceEntry, type VdevEntry } from './types';

function worst(report: FirmwareReport): ManifestExpect['verdict'] {
  const sev = new Set<Severity>(report.findings.map((f) => f.severity));
  if (sev.has('fatal')) return 'fatal';
  if (sev.has('no-table')) return 'no-table';
  return 'ok';
}

/**
 * What can be known without running the firmware: the verdict, errno, traces and vring size come from the table and
 * the kernel rules; channels, ttys and control are null (found by asking, DESIGN §6) whenever rpmsg comes up and the
 * firmware may announce channels. Without rpmsg there is no channel (remoteproc.md §6.1); a vdev without
 * VIRTIO_RPMSG_F_NS gets no name-service announcement, so no channel either (remoteproc.md §6.2).
 */
export function expectFromReport(report: FirmwareReport): ManifestExpect {
  const v = report.verdict;
  const usedTable = v.boots && worst(report) !== 'no-table' ? report.table : null;
  const entries = usedTable?.entries ?? [];
  const traceEntries = entries.filter((e): e is TraceEntry => e.type === 'trace');
  const vdev = (report.table?.entries ?? []).find((e): e is VdevEntry => e.type === 'vdev');
  const announces = vdev !== undefined && (vdev.dfeatures & VIRTIO_RPMSG_F_NS) !== 0;
  const silent = !v.rpmsg || !announces;
  return {
    verdict: worst(report),
    errno: v.errno,
    boots: v.boots,
    rpmsg: v.rpmsg,
    channels: silent ? 0 : null,
    ttys: silent ? 0 : null,
    control: silent ? false : null,
    traces: [...v.traces],
    traceNames: traceEntries.slice(0, v.traces.length).map((t) => t.name),
    logSize: v.traces.length > 0 ? (traceEntries[0]?.len ?? 0) : 0,
    vringNum: vdev?.vrings[0]?.num ?? 0,
  };
}
