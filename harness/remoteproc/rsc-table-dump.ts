// Parser of debugfs `resource_table` (the exact kernel format of remoteproc.md §2) into entries with their fields.
import { InfraError } from '../errors';

export interface DumpVring {
  index: number;
  da: number;
  align: number;
  num: number;
  notifyId: number;
  pa: number;
}

export type DumpEntry =
  | { index: number; type: 'carveout' | 'devmem'; da: number; pa: number; len: number; flags: number; reserved: number; name: string }
  | { index: number; type: 'trace'; da: number; len: number; reserved: number; name: string }
  | {
      index: number; type: 'vdev'; id: number; notifyId: number; dfeatures: number; gfeatures: number;
      configLen: number; status: number; numOfVrings: number; reserved: [number, number]; vrings: DumpVring[];
    }
  | { index: number; type: 'unknown'; rawType: number };

/** Line-by-line reader that reports the first line not in the kernel's format. */
class DumpReader {
  private i = 0;
  constructor(private readonly lines: string[]) {}

  get done(): boolean {
    this.skipBlank();
    return this.i >= this.lines.length;
  }

  skipBlank(): void {
    while (this.i < this.lines.length && this.lines[this.i] === '') this.i++;
  }

  peek(): string {
    return this.lines[this.i] ?? '';
  }

  fail(expected: string): never {
    const line = this.lines[this.i];
    throw new InfraError(
      'E_REMOTE',
      `resource_table dump line ${this.i + 1} is ${line === undefined ? 'missing' : JSON.stringify(line)}; expected ${expected} (kernel format, remoteproc.md §2)`,
      { line: this.i + 1, text: line },
    );
  }

  /** Matches the next line against `re`; numbers are parsed from its groups (hex when `hex` says so). */
  take(re: RegExp, expected: string): string[] {
    const m = re.exec(this.peek());
    if (!m || this.i >= this.lines.length) this.fail(expected);
    this.i++;
    return m.slice(1).map((g) => g ?? '');
  }

  hex(label: string, indent = '  '): number {
    const [v] = this.take(new RegExp(`^${indent}${label} 0x([0-9a-f]+)(?: Bytes)?$`), `"${indent}${label} 0x…"`);
    return parseInt(v ?? '', 16);
  }

  dec(label: string, indent = '  '): number {
    const [v] = this.take(new RegExp(`^${indent}${label} (-?\\d+)$`), `"${indent}${label} <number>"`);
    return Number(v);
  }
}

export function parseResourceTableDump(text: string): DumpEntry[] {
  if (text.trim() === 'No resource table found') return [];
  const r = new DumpReader(text.split('\n'));
  const entries: DumpEntry[] = [];
  while (!r.done) {
    if (r.peek().startsWith('Unknown resource type found:')) {
      const [t] = r.take(/^Unknown resource type found: (-?\d+) \[hdr: .*\]$/, '"Unknown resource type found: <type> [hdr: …]"');
      entries.push({ index: entries.length, type: 'unknown', rawType: Number(t) });
      continue;
    }
    const [idx, type] = r.take(/^Entry (\d+) is of type (carveout|devmem|trace|vdev)$/, '"Entry <i> is of type carveout|devmem|trace|vdev"');
    const index = Number(idx);
    if (type === 'carveout' || type === 'devmem') {
      const da = r.hex('Device Address');
      const pa = r.hex('Physical Address');
      const len = r.hex('Length');
      const flags = r.hex('Flags');
      const [reserved] = r.take(/^ {2}Reserved \(should be zero\) \[(-?\d+)\]$/, '"  Reserved (should be zero) [<n>]"');
      const [name] = r.take(/^ {2}Name (.*)$/, '"  Name <name>"');
      entries.push({ index, type, da, pa, len, flags, reserved: Number(reserved), name: name ?? '' });
    } else if (type === 'trace') {
      const da = r.hex('Device Address');
      const len = r.hex('Length');
      const [reserved] = r.take(/^ {2}Reserved \(should be zero\) \[(-?\d+)\]$/, '"  Reserved (should be zero) [<n>]"');
      const [name] = r.take(/^ {2}Name (.*)$/, '"  Name <name>"');
      entries.push({ index, type: 'trace', da, len, reserved: Number(reserved), name: name ?? '' });
    } else {
      const id = r.dec('ID');
      const notifyId = r.dec('Notify ID');
      const dfeatures = r.hex('Device features');
      const gfeatures = r.hex('Guest features');
      const configLen = r.hex('Config length');
      const status = r.hex('Status');
      const numOfVrings = r.dec('Number of vrings');
      const [r0, r1] = r.take(/^ {2}Reserved \(should be zero\) \[(-?\d+)\]\[(-?\d+)\]$/, '"  Reserved (should be zero) [<n>][<n>]"');
      const vrings: DumpVring[] = [];
      for (let j = 0; j < numOfVrings && j < 256; j++) {
        r.skipBlank();
        r.take(new RegExp(`^ {2}Vring ${j}$`), `"  Vring ${j}"`);
        vrings.push({
          index: j,
          da: r.hex('Device Address', '    '),
          align: r.dec('Alignment', '    '),
          num: r.dec('Number of buffers', '    '),
          notifyId: r.dec('Notify ID', '    '),
          pa: r.hex('Physical Address', '    '),
        });
      }
      entries.push({ index, type: 'vdev', id, notifyId, dfeatures, gfeatures, configLen, status, numOfVrings, reserved: [Number(r0), Number(r1)], vrings });
    }
  }
  return entries;
}
