// The serial login: `<hostname> login: `, then a root shell prompt running the board's shell, like agetty + login on ttySTM0.
import type { SerialLink } from './link';

/** What the console needs from the board's shell: run one typed line, streaming its output. */
export interface ConsoleShell {
  run(line: string, output: (text: string) => void, signal: AbortSignal): Promise<number>;
  /** true once the session ran `exit` */
  readonly ended: boolean;
  /** the session's working directory, for the prompt */
  readonly cwd: string;
}

type Phase = 'silent' | 'booting' | 'login' | 'password' | 'shell' | 'running';

const CTRL_C = 0x03;
const CTRL_D = 0x04;
const BACKSPACE = 0x08;
const DEL = 0x7f;

/** A terminal line discipline with echo, as the real console's tty has in the login shell. */
export class Getty {
  private phase: Phase = 'silent';
  private line = '';
  private readonly queued: string[] = [];
  private lastWasCr = false;
  private abort: AbortController | null = null;
  private shell: ConsoleShell | null = null;

  constructor(
    private readonly link: SerialLink,
    private readonly hostname: string,
    private readonly newSession: () => ConsoleShell,
  ) {
    link.onInput((d) => this.input(d));
  }

  /** bash's PS1 on OpenSTLinux, `\u@\h:\w\$ `: the home directory shows as ~ */
  get prompt(): string {
    const cwd = this.shell?.cwd ?? '/root';
    const shown = cwd === '/root' ? '~' : cwd.startsWith('/root/') ? `~${cwd.slice(5)}` : cwd;
    return `root@${this.hostname}:${shown}# `;
  }

  /** Power off: the line goes quiet and typed bytes are lost. */
  silence(): void {
    this.stopCommand();
    this.phase = 'silent';
    this.line = '';
    this.queued.length = 0;
  }

  /** Power on / reboot: kernel lines print, typing is ignored until userspace is up. */
  booting(): void {
    this.stopCommand();
    this.phase = 'booting';
    this.line = '';
    this.queued.length = 0;
  }

  /** Userspace is up: getty prints its banner and the login prompt. */
  loginPrompt(): void {
    this.phase = 'login';
    this.line = '';
    this.out(`\r\n${this.hostname} login: `);
  }

  private stopCommand(): void {
    const abort = this.abort;
    this.abort = null;
    abort?.abort();
  }

  get isSilent(): boolean {
    return this.phase === 'silent';
  }

  /** Text from the board (kernel log), with the serial line's CRLF endings. */
  print(text: string): void {
    if (this.phase !== 'silent') this.out(crlf(text));
  }

  private out(text: string): void {
    this.link.write(text);
  }

  private input(data: Uint8Array): void {
    for (const byte of data) this.inputByte(byte);
  }

  private inputByte(byte: number): void {
    if (this.phase === 'silent' || this.phase === 'booting') return;
    if (this.phase === 'running') {
      if (byte === CTRL_C) {
        this.line = '';
        this.queued.length = 0;
        this.out('^C\r\n');
        this.abort?.abort();
        return;
      }
      // typed ahead while a command runs: the tty buffers it and the shell echoes it after the next prompt
      if (byte === 0x0d) {
        this.queued.push(this.line);
        this.line = '';
      } else if (byte >= 0x20 && byte < 0x7f) {
        this.line += String.fromCharCode(byte);
      }
      return;
    }
    const echo = this.phase !== 'password';
    if (byte === 0x0d || byte === 0x0a) {
      if (byte === 0x0a && this.lastWasCr) {
        this.lastWasCr = false;
        return; // CRLF from a terminal that sends both
      }
      this.lastWasCr = byte === 0x0d;
      const line = this.line;
      this.line = '';
      this.out('\r\n');
      this.enter(line);
      return;
    }
    this.lastWasCr = false;
    if (byte === BACKSPACE || byte === DEL) {
      if (this.line.length > 0) {
        this.line = this.line.slice(0, -1);
        if (echo) this.out('\b \b');
      }
      return;
    }
    if (byte === CTRL_C) {
      this.line = '';
      this.out('^C\r\n');
      this.promptAgain();
      return;
    }
    if (byte === CTRL_D && this.line === '') {
      this.out('\r\n');
      if (this.phase === 'shell') this.logout();
      return;
    }
    if (byte < 0x20 || byte > 0x7e) return;
    this.line += String.fromCharCode(byte);
    if (echo) this.out(String.fromCharCode(byte));
  }

  private promptAgain(): void {
    if (this.phase === 'shell') this.out(this.prompt);
    else this.loginPrompt();
  }

  private logout(): void {
    this.shell = null;
    this.loginPrompt();
  }

  private enter(line: string): void {
    if (this.phase === 'login') {
      const user = line.trim();
      if (user === '') {
        this.out(`${this.hostname} login: `);
      } else if (user === 'root') {
        // OpenSTLinux development images log root in without a password
        this.phase = 'shell';
        this.shell = this.newSession();
        this.out(this.prompt);
      } else {
        this.phase = 'password';
        this.out('Password: ');
      }
      return;
    }
    if (this.phase === 'password') {
      this.out('\r\nLogin incorrect\r\n');
      this.loginPrompt();
      return;
    }
    void this.runLine(line);
  }

  private async runLine(first: string): Promise<void> {
    let line: string | undefined = first;
    while (line !== undefined) {
      const cmd = line.trim();
      if (cmd === 'logout') {
        this.logout();
        return;
      }
      const shell = this.shell;
      if (cmd !== '' && shell) {
        this.phase = 'running';
        const abort = new AbortController();
        this.abort = abort;
        try {
          await shell.run(cmd, (text) => {
            if (this.abort === abort) this.out(crlf(text));
          }, abort.signal);
        } catch (e) {
          if (this.abort === abort) this.out(crlf(`-sh: ${e instanceof Error ? e.message : String(e)}\n`));
        }
        if (this.abort !== abort || this.phase !== 'running') return; // the board rebooted or lost power meanwhile
        this.abort = null;
        this.phase = 'shell';
        if (shell.ended) {
          this.logout();
          return;
        }
      }
      this.out(this.prompt);
      line = this.queued.shift();
      if (line !== undefined) this.out(`${line}\r\n`);
      else if (this.line !== '') this.out(this.line);
    }
  }
}

/** The tty's ONLCR: "\n" becomes "\r\n" on the wire. */
export function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}
