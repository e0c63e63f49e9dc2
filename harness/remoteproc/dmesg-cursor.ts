// dmesg cursor: "the kernel log since I began", robust to ring wrap and `dmesg -c` (timestamps decide, not line counts).
import type { CommandRunner } from './capabilities';

export interface DmesgLine {
  /** seconds since boot from `[    5.123456]`; a line without a stamp inherits the previous one */
  time: number | undefined;
  text: string;
  raw: string;
}

export interface DmesgMark {
  time: number | undefined;
  /** how many lines carried `time` when the mark was taken (lines logged later in the same microsecond follow them) */
  sameTime: number;
  /** last raw line, used when the kernel prints no timestamps */
  lastRaw: string | undefined;
}

const STAMP = /^\[\s*(\d+)\.(\d+)\]\s?(.*)$/;

export function parseDmesg(text: string): DmesgLine[] {
  const out: DmesgLine[] = [];
  let time: number | undefined;
  for (const raw of text.split('\n')) {
    if (raw === '') continue;
    const m = STAMP.exec(raw);
    if (m) {
      time = Number(`${m[1]}.${m[2]}`);
      out.push({ time, text: m[3] ?? '', raw });
    } else out.push({ time, text: raw, raw });
  }
  return out;
}

export function markOf(lines: DmesgLine[]): DmesgMark {
  const last = lines[lines.length - 1];
  const time = last?.time;
  return { time, sameTime: time === undefined ? 0 : lines.filter((l) => l.time === time).length, lastRaw: last?.raw };
}

/** Lines logged after `mark`. Lines older than the mark may have left the ring or been cleared: only later ones count. */
export function linesSince(lines: DmesgLine[], mark: DmesgMark): DmesgLine[] {
  if (mark.time === undefined) {
    if (mark.lastRaw === undefined) return lines;
    const at = lines.map((l) => l.raw).lastIndexOf(mark.lastRaw);
    return at < 0 ? lines : lines.slice(at + 1);
  }
  const t = mark.time;
  let seenSame = 0;
  return lines.filter((l) => {
    if (l.time === undefined) return false;
    if (l.time > t) return true;
    if (l.time === t) return ++seenSame > mark.sameTime;
    return false;
  });
}

export class DmesgCursor {
  constructor(
    private readonly runner: CommandRunner,
    private readonly timeoutMs: number,
  ) {}

  async read(): Promise<DmesgLine[]> {
    const r = await this.runner.exec('dmesg', { phase: 'dmesg', timeoutMs: this.timeoutMs });
    return parseDmesg(r.stdout);
  }

  async mark(): Promise<DmesgMark> {
    return markOf(await this.read());
  }

  async since(mark: DmesgMark): Promise<DmesgLine[]> {
    return linesSince(await this.read(), mark);
  }

  /** the last `n` lines, for timeout messages; never throws (the link may be what failed) */
  async tail(n: number): Promise<string[]> {
    try {
      return (await this.read()).slice(-n).map((l) => l.raw);
    } catch {
      return [];
    }
  }
}
