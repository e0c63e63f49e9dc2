// The firmware's trace buffer writer: ST's log_buff algorithm (firmware.md §2.1) and line format (§2.2).
import type { SparseMemory } from './memory';

export type LogLevel = 'DBG' | 'INFO' | 'WARN' | 'ERR';

const TAGS: Record<LogLevel, string> = { DBG: '[DBG  ]', INFO: '[INFO ]', WARN: '[WARN ]', ERR: '[ERR  ]' };

/** `[sssss.mmm][INFO ] text\n` from HAL_GetTick() milliseconds */
export function formatLogLine(tickMs: number, level: LogLevel, text: string): string {
  const ms = Math.max(0, Math.floor(tickMs));
  const sec = String(Math.floor(ms / 1000)).padStart(5, '0');
  const frac = String(ms % 1000).padStart(3, '0');
  return `[${sec}.${frac}]${TAGS[level]} ${text}\n`;
}

export class TraceLog {
  private offset = 0;

  constructor(private readonly memory: SparseMemory, readonly da: number, readonly size: number) {}

  /** .bss is zeroed at every firmware start */
  reset(): void {
    this.offset = 0;
    this.memory.zero(this.da, this.size);
  }

  /** log_buff(ch) per character: wrap before writing when offset+1 >= size; NUL after the newest char */
  write(text: string): void {
    if (this.size < 2) return;
    const bytes = Buffer.from(text, 'latin1');
    for (const ch of bytes) {
      if (this.offset + 1 >= this.size) this.offset = 0;
      this.memory.write(this.da + this.offset, Uint8Array.of(ch, 0));
      this.offset += 1;
    }
  }
}
