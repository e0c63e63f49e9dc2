// The kernel log ring: records with boot-relative timestamps, rendered the way `dmesg` prints them.

const LOG_LINE_MAX = 1024 - 32;

/** One printk record; `text` may hold embedded newlines (printed as continuation lines, like the kernel). */
interface DmesgRecord {
  usec: number;
  text: string;
}

/** `[%5lu.%06lu] ` as printk formats the timestamp (seconds since boot, 6 decimals). */
export function formatTimestamp(usec: number): string {
  const whole = Math.floor(usec / 1_000_000);
  const frac = Math.floor(usec % 1_000_000);
  return `[${String(whole).padStart(5, ' ')}.${String(frac).padStart(6, '0')}] `;
}

export class DmesgRing {
  private records: DmesgRecord[] = [];
  private bytes = 0;
  private readonly listeners = new Set<(line: string) => void>();

  /** @param now milliseconds since boot; @param capacity log buffer size in bytes (CONFIG_LOG_BUF_SHIFT 17 = 128 KiB) */
  constructor(private readonly now: () => number, private readonly capacity = 128 * 1024) {}

  /** printk one record (at `atMs` since boot, default now); returns the rendered line(s) */
  log(text: string, atMs?: number): string[] {
    // printk keeps at most LOG_LINE_MAX (1024 minus the prefix room) characters of one message
    const record = { usec: Math.max(0, Math.round((atMs ?? this.now()) * 1000)), text: text.slice(0, LOG_LINE_MAX) };
    this.records.push(record);
    this.bytes += text.length + 16;
    while (this.bytes > this.capacity && this.records.length > 1) {
      const dropped = this.records.shift();
      this.bytes -= (dropped?.text.length ?? 0) + 16;
    }
    const lines = render(record);
    for (const line of lines) for (const cb of this.listeners) cb(line);
    return lines;
  }

  lines(): string[] {
    return this.records.flatMap(render);
  }

  text(): string {
    const lines = this.lines();
    return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  }

  clear(): void {
    this.records = [];
    this.bytes = 0;
  }

  onLine(cb: (line: string) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }
}

/** record_print_text: every line of a record gets the timestamp prefix; a trailing newline yields an empty line */
function render(record: DmesgRecord): string[] {
  const prefix = formatTimestamp(record.usec);
  return record.text.split('\n').map((line) => `${prefix}${line}`);
}
