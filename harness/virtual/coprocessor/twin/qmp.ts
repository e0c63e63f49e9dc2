// QMP client over the fd-passed socketpair: capabilities handshake, commands with ids and phase-named timeouts, events.
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { InfraError } from '../../../errors';

export interface QmpEvent {
  event: string;
  data: Record<string, unknown>;
}

export interface QmpEvents {
  event: [QmpEvent];
  close: [];
}

interface Pending {
  command: string;
  phase: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** The longest QMP line accepted: a reply bigger than this is a broken peer, not data (bounded allocation). */
const MAX_LINE = 4 * 1024 * 1024;

export class QmpClient extends EventEmitter<QmpEvents> {
  private buffered = '';
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private greeting: ((ok: boolean) => void) | null = null;
  private greeted = false;
  private closed = false;

  /** `explain` adds what QEMU said (stderr tail) to errors raised when the connection dies */
  constructor(
    private readonly socket: Duplex,
    private readonly explain: () => string = () => '',
  ) {
    super();
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', () => this.onClose());
    socket.on('close', () => this.onClose());
  }

  /** wait for QEMU's greeting, then leave capabilities negotiation mode */
  async handshake(timeoutMs: number): Promise<void> {
    if (!this.greeted) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.greeting = null;
          reject(new InfraError('E_TIMEOUT', `QEMU sent no QMP greeting within ${timeoutMs} ms (phase qmp-greeting)${this.tail()}`, { phase: 'qmp-greeting', timeoutMs }));
        }, timeoutMs);
        this.greeting = (ok) => {
          clearTimeout(timer);
          this.greeting = null;
          if (ok) resolve();
          else reject(this.closedError('qmp_capabilities', 'qmp-greeting'));
        };
        if (this.closed) this.greeting(false);
      });
    }
    await this.execute('qmp_capabilities', undefined, { phase: 'qmp-handshake', timeoutMs });
  }

  execute<T = unknown>(command: string, args: Record<string, unknown> | undefined, opts: { phase: string; timeoutMs: number }): Promise<T> {
    if (this.closed) return Promise.reject(this.closedError(command, opts.phase));
    const id = `rh${this.nextId++}`;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new InfraError('E_TIMEOUT', `QMP ${command} got no answer within ${opts.timeoutMs} ms (phase ${opts.phase})${this.tail()}`, {
            command,
            phase: opts.phase,
            timeoutMs: opts.timeoutMs,
          }),
        );
      }, opts.timeoutMs);
      this.pending.set(id, { command, phase: opts.phase, resolve: (v) => resolve(v as T), reject, timer });
      const msg = args === undefined ? { execute: command, id } : { execute: command, arguments: args, id };
      this.socket.write(`${JSON.stringify(msg)}\n`);
    });
  }

  /** an HMP command through QMP (`info registers`, `x /4wx 0xe000ed28`): its text output */
  async hmp(commandLine: string, opts: { phase: string; timeoutMs: number }): Promise<string> {
    const out = await this.execute<unknown>('human-monitor-command', { 'command-line': commandLine }, opts);
    return typeof out === 'string' ? out : '';
  }

  /** wait for the next event named `name` (optionally matching `accept`), with a phase-named budget */
  waitEvent(name: string, opts: { phase: string; timeoutMs: number; accept?: (e: QmpEvent) => boolean }): Promise<QmpEvent> {
    return new Promise<QmpEvent>((resolve, reject) => {
      const onEvent = (e: QmpEvent): void => {
        if (e.event !== name || (opts.accept !== undefined && !opts.accept(e))) return;
        cleanup();
        resolve(e);
      };
      const onClose = (): void => {
        cleanup();
        reject(this.closedError(`event ${name}`, opts.phase));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new InfraError('E_TIMEOUT', `no QMP ${name} event within ${opts.timeoutMs} ms (phase ${opts.phase})`, { phase: opts.phase, timeoutMs: opts.timeoutMs }));
      }, opts.timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off('event', onEvent);
        this.off('close', onClose);
      };
      this.on('event', onEvent);
      this.on('close', onClose);
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private onData(chunk: string): void {
    this.buffered += chunk;
    if (this.buffered.length > MAX_LINE && !this.buffered.includes('\n')) {
      this.socket.destroy();
      return;
    }
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, nl).trim();
      this.buffered = this.buffered.slice(nl + 1);
      if (line !== '') this.onLine(line);
    }
  }

  private onLine(line: string): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return; // QMP speaks JSON only; a torn line cannot be answered, the command's timeout reports it
    }
    if ('QMP' in msg) {
      this.greeted = true;
      this.greeting?.(true);
      return;
    }
    if (typeof msg.event === 'string') {
      const data = (typeof msg.data === 'object' && msg.data !== null ? msg.data : {}) as Record<string, unknown>;
      this.emit('event', { event: msg.event, data });
      return;
    }
    const id = typeof msg.id === 'string' ? msg.id : undefined;
    const p = id === undefined ? undefined : this.pending.get(id);
    if (p === undefined || id === undefined) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if ('error' in msg) {
      const err = (msg.error ?? {}) as { class?: string; desc?: string };
      p.reject(
        new InfraError('E_REMOTE', `QMP ${p.command} failed (phase ${p.phase}): ${err.desc ?? 'unknown error'}`, {
          command: p.command,
          phase: p.phase,
          class: err.class,
        }),
      );
    } else {
      p.resolve(msg.return);
    }
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.greeting?.(false);
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(this.closedError(p.command, p.phase));
    }
    this.emit('close');
  }

  private closedError(command: string, phase: string): InfraError {
    return new InfraError('E_TRANSPORT', `QEMU's QMP connection closed during ${command} (phase ${phase})${this.tail()}`, { command, phase });
  }

  private tail(): string {
    const t = this.explain();
    return t === '' ? '' : `; QEMU said: ${t}`;
  }
}
