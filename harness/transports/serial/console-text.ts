// Everything the console printed, addressed by absolute character offsets so cursors stay valid; memory is bounded.
export interface ConsoleCursor {
  /** absolute offset into the console text since the capture opened */
  readonly offset: number;
}

export class ConsoleText {
  private text = '';
  /** absolute offset of text[0]; grows when old text is dropped */
  private base = 0;

  constructor(private readonly maxChars = 16 * 1024 * 1024) {}

  get end(): number {
    return this.base + this.text.length;
  }

  append(s: string): void {
    this.text += s;
    if (this.text.length > this.maxChars) {
      const drop = this.text.length - Math.floor(this.maxChars / 2);
      this.text = this.text.slice(drop);
      this.base += drop;
    }
  }

  /** Text from an absolute offset to now (from the oldest kept text if that offset was dropped). */
  from(offset: number): { text: string; start: number } {
    const start = Math.max(offset, this.base);
    return { text: this.text.slice(start - this.base), start };
  }

  lastLine(): string {
    const lines = this.text.slice(-4096).split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
    return lines[lines.length - 1] ?? '';
  }
}
