// Renders a FirmwareReport as text the way readelf would if it knew resource tables (pure: report in, string out).
import type { Finding, FirmwareReport, ResourceTable, RscEntry, Verdict, Vring } from './types';
import { FW_RSC_ADDR_ANY, VIRTIO_ID_RPMSG, VIRTIO_RPMSG_F_NS } from './types';

const MACHINES: Record<number, string> = { 3: 'Intel 80386', 40: 'ARM', 62: 'x86-64', 183: 'AArch64', 243: 'RISC-V' };
const ERRNOS: Record<number, string> = { 12: 'ENOMEM', 22: 'EINVAL', 2: 'ENOENT', 16: 'EBUSY', 19: 'ENODEV' };
/** vendor/unknown bodies can be long; show this many bytes and say how many were left out */
const MAX_DATA_BYTES = 32;

const hex = (n: number): string => `0x${n.toString(16)}`;
const field = (name: string, value: string): string => `    ${name.padEnd(12)}${value}`;

export function formatReport(report: FirmwareReport): string {
  const out: string[] = [];
  const { elf } = report;
  out.push(`File:     ${report.file}`);
  out.push(`SHA-256:  ${report.sha256}`);
  out.push(`ELF:      ELF${elf.class}, machine ${elf.machine} (${MACHINES[elf.machine] ?? 'unknown'}), entry ${hex(elf.entry)}`);
  out.push('');
  if (report.table) out.push(...formatTable(report.table));
  else out.push('No usable resource table (.resource_table).');
  out.push('');
  out.push(...formatFindings(report.findings));
  out.push('');
  out.push(`verdict: ${verdictText(report.verdict, report)}`);
  return `${out.join('\n')}\n`;
}

function formatTable(t: ResourceTable): string[] {
  const lines = [
    `Resource table at ${hex(t.address)}, size ${hex(t.size)} (${t.size} bytes):`,
    `  ver ${t.version}  num ${t.num}  reserved [${t.reserved.join(', ')}]`,
    `  offsets [${t.offsets.map(hex).join(', ')}]`,
  ];
  for (const e of t.entries) lines.push('', ...formatEntry(e));
  return lines;
}

function formatEntry(e: RscEntry): string[] {
  const head = `  Entry ${e.index} at offset ${hex(e.offset)}: ${e.type} (type ${e.typeId})`;
  switch (e.type) {
    case 'carveout':
    case 'devmem':
      return [
        head,
        field('da', addr(e.da)),
        field('pa', addr(e.pa)),
        field('len', `${hex(e.len)} (${e.len})`),
        field('flags', hex(e.flags)),
        field('reserved', String(e.reserved)),
        field('name', quote(e.name)),
      ];
    case 'trace':
      return [
        head,
        field('da', `${addr(e.da)}${e.symbol ? ` <${e.symbol}>` : ' (no symbol at this address)'}`),
        field('len', `${hex(e.len)} (${e.len})`),
        field('reserved', String(e.reserved)),
        field('name', quote(e.name)),
      ];
    case 'vdev':
      return [
        head,
        field('id', `${e.id}${e.id === VIRTIO_ID_RPMSG ? ' (rpmsg)' : ''}`),
        field('notifyId', String(e.notifyId)),
        field('dfeatures', `${hex(e.dfeatures)}${e.dfeatures & VIRTIO_RPMSG_F_NS ? ' (VIRTIO_RPMSG_F_NS)' : ''}`),
        field('gfeatures', hex(e.gfeatures)),
        field('configLen', String(e.configLen)),
        field('status', hex(e.status)),
        field('numOfVrings', String(e.numOfVrings)),
        field('reserved', `[${e.reserved.join(', ')}]`),
        ...e.vrings.map((v, i) => field(`vring${i}`, vringText(v))),
        ...(e.configLen > 0 ? [field('config', dataText(e.config))] : []),
      ];
    case 'vendor':
    case 'unknown':
      return [head, field('data', dataText(e.data))];
  }
}

function vringText(v: Vring): string {
  return `da ${addr(v.da)}  align ${v.align}  num ${v.num}  notifyId ${v.notifyId}  pa ${addr(v.pa)}`;
}

function addr(n: number): string {
  return n === FW_RSC_ADDR_ANY ? `${hex(n)} (FW_RSC_ADDR_ANY)` : hex(n);
}

function quote(s: string): string {
  return JSON.stringify(s);
}

function dataText(h: string): string {
  if (h.length === 0) return '(none)';
  const bytes = h.length / 2;
  if (bytes <= MAX_DATA_BYTES) return h;
  return `${h.slice(0, MAX_DATA_BYTES * 2)}... (${bytes} bytes, ${bytes - MAX_DATA_BYTES} not shown)`;
}

function formatFindings(findings: Finding[]): string[] {
  if (findings.length === 0) return ['Findings: none'];
  const width = Math.max(...findings.map((f) => f.severity.length));
  return [
    `Findings (${findings.length}):`,
    ...findings.map(
      (f) => `  ${f.severity.padEnd(width)}  ${f.code}: ${f.message}${f.entry === null ? '' : ` (entry ${f.entry})`}`,
    ),
  ];
}

/** DESIGN §4.1 lint rule: boots with its own table and no finding above `warning`. */
export function lintPasses(report: FirmwareReport): boolean {
  const blocking = report.findings.some((f) => f.severity === 'fatal' || f.severity === 'no-table');
  return !blocking && report.verdict.boots && report.table !== null;
}

/** `rsc lint` text: which file against which rules, the findings, the verdict and pass/fail. */
export function formatLint(report: FirmwareReport, board: string | null): string {
  const lines = [
    `${report.file}: ${board === null ? 'generic STM32 rules (no --board)' : `board ${board}`}`,
    ...formatFindings(report.findings),
    `verdict: ${verdictText(report.verdict, report)}`,
    lintPasses(report) ? 'lint: pass' : `lint: FAIL (${failReason(report)})`,
  ];
  return `${lines.join('\n')}\n`;
}

function failReason(report: FirmwareReport): string {
  const worst = report.findings.find((f) => f.severity === 'fatal') ?? report.findings.find((f) => f.severity === 'no-table');
  if (worst) return `${worst.severity} finding ${worst.code}`;
  if (report.table === null) return 'no resource table';
  return 'does not boot';
}

/** One line a person can act on: `boots with rpmsg; traces: trace0`, `fails to boot: -22 (EINVAL)`, ... */
export function verdictText(v: Verdict, report?: Pick<FirmwareReport, 'table' | 'findings'>): string {
  if (!v.boots) {
    const errno = v.errno === null ? 'error' : `-${v.errno}${ERRNOS[v.errno] ? ` (${ERRNOS[v.errno]})` : ''}`;
    return `fails to boot: ${errno}`;
  }
  const traces = `traces: ${v.traces.length ? v.traces.join(', ') : 'none'}`;
  if (v.rpmsg) return `boots with rpmsg; ${traces}`;
  const tableless = report !== undefined && (report.table === null || report.findings.some((f) => f.severity === 'no-table'));
  if (tableless) return 'boots without a resource table (no rpmsg, no traces)';
  return `boots without rpmsg; ${traces}`;
}
