// Continuous console capture for one board: timestamped log file, expect(), cursors, death-string events, reopen after loss.
import { EventEmitter } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import type { BoardProfile, ConsoleTarget, FarmInstance } from '../../config';
import { ConfigError, InfraError, StateError } from '../../errors';
import { messageOf } from '../message-of';
import { describeTarget, openLink, type ConsoleLink, type PortFactory } from './console-link';
import { ConsoleLog } from './console-log';
import { ConsoleText, type ConsoleCursor } from './console-text';
import { DEFAULT_DEATH_PATTERNS, deathIn, type DeathPattern } from './death-strings';

const MAX_LINE = 64 * 1024;

export interface ConsoleCaptureOptions {
  target: ConsoleTarget | string;
  /** every line is appended here as `[ISO time] line` */
  logFile: string;
  /** profile.console.baud; ignored by ptys and TCP */
  baudRate?: number;
  board?: string;
  /** budget for the first open (the device may not exist yet right after power-on); default 10 s */
  openTimeoutMs?: number;
  /** default expect() budget (profile.timeouts.console) */
  expectTimeoutMs?: number;
  reopenDelayMs?: { min: number; max: number };
  deathPatterns?: readonly DeathPattern[];
  maxBufferChars?: number;
  portFactory?: PortFactory;
}

export interface ExpectOptions {
  phase?: string;
  timeoutMs?: number;
  /** search from here; default: where the previous successful expect() ended */
  since?: ConsoleCursor;
  /** reject at once (E_REMOTE) when a death string appears after the cursor instead of waiting out the budget */
  failOnDeath?: boolean;
}

export interface DeathEvent {
  name: string;
  line: string;
  at: Date;
  cursor: ConsoleCursor;
}

export interface ConsoleEvents {
  line: [line: string, at: Date];
  death: [event: DeathEvent];
  disconnected: [reason: string];
  reopened: [info: { attempts: number; downMs: number }];
}

export class ConsoleCapture extends EventEmitter<ConsoleEvents> {
  readonly description: string;
  readonly deaths: DeathEvent[] = [];
  private link: ConsoleLink | undefined;
  private readonly text: ConsoleText;
  private readonly log: ConsoleLog;
  private decoder = new StringDecoder('utf8');
  private partial = '';
  private partialAt: Date | undefined;
  private expectFrom = 0;
  private closed = false;
  private waiters = new Set<() => void>();

  private constructor(private readonly opts: ConsoleCaptureOptions) {
    super();
    this.description = describeTarget(opts.target);
    this.text = new ConsoleText(opts.maxBufferChars);
    this.log = new ConsoleLog(opts.logFile);
  }

  /** Opens the console (retrying until openTimeoutMs: the device may appear late) and starts capturing. */
  static async open(opts: ConsoleCaptureOptions): Promise<ConsoleCapture> {
    const c = new ConsoleCapture(opts);
    try {
      const { link } = await c.openWithBackoff(opts.openTimeoutMs ?? 10_000);
      c.attach(link);
      c.log.marker(new Date(), `console ${c.description} opened`);
      return c;
    } catch (e) {
      c.log.close();
      throw e;
    }
  }

  /** The console of an inventory instance with its profile's baud and console budget; E_CONFIG when it has none. */
  static forInstance(instance: FarmInstance, profile: Pick<BoardProfile, 'console' | 'timeouts'>, logFile: string, extra: Partial<ConsoleCaptureOptions> = {}): Promise<ConsoleCapture> {
    if (!instance.console) {
      return Promise.reject(new ConfigError(`board ${instance.name} has no console in the inventory; add console: { path: /dev/serial/by-id/... } or { tcp: "host:port" }`, { keyPath: `boards.${instance.name}.console` }));
    }
    return ConsoleCapture.open({
      target: instance.console,
      logFile,
      baudRate: profile.console.baud,
      board: instance.name,
      expectTimeoutMs: profile.timeouts.console,
      ...extra,
    });
  }

  get isOpen(): boolean {
    return this.link !== undefined;
  }

  get logFile(): string {
    return this.opts.logFile;
  }

  /** A cursor at the current end of the captured text. */
  mark(): ConsoleCursor {
    return { offset: this.text.end };
  }

  /** Console text captured since the cursor (complete lines and the line in progress, without `\r`). */
  since(cursor: ConsoleCursor): string {
    return this.text.from(cursor.offset).text;
  }

  lastLine(): string {
    return this.text.lastLine();
  }

  deathsSince(cursor: ConsoleCursor): DeathEvent[] {
    return this.deaths.filter((d) => d.cursor.offset >= cursor.offset);
  }

  write(data: string | Uint8Array): Promise<void> {
    if (!this.link) return Promise.reject(new InfraError('E_TRANSPORT', `console ${this.description} is not open (reconnecting)`, { board: this.opts.board }));
    return this.link.write(data);
  }

  /** Resolves with the first match of `re` after the cursor; the next expect() continues after it. */
  expect(re: RegExp, options: ExpectOptions = {}): Promise<RegExpExecArray> {
    if (this.closed) return Promise.reject(new StateError(`console ${this.description} is closed`));
    const phase = options.phase ?? 'console';
    const budget = options.timeoutMs ?? this.opts.expectTimeoutMs ?? 10_000;
    const from = options.since?.offset ?? this.expectFrom;
    const search = new RegExp(re.source, re.flags.replace(/[gy]/g, ''));
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const { text, start } = this.text.from(from);
        const m = search.exec(text);
        if (!m) {
          const death = options.failOnDeath ? this.deaths.find((d) => d.cursor.offset >= from) : undefined;
          if (!death) return false;
          finish();
          reject(new InfraError('E_REMOTE', `console ${phase}: the board died while waiting for /${re.source}/: ${death.line}`, { board: this.opts.board, phase, death: death.name, line: death.line }));
          return true;
        }
        this.expectFrom = start + m.index + m[0].length;
        finish();
        resolve(m);
        return true;
      };
      const timer = setTimeout(() => {
        finish();
        const last = this.lastLine() || '(nothing received)';
        const state = this.link ? '' : ' (console disconnected)';
        reject(new InfraError('E_TIMEOUT', `console ${phase} timed out after ${budget} ms; last console line: ${last}${state}`, { board: this.opts.board, phase, budgetMs: budget, pattern: re.source, lastLine: last }));
      }, budget);
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      const waiter = (): void => void check();
      if (check()) return;
      this.waiters.add(waiter);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const link = this.link;
    this.link = undefined;
    await link?.close();
    this.flushPartial();
    this.log.marker(new Date(), `console ${this.description} closed`);
    this.log.close();
  }

  private attach(link: ConsoleLink): void {
    this.link = link;
    link.on('data', (chunk) => this.onData(this.decoder.write(chunk)));
    link.on('lost', (reason) => void this.onLost(link, reason));
  }

  private onData(s: string): void {
    const clean = s.replace(/\r/g, '');
    if (clean.length === 0) return;
    const now = new Date();
    const parts = clean.split('\n');
    let offset = this.text.end - this.partial.length;
    this.text.append(clean);
    parts.forEach((part, i) => {
      if (i === parts.length - 1) {
        if (part.length > 0) this.partialAt ??= now;
        this.partial += part;
        // a console spewing without newlines must not grow one line without bound
        if (this.partial.length > MAX_LINE) {
          this.completeLine(this.partial, this.partialAt ?? now, offset);
          this.partial = '';
          this.partialAt = undefined;
        }
        return;
      }
      const line = this.partial + part;
      const at = this.partialAt ?? now;
      this.completeLine(line, at, offset);
      offset += line.length + 1;
      this.partial = '';
      this.partialAt = undefined;
    });
    for (const w of [...this.waiters]) w();
  }

  private completeLine(line: string, at: Date, offset: number): void {
    this.log.line(at, line);
    this.emit('line', line, at);
    const death = deathIn(line, this.opts.deathPatterns ?? DEFAULT_DEATH_PATTERNS);
    if (death) {
      const ev = { name: death.name, line, at, cursor: { offset } };
      this.deaths.push(ev);
      this.emit('death', ev);
    }
  }

  private flushPartial(): void {
    if (this.partial.length > 0) this.log.line(this.partialAt ?? new Date(), this.partial);
    this.partial = '';
    this.partialAt = undefined;
  }

  private async onLost(link: ConsoleLink, reason: string): Promise<void> {
    if (this.link !== link || this.closed) return;
    this.link = undefined;
    const down = performance.now();
    this.flushPartial();
    this.decoder = new StringDecoder('utf8');
    this.log.marker(new Date(), `console ${this.description} lost: ${reason}; reopening`);
    this.emit('disconnected', reason);
    // not at once: the old device link may still point at a pty number that is about to be reused
    await new Promise((r) => setTimeout(r, this.opts.reopenDelayMs?.min ?? 100));
    const { link: next, attempts } = await this.openWithBackoff(Number.POSITIVE_INFINITY).catch(() => ({ link: undefined, attempts: 0 }));
    if (!next) return;
    if (this.closed) {
      await next.close();
      return;
    }
    this.attach(next);
    const downMs = Math.round(performance.now() - down);
    this.log.marker(new Date(), `console ${this.description} reopened after ${downMs} ms (${attempts} attempt${attempts === 1 ? '' : 's'})`);
    this.emit('reopened', { attempts, downMs });
  }

  /** Bounded exponential backoff; stops when the budget is spent or close() was called. */
  private async openWithBackoff(budgetMs: number): Promise<{ link: ConsoleLink; attempts: number }> {
    const started = performance.now();
    const { min, max } = this.opts.reopenDelayMs ?? { min: 100, max: 2000 };
    let delay = min;
    let attempts = 0;
    let lastError = '';
    while (!this.closed) {
      attempts++;
      try {
        return { link: await openLink(this.opts.target, this.opts.baudRate ?? 115200, this.opts.portFactory), attempts };
      } catch (e) {
        lastError = messageOf(e);
      }
      const left = budgetMs - (performance.now() - started);
      if (left <= 0) break;
      await new Promise((r) => setTimeout(r, Math.min(delay, left)));
      delay = Math.min(delay * 2, max);
    }
    throw new InfraError(
      'E_TRANSPORT',
      `cannot open console ${this.description}${this.opts.board ? ` of board ${this.opts.board}` : ''} within ${budgetMs} ms (${attempts} attempts): ${lastError || 'closed'}`,
      { board: this.opts.board, target: this.description, attempts },
    );
  }
}
