// The dmesg lines a start must print, with counts and order (remoteproc.md §1.3, §3.3, §6.1, §6.2), and the checker.
import type { Finding } from '../../harness/firmware';

export interface BootLogPlan {
  /** `remoteproc remoteprocN` */
  device: string;
  /** rproc name as the kernel prints it (m4 / m33) */
  rprocName: string;
  firmwareName: string;
  /** bytes of the file the kernel loads; undefined when the board loads a different (signed) image */
  size: number | undefined;
  findings: readonly Finding[];
  boots: boolean;
  rpmsg: boolean;
  /** name-service announcements; null = not predicted (custom firmware) */
  channels: number | null;
  /** positive errno of a failing start */
  errno: number | null;
}

interface LineRule {
  what: string;
  cite: string;
  match: (text: string) => boolean;
  /** exact number of times the line must appear */
  count: number;
  /** asynchronous lines (channel announcements) have no fixed place among the boot lines */
  unordered?: boolean;
}

const PRINTED_PHASES: ReadonlySet<Finding['phase']> = new Set(['sanity', 'table', 'resources', 'segments', 'vdev']);

/**
 * Kernel messages of the firmware's findings, with how often each is printed: the find_table messages twice per
 * boot that gets as far as locating the loaded table (parse + rproc_find_loaded_rsc_table), the STM32 driver's
 * `no resource table found for this firmware` once (remoteproc.md §3.3 "What no table means").
 */
export function findingLines(findings: readonly Finding[], boots: boolean): Array<{ message: string; count: number }> {
  const counts = new Map<string, number>();
  for (const f of findings) {
    if (!f.kernelPrints || !PRINTED_PHASES.has(f.phase)) continue;
    const twice = f.phase === 'table' && f.code !== 'no-resource-table' && boots;
    counts.set(f.message, (counts.get(f.message) ?? 0) + (twice ? 2 : 1));
  }
  return [...counts].map(([message, count]) => ({ message, count }));
}

const endsWithMessage = (message: string) => (text: string) => text === message || text.endsWith(`: ${message}`);
const CHANNEL = /^virtio_rpmsg_bus virtio\d+: creating channel \S+ addr 0x[0-9a-f]+$/;

function rules(p: BootLogPlan): { counted: LineRule[]; order: LineRule[] } {
  const on = (line: string) => (text: string) => text === `${p.device}: ${line}`;
  const powering: LineRule = { what: `${p.device}: powering up ${p.rprocName}`, cite: 'remoteproc.md §1.3', match: on(`powering up ${p.rprocName}`), count: 1 };
  const bootingText = `Booting fw image ${p.firmwareName}, size ${p.size ?? '<n>'}`;
  const booting: LineRule = {
    what: `${p.device}: ${bootingText}`,
    cite: 'remoteproc.md §1.3',
    match: p.size === undefined ? (t) => t.startsWith(`${p.device}: Booting fw image `) : on(bootingText),
    count: 1,
  };
  const sanityFails = p.findings.some((f) => f.phase === 'sanity' && f.severity === 'fatal');
  const found: LineRule[] = findingLines(p.findings, p.boots).map(({ message, count }) => ({
    what: message, cite: 'remoteproc.md §3.3 (the kernel\'s own text for this firmware\'s finding)', match: endsWithMessage(message), count,
  }));
  const online: LineRule = { what: 'virtio_rpmsg_bus virtioN: rpmsg host is online', cite: 'remoteproc.md §6.1', match: (t) => /^virtio_rpmsg_bus virtio\d+: rpmsg host is online$/.test(t), count: p.boots && p.rpmsg ? 1 : 0 };
  const up: LineRule = { what: `${p.device}: remote processor ${p.rprocName} is now up`, cite: 'remoteproc.md §1.3', match: on(`remote processor ${p.rprocName} is now up`), count: p.boots ? 1 : 0 };
  const counted = [powering, ...(sanityFails ? [] : [booting]), ...found, online, up];
  if (p.boots && p.channels !== null) {
    counted.push({ what: 'virtio_rpmsg_bus virtioN: creating channel <name> addr 0x<addr>', cite: 'remoteproc.md §6.2', match: (t) => CHANNEL.test(t), count: p.channels, unordered: true });
  }
  if (!p.boots && p.errno !== null) {
    counted.push({ what: `${p.device}: Boot failed: -${p.errno}`, cite: 'remoteproc.md §1.3, §3.3', match: on(`Boot failed: -${p.errno}`), count: 1 });
  }
  // the order of rproc_boot: power up, load, parse (findings), start subdevices (rpmsg), "is now up"
  const order = counted.filter((r) => r.count > 0 && !r.unordered);
  return { counted, order };
}

/** Every way the boot's dmesg differs from the plan, phrased for a firmware engineer (empty = as predicted). */
export function checkBootLog(texts: readonly string[], plan: BootLogPlan): string[] {
  const problems: string[] = [];
  const { counted, order } = rules(plan);
  for (const r of counted) {
    const seen = texts.filter(r.match).length;
    if (seen !== r.count) problems.push(`expected ${r.count === 0 ? 'no line' : `${r.count} line(s)`} "${r.what}" (${r.cite}); dmesg has ${seen}`);
  }
  let last = -1;
  let lastWhat = '';
  for (const r of order) {
    const at = texts.findIndex(r.match);
    if (at < 0) continue;
    if (at < last) problems.push(`expected "${r.what}" after "${lastWhat}" (${r.cite}: boot order); dmesg prints it before`);
    else {
      last = at;
      lastWhat = r.what;
    }
  }
  return problems;
}

/** Throws one error listing every problem and the dmesg the board printed, or returns when there is none. */
export function assertNoProblems(problems: readonly string[], headline: string, evidence: readonly string[], evidenceName = 'dmesg since the start'): void {
  if (problems.length === 0) return;
  const shown = evidence.length === 0 ? '  (nothing)' : evidence.slice(-40).map((l) => `  ${l}`).join('\n');
  throw new Error(`${headline}\n${problems.map((p) => `- ${p}`).join('\n')}\n${evidenceName}:\n${shown}`);
}
