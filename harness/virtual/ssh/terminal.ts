// A terminal's line discipline for the interactive shell: echo, backspace, Ctrl-C/Ctrl-D, type-ahead kept for later reads.
import type { Reader } from '../shell/streams';

const enc = new TextEncoder();

/** Cooked-mode input. Completed lines queue up until the shell or a running command reads them. */
export class LineDiscipline implements Reader {
  private readonly items: Array<Uint8Array | 'eof'> = [];
  private waiter: ((v: Uint8Array | 'eof') => void) | null = null;
  private line = '';
  private esc: 'none' | 'esc' | 'csi' = 'none';
  private lastWasCr = false;
  private hungUp = false;

  constructor(
    private readonly pty: boolean,
    private readonly echo: (text: string) => void,
    /** Ctrl-C: the owner aborts the running command or re-prompts */
    private readonly onInterrupt: () => void,
  ) {}

  private emit(v: Uint8Array | 'eof'): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w(v);
    } else this.items.push(v);
  }

  /** Bytes from the SSH channel. */
  input(data: Uint8Array): void {
    if (!this.pty) {
      this.emit(new Uint8Array(data));
      return;
    }
    for (const ch of Buffer.from(data).toString('utf8')) this.key(ch);
  }

  private key(ch: string): void {
    if (this.esc !== 'none') {
      if (this.esc === 'esc') this.esc = ch === '[' || ch === 'O' ? 'csi' : 'none';
      else if (/[@-~]/.test(ch)) this.esc = 'none';
      return;
    }
    const wasCr = this.lastWasCr;
    this.lastWasCr = ch === '\r';
    switch (ch) {
      case '\x1b':
        this.esc = 'esc';
        return;
      case '\x03':
        this.line = '';
        this.echo('^C\r\n');
        this.onInterrupt();
        return;
      case '\x04':
        if (this.line === '') this.emit('eof');
        else {
          this.emit(enc.encode(this.line));
          this.line = '';
        }
        return;
      case '\x7f':
      case '\b':
        if (this.line.length > 0) {
          this.line = [...this.line].slice(0, -1).join('');
          this.echo('\b \b');
        }
        return;
      case '\x15':
        this.echo('\b \b'.repeat([...this.line].length));
        this.line = '';
        return;
      case '\n':
        if (!wasCr) this.endLine(); // CR LF is one Enter
        return;
      case '\r':
        this.endLine();
        return;
      default:
        if (ch < ' ' && ch !== '\t') return;
        this.line += ch;
        this.echo(ch);
    }
  }

  private endLine(): void {
    this.echo('\r\n');
    this.emit(enc.encode(`${this.line}\n`));
    this.line = '';
  }

  /** The channel closed or sent EOF: readers get end of input from now on. */
  hangUp(): void {
    this.hungUp = true;
    if (!this.pty && this.line) this.emit(enc.encode(this.line));
    this.emit('eof');
  }

  read(): Promise<Uint8Array | null> {
    const next = this.items.shift();
    if (next !== undefined) return Promise.resolve(next === 'eof' ? this.eofOnce() : next);
    if (this.hungUp) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiter = (v) => resolve(v === 'eof' ? this.eofOnce() : v);
    });
  }

  private eofOnce(): null {
    if (this.hungUp && this.items.length === 0) this.items.push('eof');
    return null;
  }

  unread(chunk: Uint8Array): void {
    if (chunk.length > 0) this.items.unshift(chunk);
  }
}
